"""The seam every supplier plugs into: its capabilities and its adapter.

An adapter wraps one supplier's client (plain Python, no Django). It declares once
what the supplier can do (`Capabilities`), reads the supplier's data into the records
of `suppliers.records`, and turns the cockpit's change verbs into wire calls. Verbs a
supplier cannot take are simply not implemented: the outbox refuses such a change from
the capabilities before anything is recorded, and the pages do not offer it.

Features only one supplier has are not verbs: its adapter provides them as methods or
feature objects behind their capability (Cint's ``adapter.fielding`` for jobs and runs,
``adapter.drafts``, ``adapter.launched``; PureSpectrum's ``create_survey``), taking plain
values and returning records; the app never calls ``adapter.client``. Request bodies are
built inside the supplier's package. Capabilities say what a supplier can do, never which
supplier it is.

The app gets an adapter with `sync.adapters.adapter_for(connection)`, which picks the
class from `suppliers.registry.ADAPTERS` by the connection's kind.
"""

from dataclasses import dataclass

from .meaning import Meaning


@dataclass(frozen=True)
class InterlockLimits:
    """How many profiles (qualifications) one interlock may join, and how many cells it may have."""

    min_members: int = 2
    max_members: int = 6
    max_cells: int | None = None
    # The goals one cell may take (None: no upper bound).
    min_cell_goal: int = 0
    max_cell_goal: int | None = None
    # What the supplier calls the things it interlocks, for messages.
    member_word: str = "profiles"
    # Whether an interlock can be removed again (Audience-Align has no way to).
    removable: bool = True
    # Whether a new interlock's cells are split from a goal the caller gives (Audience-Align splits its own).
    split_from_goal: bool = True


@dataclass(frozen=True)
class StatusAction:
    """A status change a supplier takes through the generic `set_status` verb (not Cint's fielding runs)."""

    name: str  # the verb `set_status` takes, e.g. "pause"
    label: str  # the button, e.g. "Pause"
    to_status: str  # the cockpit status it leads to (`TargetGroup.Status`), e.g. "paused"
    from_statuses: frozenset  # the cockpit statuses it is offered from
    # Said before it is sent, for what cannot be undone ("A closed survey cannot be changed again.").
    warning: str = ""


@dataclass(frozen=True)
class IdListReconciliation:
    """Reconciling one survey by a list of respondent ids (PureSpectrum's transaction ids,
    Audience-Align's UIDs), through `submit_reconciliation` / `read_reconciliation`."""

    id_word: str  # what the supplier calls the ids, for messages ("transaction id", "UID")
    contact_email: bool = False  # the supplier asks for an e-mail to write to about it
    max_ids: int = 20_000
    # The shape of one id (a regular expression the whole id must match).
    id_pattern: str = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}"
    help: str = ""  # what the supplier does with the list, shown beside the form
    # The list is the survey's final set of valid completes: what becomes of a complete it leaves
    # out ("become rejections"), and the verb an alert uses for them ("rejected 9 of the 10 completes").
    unlisted_fate: str = "become rejections"
    unlisted_verb: str = "rejected"


@dataclass(frozen=True)
class RedirectLinks:
    """The respondent exit links the cockpit builds back to the supplier, one per outcome."""

    id_word: str  # what the supplier calls the respondent's id in the link, for the page ("RID", "transaction id")
    # Server-to-server callbacks stand beside the links (the tool shows their steps too).
    server_to_server: bool = False


@dataclass(frozen=True)
class Capabilities:
    """What a supplier can do, declared once by its adapter."""

    # Enable or disable a profile's quotas as a whole.
    quota_switch: bool = False
    # Change the completes goal of a quota (Cint's completes goal, PureSpectrum's
    # required_count, Audience-Align's required_count).
    quota_goals: bool = False
    # A quota at its goal still lets a few respondents through (Audience-Align: "a soft quota structure"), so
    # closing one does not stop it at once.
    soft_quotas: bool = False
    # Cap a quota's traffic below its goal (PureSpectrum's current_target).
    traffic_caps: bool = False
    # What the supplier calls the respondents a quota counts before they complete, where it counts them
    # per quota (Cint's prescreens, PureSpectrum's starts); "" where it does not (the grid has no column).
    quota_starts: str = ""
    # Create and remove interlocks, within these limits (None: not possible).
    interlocks: InterlockLimits | None = None
    # Change the target group's overall completes goal.
    filling_goal: bool = False
    # A new filling goal moves every quota goal with it (each keeps its share): Cint rescales them.
    filling_goal_moves_quota_goals: bool = False
    # The supplier versions its resources (ETags) and checks them (If-Match).
    versions: bool = False
    # The operations (change kinds' `operation`) the supplier de-duplicates by
    # idempotency key; any other is re-read and checked before a re-send.
    idempotent_operations: frozenset = frozenset()
    # Webhooks keep counts live; without them the pull sync polls.
    webhooks: bool = False
    # The target-group list can be asked for some statuses only (`iter_target_groups(statuses=…)`).
    lists_by_status: bool = False
    # Status changes through the generic `set_status` verb (`StatusAction`s), e.g. pause, resume, close.
    status_actions: tuple = ()
    # Fielding runs with launch and batch jobs (`adapter.fielding`); draft target groups with the
    # profiling library (`adapter.drafts`); performance reports.
    fielding_runs: bool = False
    drafts: bool = False
    reports: bool = False
    # Reconciliation by files of respondent ids with reason codes, for the whole account.
    reconciliation_by_files: bool = False
    # Reconciling one survey by a list of respondent ids (`IdListReconciliation`), or None.
    id_reconciliation: IdListReconciliation | None = None
    # Exclude respondents of other surveys; feasibility estimates.
    exclusions: bool = False
    feasibility: bool = False
    # Respondent exit links the cockpit can build (`RedirectLinks`), or None.
    redirects: RedirectLinks | None = None
    # A new survey is drafted in the cockpit with its qualifications and quotas, then sent whole
    # (PureSpectrum's survey form; Audience-Align's own form is `survey_creation`).
    survey_drafts: bool = False
    # A launched target group's own settings (`adapter.launched`): change its CPI (dynamic pricing),
    # its filling strategy and Fielding Assistant settings, its details (name, manager, links…);
    # read its changelog and rate card;
    # ask which fielding actions the supplier allows now.
    cpi_changes: bool = False
    filling_strategy: bool = False
    launched_details: bool = False
    changelog: bool = False
    rate_cards: bool = False
    transitions: bool = False
    # Add, change and delete a launched target group's qualifications (profiles).
    qualifications: bool = False
    # Change the expected length of interview (minutes) / the CPI of a launched target group.
    loi: bool = False
    cpi: bool = False
    # Create surveys from the cockpit's own form (Audience-Align's `create_survey`, through `adapter`).
    survey_creation: bool = False
    # Cockpit statuses after which the supplier takes no change at all (Audience-Align's Closed).
    final_statuses: frozenset = frozenset()

    def allows(self, name):
        """Whether the capability `name` (a field of this class) is there."""
        return bool(getattr(self, name))

    def status_action(self, name):
        """The `StatusAction` called `name`, or None."""
        return next((action for action in self.status_actions if action.name == name), None)


class Unsupported(Exception):
    """A change the supplier cannot take; the message says so in words."""


class SupplierAdapter:
    """Base class of the adapters; the methods a supplier cannot serve stay unimplemented.

    Change verbs take the change's idempotency `key` (sent where the supplier has keys)
    and the target group's `version` (sent in If-Match where it has versions) and return
    an `Answer`. They raise the shared errors of `suppliers.errors`.
    """

    kind = ""
    label = ""
    capabilities = Capabilities()
    # The settings the adapter is built from: `<KIND>_<KEY>` for each key (e.g. CINT_BASE_URL).
    config_keys = ()

    def __init__(self, client):
        self.client = client

    @classmethod
    def from_config(cls, config, *, cache=None, session=None):  # pragma: no cover - abstract
        """Build the adapter from `config` ({key: value} for `config_keys`, plus "account_id"), with `cache`
        (get/set) for what the supplier lets it keep, on `session` (a ``requests.Session``) if given."""
        raise NotImplementedError

    @property
    def request_count(self):
        """API calls sent so far (what the benches and sync runs count)."""
        return self.client.request_count

    def close(self):
        """Let go of the HTTP connections (a worker runs for days)."""
        session = getattr(getattr(self.client, "transport", None), "session", None)
        if session is not None:
            session.close()

    def deduplicates(self, operation):
        """Whether a re-send of `operation` with the same idempotency key is applied only once."""
        return operation in self.capabilities.idempotent_operations

    # --- reading (the pull sync) -------------------------------------------------------------

    def iter_projects(self):
        """Yield a `ProjectRecord` per project (suppliers without projects yield one of their own)."""
        raise NotImplementedError

    def iter_target_groups(self, project_id, statuses=None):
        """Yield a `TargetGroupRecord` per target group of a project, as the list shows it (only those
        in `statuses`, cockpit statuses, where `capabilities.lists_by_status`)."""
        raise NotImplementedError

    def read_target_group(self, ref, *, known_version=None, with_statistics=True):
        """A launched target group's fields: ``(record, changed)``.

        ``changed`` is False when `known_version` is given (the last full read's version)
        and the supplier's version equals it, so the caller can skip reading further; the
        record then may hold only what that check read. `with_statistics` False asks only
        for the target group's own settings (goal, LOI, links…), not its progress and rates.
        """
        raise NotImplementedError

    def read_draft(self, ref):
        """A draft target group's fields (`TargetGroupRecord` whose `extra` holds the draft body)."""
        raise NotImplementedError

    @staticmethod
    def draft_field_errors(response, fields):
        """``({field: [reason…]}, [unplaced reasons])``: a refused draft's parameter names placed on the draft
        form's `fields` (suppliers with `drafts`)."""
        return {}, []

    def read_profiles(self, ref):
        """The target group's profiles, quotas and interlocks: a `ProfilesSnapshot`."""
        raise NotImplementedError

    @staticmethod
    def quota_meaning(owner, quota, members=()):
        """What a stored quota (or interlock cell) counts, as a `suppliers.meaning.Meaning`: `owner` its profile
        or interlock, `members` an interlock's profiles (see `suppliers.meaning`). None understood by default."""
        return Meaning()

    # --- change verbs --------------------------------------------------------------------------

    def set_quotas_enabled(self, ref, profile_id, enabled, *, key, version=""):
        raise NotImplementedError

    def create_interlock(self, ref, profile_ids, *, filling_goal, key, version=""):
        raise NotImplementedError

    def remove_interlock(self, ref, interlock_id, *, key, version=""):
        raise NotImplementedError

    def set_quota_goals(self, ref, goals, *, key, version=""):
        """`goals`: {(owner id, quota id): goal}, owner = the profile's or the interlock's remote id."""
        raise NotImplementedError

    def set_traffic_cap(self, ref, quota_id, cap, *, key, version=""):
        raise NotImplementedError

    def set_quota_figures(self, ref, goals, targets, *, key, version=""):
        """Goals (as `set_quota_goals` takes them) and current targets (`targets`: {quota id: cap}, suppliers
        with `traffic_caps`) of many quotas, as one change. A supplier without caps takes the goals alone."""
        if targets:
            raise NotImplementedError
        return self.set_quota_goals(ref, goals, key=key, version=version)

    def set_filling_goal(self, ref, goal, *, key, version=""):
        raise NotImplementedError

    def set_status(self, ref, action, *, key, version=""):
        """`action`: the name of one of `capabilities.status_actions`."""
        raise NotImplementedError

    def set_loi(self, ref, minutes, *, key, version=""):
        """The expected length of interview, in minutes (`capabilities.loi`)."""
        raise NotImplementedError

    def set_cpi(self, ref, cpi, *, key, version=""):
        """The cost per interview, a Decimal in the target group's currency (`capabilities.cpi`)."""
        raise NotImplementedError

    # --- qualifications (`capabilities.qualifications`) ------------------------------------------

    def add_qualification(self, ref, question_id, conditions_kind, conditions, *, key, version=""):
        """Add a profile: `conditions` in the cockpit's shape (``[{"id", "text"}]``, ranges with
        ``min``/``max``, postal codes as ids), `conditions_kind` one of `ProfileRecord.conditions_kind`."""
        raise NotImplementedError

    def update_qualification(self, ref, question_id, conditions_kind, conditions, *, key, version=""):
        """Replace the conditions a profile targets."""
        raise NotImplementedError

    def delete_qualification(self, ref, question_id, *, key, version=""):
        raise NotImplementedError

    def read_exclusions(self, ref):
        """The remote ids of the surveys whose respondents are kept out of this one, or None where the
        supplier has no such list (`capabilities.exclusions`)."""
        return None

    # --- reconciliation by a list of ids (`capabilities.id_reconciliation`) ---------------------

    def submit_reconciliation(self, ref, ids, *, contact_email="", key):
        """Send the ids; the `Answer`'s `reconciliation` is a `ReconciliationRecord`."""
        raise NotImplementedError

    def read_reconciliation(self, ref, remote_id):
        """The supplier's `ReconciliationRecord` of a submitted list, as it stands now."""
        raise NotImplementedError

    def find_reconciliation(self, ref, ids):
        """The `ReconciliationRecord` the supplier already holds for exactly these ids, or None
        (asked before re-sending a list whose answer was lost)."""
        raise NotImplementedError

    # --- webhooks (suppliers with `capabilities.webhooks`) ------------------------------------

    @staticmethod
    def verify_webhook(secret, headers, body, *, now=None):
        """Raise `suppliers.errors.BadSignature` unless `body` is signed with `secret` (no client needed)."""
        raise NotImplementedError

    @staticmethod
    def parse_webhook(body, headers):
        """A `suppliers.records.WebhookEvent` from a verified body; `BadEvent` (in words) if unreadable."""
        raise NotImplementedError

    def register_webhook(self, url, *, webhook_id="", has_secret=False, new_key):
        """Point the supplier's webhook at `url`; returns ``(webhook id, new secret or "")``."""
        raise NotImplementedError
