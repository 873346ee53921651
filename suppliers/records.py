"""What an adapter hands the cockpit: plain records of the supplier's data, in the cockpit's words.

Every supplier's wire shapes stop at its adapter; the app stores these records.
A field left ``None`` means "the supplier did not say", so the stored value is kept.
Statuses use the cockpit's vocabulary (``TargetGroup.Status``: draft, scheduled,
live, paused, completed, closed, archived); ``status_label`` keeps the supplier's
own word for it when that reads differently ("Inactive").
"""

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class TargetGroupRef:
    """Where a target group lives at the supplier: its project's id and its own."""

    project_id: str
    target_group_id: str


@dataclass
class ProjectRecord:
    remote_id: str
    name: str
    status: str = "active"
    human_readable_id: str = ""
    project_manager_id: str | None = None
    purchase_order_number: str = ""
    last_activity_at: datetime | None = None


@dataclass
class TargetGroupRecord:
    """A target group (a survey, for suppliers that have no projects) as the supplier shows it."""

    remote_id: str
    name: str | None = None
    status: str | None = None
    status_label: str | None = None
    # Why the supplier changed the status by itself ("goal met", "no starts in 24 h"), when it says.
    status_reason: str | None = None
    locale: str | None = None
    human_readable_id: str | None = None
    created_at: datetime | None = None
    # When the supplier last changed it, where the supplier says.
    updated_at: datetime | None = None
    # Where it does not: a digest of the list's row (equal rows, equal digests), "" otherwise.
    fingerprint: str = ""
    filling_goal: int | None = None
    completes: int | None = None
    prescreens: int | None = None
    expected_length_of_interview_minutes: int | None = None
    expected_incidence_rate: Decimal | None = None
    median_length_of_interview_seconds: int | None = None
    incidence_rate: Decimal | None = None
    conversion_rate: Decimal | None = None
    drop_off_rate: Decimal | None = None
    pricing_model: str | None = None
    cpi: Decimal | None = None
    cpi_currency: str | None = None
    fielding_start_at: datetime | None = None
    fielding_end_at: datetime | None = None
    live_url: str | None = None
    test_url: str | None = None
    project_manager_id: str | None = None
    business_unit_id: str | None = None
    study_type_code: str | None = None
    industry_code: str | None = None
    industry_lockout_code: str | None = None
    collects_pii: bool | None = None
    # Everything else a page may show (fielding assistant, costs, links), merged into `details`.
    extra: dict = field(default_factory=dict)
    # The supplier's version of what was read (an ETag), "" where it has none.
    version: str = ""


@dataclass
class QuotaRecord:
    """A quota of a profile, or a cell of an interlock.

    `quota`, `completes` and `prescreens` are None where the supplier does not count or set them
    (Audience-Align gives no prescreens per quota, and no count for an option without a quota of
    its own): the cockpit then shows them as unknown, never as 0.
    """

    remote_id: str
    text: str = ""
    kind: str = "ungrouped"  # or "grouped"
    condition_ids: list = field(default_factory=list)
    quota: int | None = 0  # the share of the target group, in %, where the supplier has one
    completes_goal: int = 0
    completes: int | None = 0
    prescreens: int | None = 0
    position: int = 0
    # A cap on traffic below the goal (PureSpectrum's current_target), None where there is none.
    traffic_cap: int | None = None
    # Anything else the supplier says about the quota, for its pages.
    extra: dict = field(default_factory=dict)


# `ProfileRecord.conditions_kind`: what a profile's conditions are.
SELECTION = "selection_conditions_details_template"  # options, ``{"id", "text"}``
RANGE = "range_conditions_details_template"  # ranges, ``{"id", "text", "min", "max"}``
ZIP = "zip_conditions_details_template"  # postal codes, ``{"id", "text"}``


@dataclass
class ProfileRecord:
    """A profiling question of the target group (a qualification) with its conditions and quotas."""

    remote_id: str
    name: str = ""
    question_id: int = 0
    description: str = ""
    quotas_enabled: bool = True
    conditions_kind: str = ""
    conditions: list = field(default_factory=list)  # [{"id", "text", ...}]
    quotas: list[QuotaRecord] = field(default_factory=list)
    interlock_id: str | None = None


@dataclass
class InterlockRecord:
    """Profiles joined into one set of cells (their cartesian product)."""

    remote_id: str
    name: str = ""
    quotas_enabled: bool = True
    depends_on_questions: list = field(default_factory=list)
    profile_ids: list[str] = field(default_factory=list)
    cells: list[QuotaRecord] = field(default_factory=list)


@dataclass
class ProfilesSnapshot:
    """Every profile and interlock of a target group, as one read showed them.

    Each regular profile is in `profiles` once, with `interlock_id` naming the interlock
    it belongs to (if any).
    """

    profiles: list[ProfileRecord] = field(default_factory=list)
    interlocks: list[InterlockRecord] = field(default_factory=list)
    version: str = ""

    def profile(self, remote_id):
        return next((p for p in self.profiles if p.remote_id == remote_id), None)

    def interlock(self, remote_id=None):
        """The interlock with `remote_id` (or the first one), or None."""
        return next((i for i in self.interlocks if remote_id is None or i.remote_id == remote_id), None)

    def members(self, interlock_id):
        """The remote ids of the profiles an interlock joins."""
        return {p.remote_id for p in self.profiles if p.interlock_id == interlock_id}

    def quotas(self):
        """Every quota and interlock cell, by remote id."""
        found = {q.remote_id: q for p in self.profiles for q in p.quotas}
        found.update({c.remote_id: c for i in self.interlocks for c in i.cells})
        return found

    def goals(self):
        """{quota or cell id: completes goal} across profiles and interlocks."""
        return {remote_id: quota.completes_goal for remote_id, quota in self.quotas().items()}


@dataclass
class ReconciliationRecord:
    """A submitted list of respondent ids, as the supplier reports it."""

    remote_id: str = ""  # the supplier's id for the submission, "" where it keeps none
    state: str = "processing"  # "processing", "complete" or "failed"
    status_label: str = ""  # the supplier's own word ("Pending", "Completed")
    summary: dict = field(default_factory=dict)  # counts in the supplier's words: {"eligible": 10, …}
    accepted_ids: list = field(default_factory=list)
    needs_review: bool = False  # accepted, but a person at the supplier looks at it first
    message: str = ""  # what the supplier said, in its words
    # Where the supplier says: the survey's completes it keeps after the list, and those it turns into
    # rejections (None: not said).
    kept: int | None = None
    rejected: int | None = None


@dataclass
class FieldingRunRecord:
    """A period a target group fields in (Cint's fielding run), as the supplier shows it."""

    remote_id: str
    status: str = ""  # the supplier's word: "Live", "Paused", "Completed", "Scheduled"…
    start_fielding_at: datetime | None = None
    end_fielding_at: datetime | None = None
    revision: int = 0  # the run's own counter (the supplier's `version` field)
    last_changed_at: datetime | None = None
    last_changed_by: str = ""
    version: str = ""  # the ETag to send as If-Match when changing it


@dataclass
class JobRecord:
    """An asynchronous job the supplier runs (launch or schedule from draft, a batch of target groups)."""

    status: str = ""  # "Completed", "Failed", or the supplier's word while it runs
    fielding_run_id: str | None = None  # the run a launch or schedule created
    failure: str = ""  # why it failed, in the supplier's words ("" for none given)
    failure_code: str = ""  # the supplier's code for it, where it gives no words
    failure_details: list = field(default_factory=list)  # ["name: reason", …]
    updated: list = field(default_factory=list)  # target group ids a batch changed
    failed: list = field(default_factory=list)  # [{"target_group_id", "name", "reason"}] a batch could not change


@dataclass
class Answer:
    """What a change verb got back: the supplier's new version and the records it returned."""

    status: int | None = None
    version: str = ""
    raw: Any = None
    profile: ProfileRecord | None = None
    # One quota or cell the answer returned (PureSpectrum's quota PATCH).
    quota: QuotaRecord | None = None
    profiles: ProfilesSnapshot | None = None
    interlock: InterlockRecord | None = None
    # Profiles the answer returned beside the interlock: those it joined, or released.
    members: list[ProfileRecord] = field(default_factory=list)
    target_group: TargetGroupRecord | None = None
    reconciliation: ReconciliationRecord | None = None
    fielding_run: FieldingRunRecord | None = None
    # The id the supplier gave what the call created (a project, a draft target group), where it says.
    created_id: str | None = None
    location: str | None = None

    @property
    def data(self):
        """The supplier's answer as it came (kept on the change for the record)."""
        return self.raw

    @property
    def job_id(self):
        """The id of an asynchronous job the call started (the last segment of ``location``)."""
        if not self.location:
            return None
        return self.location.rstrip("/").rsplit("/", 1)[-1] or None


# --- webhook events ---------------------------------------------------------------------------


@dataclass
class QuotaFill:
    """A quota's (or interlock cell's) counts, sent between two reads."""

    target_group_id: str
    quota_id: str
    completes: int
    prescreens: int | None = None


@dataclass
class TargetGroupChanges:
    """Fields of a target group the supplier changed, in the cockpit's field names."""

    target_group_id: str
    fields: dict = field(default_factory=dict)
    # What the event named that the cockpit does not mirror, in words.
    skipped: list = field(default_factory=list)


@dataclass
class WebhookEvent:
    """One event a supplier pushed, read from its signed body."""

    id: str
    type: str
    name: str  # the subscription name, e.g. "quota-fill-registered"
    source: str = ""
    subject: str = ""
    time: datetime | None = None
    data: dict = field(default_factory=dict)
    # The supplier account the event is about, where it says ("" where it does not).
    account_id: str = ""
    # What the event says, as a record the cockpit applies (None: nothing it uses).
    payload: QuotaFill | TargetGroupChanges | None = None


# --- a payload kept for later: what the receiver read, stored, and applied as it was read --------------

STORED_PAYLOADS = {record.__name__: record for record in (QuotaFill, TargetGroupChanges)}


def payload_to_json(payload):
    """`payload` (a record of `STORED_PAYLOADS`, or None) as JSON values, to store with its event."""
    if payload is None:
        return None
    # The stored records are flat (texts, numbers, lists and dicts of them): no `asdict`'s deep copy is needed.
    return {"record": type(payload).__name__, **{f.name: _plain(getattr(payload, f.name)) for f in fields(payload)}}


def payload_from_json(stored):
    """The record `payload_to_json` stored (None for none): decimals and moments come back as text."""
    values = dict(stored or {})
    record = STORED_PAYLOADS.get(values.pop("record", ""))
    return record(**values) if record else None


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
