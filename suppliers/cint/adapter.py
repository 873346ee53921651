"""The Cint Exchange behind the supplier seam: its capabilities, its records, its verbs.

Everything the cockpit stores from Cint is read here from the contract's shapes
(``TargetGroupsListItem``, ``TargetGroupDetails``, ``TargetGroupOverview``, the v2
``GetAllProfilesResponse``) into `suppliers.records`, and each change verb names the
contract's call. Cint-only features are feature objects the adapter provides behind
their capability: ``adapter.fielding`` (launch and batch jobs, fielding runs),
``adapter.drafts`` (projects, drafts, feasibility), ``adapter.library`` (reference data and
the question library), ``adapter.launched`` (a launched target group's own settings, its
changelog and rate card), ``adapter.reports`` (figures, reports, reconciliation files); each
takes plain values and returns records.
"""

from suppliers.adapter import Capabilities, InterlockLimits, RedirectLinks, SupplierAdapter
from suppliers.errors import ServerError
from suppliers.records import (
    Answer,
    ProjectRecord,
    TargetGroupRecord,
)
from suppliers.values import decimal, text, when, whole, whole_or_none

from . import meaning, webhooks
from .client import CintClient
from .drafts import CintDrafts, draft_from_supplier, field_errors
from .launched import CintLaunched
from .library import CintLibrary
from .profiles import interlock_record, profile_record, profiles_snapshot
from .reporting import CintReports
from .runs import CintFielding
from .transport import CintTransport

# The operations for which the contract declares an `idempotency-key` (so a re-send with
# the same key is applied once); every other change is re-read and checked before a re-send.
IDEMPOTENT_OPERATIONS = frozenset(
    {
        "create_project",
        "launch_from_draft",
        "schedule_from_draft",
        "create_interlock",
        "remove_interlock",
        "reconciliation_submit",
        "generate_draft_interlock",
    }
)

PRICING_MODELS = {"ratecard": "rate_card", "dynamic": "dynamic"}


class CintAdapter(SupplierAdapter):
    kind = "cint"
    label = "Cint Exchange"
    capabilities = Capabilities(
        quota_switch=True,
        quota_goals=True,
        quota_starts="Prescreens",
        interlocks=InterlockLimits(min_members=2, max_members=6, member_word="profiles"),
        filling_goal=True,
        filling_goal_moves_quota_goals=True,
        versions=True,
        idempotent_operations=IDEMPOTENT_OPERATIONS,
        webhooks=True,
        lists_by_status=True,
        fielding_runs=True,
        drafts=True,
        reports=True,
        reconciliation_by_files=True,
        feasibility=True,
        redirects=RedirectLinks(id_word="RID", server_to_server=True),
        cpi_changes=True,
        filling_strategy=True,
        launched_details=True,
        changelog=True,
        rate_cards=True,
        transitions=True,
    )

    # Read from CINT_<KEY> settings, plus the connection's account_id.
    config_keys = ("base_url", "auth_url", "client_id", "client_secret", "api_version", "audience", "timeout_seconds")
    quota_meaning = staticmethod(meaning.quota_meaning)

    @classmethod
    def from_config(cls, config, *, cache=None, session=None):
        transport = CintTransport(
            base_url=config["base_url"],
            auth_url=config["auth_url"],
            client_id=config["client_id"],
            client_secret=config["client_secret"],
            api_version=config["api_version"],
            audience=config.get("audience") or "https://api.luc.id",
            token_cache=cache,
            timeout=config.get("timeout_seconds") or 20.0,
            session=session,
        )
        return cls(CintClient(transport, config["account_id"]))

    # --- Cint's own features, behind their capabilities ----------------------------------------

    @property
    def fielding(self):
        """Launch and batch jobs, fielding runs (`fielding_runs`): a `CintFielding`."""
        return CintFielding(self.client)

    @property
    def drafts(self):
        """Projects and draft target groups (`drafts`): a `CintDrafts`."""
        return CintDrafts(self.client)

    @property
    def library(self):
        """The account's users and business units, the definitions, questions and profiling templates
        (`drafts`): a `CintLibrary`."""
        return CintLibrary(self.client)

    @property
    def reports(self):
        """Completes per interval and performance (`reports`), the eligible-RIDs report, the reason codes
        and the progress of a reconciliation file (`reconciliation_by_files`): a `CintReports`."""
        return CintReports(self.client)

    @property
    def launched(self):
        """A launched target group's CPI, filling strategy, Fielding Assistant and details: a `CintLaunched`."""
        return CintLaunched(self.client)

    def submit_reconciliation_file(self, csv, *, file_name, key):
        """Send a file of response ids and reason codes (`reconciliation_by_files`); the answer's
        ``created_id`` is the request to follow."""
        response = self.client.submit_reconciliation(csv, file_name=file_name, idempotency_key=key)
        data = response.data if isinstance(response.data, dict) else {}
        return _answer(response, created_id=str(data.get("request_id") or "") or None)

    # --- reading -----------------------------------------------------------------------------

    def iter_projects(self):
        for item in self.client.iter_projects():
            yield ProjectRecord(
                remote_id=str(item["id"]),
                name=text(item.get("name"), 255),
                status=item.get("status") or "active",
                human_readable_id=text(item.get("human_readable_id")),
                project_manager_id=str(item["project_manager_id"]) if item.get("project_manager_id") else None,
                purchase_order_number=text(item.get("purchase_order_number")),
                last_activity_at=when(item.get("last_activity_at")),
            )

    def iter_target_groups(self, project_id, statuses=None):
        for item in self.client.iter_target_groups(project_id, status=list(statuses) if statuses else None):
            yield list_item_record(item)

    def read_target_group(self, ref, *, known_version=None, with_statistics=True):
        details = self.client.get_target_group_details(ref.project_id, ref.target_group_id)
        record = details_record(ref.target_group_id, readable(details))
        record.version = details.etag or ""
        if known_version is not None and record.version == known_version:
            return record, False
        if not with_statistics:
            return record, True
        overview = self.client.get_target_group_overview(ref.project_id, ref.target_group_id)
        merge_overview(record, readable(overview))
        record.version = record.version or overview.etag or ""
        return record, True

    def read_draft(self, ref):
        """The draft as a body the cockpit keeps (``extra["draft"]``, {} for none; see `drafts.draft_from_supplier`)."""
        response = self.client.get_target_group(ref.project_id, ref.target_group_id)
        draft = draft_from_supplier(response.data)
        return TargetGroupRecord(remote_id=ref.target_group_id, extra={"draft": draft}, version=response.etag or "")

    # A refusal of a draft's save: its parameter names placed on the draft form's fields.
    draft_field_errors = staticmethod(field_errors)

    def read_profiles(self, ref):
        response = self.client.list_profiles(ref.project_id, ref.target_group_id)
        snapshot = profiles_snapshot(readable(response))
        snapshot.version = response.etag or ""
        return snapshot

    # --- change verbs --------------------------------------------------------------------------

    def set_quotas_enabled(self, ref, profile_id, enabled, *, key, version=""):
        method = self.client.enable_quotas if enabled else self.client.disable_quotas
        response = method(
            ref.project_id, ref.target_group_id, profile_id, idempotency_key=key, if_match=version or None
        )
        data = response.data if isinstance(response.data, dict) else {}
        return _answer(response, profile=profile_record(data) if data.get("id") else None)

    def create_interlock(self, ref, profile_ids, *, filling_goal, key, version=""):
        response = self.client.create_interlocked_profile(
            ref.project_id,
            ref.target_group_id,
            profile_ids=list(profile_ids),
            target_group_filling_goal=int(filling_goal or 0),
            idempotency_key=key,
            if_match=version or None,
        )
        data = response.data if isinstance(response.data, dict) else {}
        interlock = data.get("interlocked_profile") if "interlocked_profile" in data else data
        if not interlock or not interlock.get("id"):
            return _answer(response)
        record = interlock_record(interlock)
        members = [
            profile_record(p, interlock_id=record.remote_id) for p in interlock.get("profiles") or [] if p.get("id")
        ]
        return _answer(response, interlock=record, members=members)

    def remove_interlock(self, ref, interlock_id, *, key, version=""):
        response = self.client.remove_interlocks(
            ref.project_id, ref.target_group_id, interlock_id, idempotency_key=key, if_match=version or None
        )
        data = response.data if isinstance(response.data, dict) else {}
        return _answer(response, members=[profile_record(p) for p in data.get("data") or [] if p.get("id")])

    def set_quota_goals(self, ref, goals, *, key, version=""):
        profiles = {}
        for (owner, quota_id), goal in sorted(goals.items()):
            profiles.setdefault(owner, []).append({"quota_id": quota_id, "filling_goal": int(goal)})
        body = {"profiles": [{"profile_id": owner, "quotas": profiles[owner]} for owner in sorted(profiles)]}
        response = self.client.update_filling_goals(
            ref.project_id, ref.target_group_id, body, idempotency_key=key, if_match=version or None
        )
        return _profiles_answer(response)

    def set_filling_goal(self, ref, goal, *, key, version=""):
        response = self.client.update_filling_goals(
            ref.project_id,
            ref.target_group_id,
            {"filling_goal": int(goal)},
            idempotency_key=key,
            if_match=version or None,
        )
        return _profiles_answer(response)

    # --- webhooks --------------------------------------------------------------------------------

    webhook_events = webhooks.EVENTS

    @staticmethod
    def verify_webhook(secret, headers, body, *, now=None):
        webhooks.verify_signature(secret, headers.get(webhooks.SIGNATURE_HEADER), body, now=now)

    @staticmethod
    def parse_webhook(body, headers):
        return webhooks.parse_event(body)

    def register_webhook(self, url, *, webhook_id="", has_secret=False, new_key):
        """Point the account's webhook at `url` (creating it if needed); returns ``(webhook id, secret or "")``."""
        return webhooks.register(self.client, url, webhook_id=webhook_id, has_secret=has_secret, new_key=new_key)


def readable(response):
    """A read's JSON object; an answer of any other shape is the supplier's problem, tried again later
    (never taken for "nothing there", which would mark everything as gone)."""
    if response.data is None:
        return {}
    if not isinstance(response.data, dict):
        raise ServerError(
            "The supplier's answer could not be read (it was not the expected JSON object). It will be tried again.",
            status=response.status,
            body=str(response.data)[:500],
        )
    return response.data


def _answer(response, **records):
    return Answer(
        status=response.status, version=response.etag or "", raw=response.data, location=response.location, **records
    )


def _profiles_answer(response):
    """The filling-goal update answers all profiles (or one profile): whichever it is, as records."""
    data = response.data if isinstance(response.data, dict) else {}
    if "data" in data or "interlocked_profile" in data:
        return _answer(response, profiles=profiles_snapshot(data))
    if data.get("id"):
        return _answer(response, profile=profile_record(data))
    return _answer(response)


# --- target groups ------------------------------------------------------------------------------


def stat(statistics, name):
    """`statistics[name]["value"]` of a list item, where each statistic is {value, issues}."""
    item = (statistics or {}).get(name)
    return item.get("value") if isinstance(item, dict) else item


def _progress(record, progress):
    if not isinstance(progress, dict):
        return
    record.completes = whole(progress.get("current_completes"))
    record.prescreens = whole(progress.get("current_prescreens"))
    if progress.get("filling_goal") is not None:
        record.filling_goal = whole(progress.get("filling_goal"))


def list_item_record(item):
    """A ``TargetGroupsListItem``."""
    statistics = item.get("statistics") or {}
    record = TargetGroupRecord(
        remote_id=str(item["id"]),
        name=text(item.get("name"), 255),
        status=item.get("status") or "draft",
        locale=item.get("locale") or "",
        updated_at=when(item.get("updated_at")),
        human_readable_id=item.get("human_readable_id") or None,
        project_manager_id=str(item["project_manager_id"]) if item.get("project_manager_id") else None,
        created_at=when(item.get("created_at")),
    )
    _progress(record, stat(statistics, "progress"))
    for name in ("incidence_rate", "conversion_rate", "drop_off_rate"):
        if name in statistics:
            setattr(record, name, decimal(stat(statistics, name), 4))
    if "median_length_of_interview_seconds" in statistics:
        record.median_length_of_interview_seconds = whole_or_none(
            stat(statistics, "median_length_of_interview_seconds")
        )
    return record


def _money(amount):
    if not isinstance(amount, dict) or amount.get("value") in (None, ""):
        return None, ""
    return decimal(amount.get("value"), 4), amount.get("currency_code") or ""


def details_record(remote_id, data):
    """A launched target group's ``TargetGroupDetails``."""
    record = TargetGroupRecord(remote_id=remote_id)
    if not data:
        return record
    record.name = text(data.get("name"), 255) or None
    record.human_readable_id = data.get("human_readable_id") or None
    record.business_unit_id = text(data.get("business_unit_id"))
    record.project_manager_id = text(data.get("project_manager_id"))
    record.study_type_code = text(data.get("study_type_code"))
    record.industry_code = text(data.get("industry_code"))
    record.industry_lockout_code = text(data.get("industry_lockout_code"))
    record.locale = data.get("locale") or None
    record.collects_pii = bool(data.get("collects_pii"))
    record.live_url = text(data.get("live_url"))
    record.test_url = text(data.get("test_url"))
    record.created_at = when(data.get("created_at"))
    if data.get("filling_goal") is not None:
        record.filling_goal = whole(data["filling_goal"])
    if data.get("expected_length_of_interview_minutes") is not None:
        record.expected_length_of_interview_minutes = whole(data["expected_length_of_interview_minutes"])
    if data.get("expected_incidence_rate") is not None:
        record.expected_incidence_rate = decimal(data["expected_incidence_rate"], 2)
    record.extra = {
        "account_name": data.get("account_name"),
        "client_id": data.get("client_id"),
        "links": data.get("links"),
        # The client CPI is the buyer's own note of the price (to track margins), not what
        # suppliers are paid: that is the overview's current CPI.
        "client_cpi": data.get("client_cpi"),
    }
    return record


def merge_overview(record, data):
    """Add a ``TargetGroupOverview`` (status, progress, rates, pricing) to `record`."""
    if not data:
        return record
    if data.get("status"):
        record.status = data["status"]
    _progress(record, data.get("progress"))
    if data.get("pricing_model") in PRICING_MODELS:
        record.pricing_model = PRICING_MODELS[data["pricing_model"]]
    cpi, currency = _money(data.get("current_cost_per_interview"))
    if cpi is not None:
        record.cpi, record.cpi_currency = cpi, currency
    for name in ("incidence_rate", "conversion_rate", "drop_off_rate"):
        if name in data:
            setattr(record, name, decimal(data.get(name), 4))
    if "median_length_of_interview_seconds" in data:
        record.median_length_of_interview_seconds = whole_or_none(data.get("median_length_of_interview_seconds"))
    if data.get("study_type_code"):
        record.study_type_code = data["study_type_code"]
    progress = data.get("progress") or {}
    record.extra.update(
        {
            "filling_strategy": progress.get("filling_strategy"),
            "is_pricing_restricted": data.get("is_pricing_restricted"),
            "current_cost": data.get("current_cost"),
            "current_cost_per_interview": data.get("current_cost_per_interview"),
            "average_cost_per_interview": data.get("average_cost_per_interview"),
            "country_code": data.get("country_code"),
            "language_code": data.get("language_code"),
        }
    )
    return record
