"""PureSpectrum behind the supplier seam: its capabilities, its records, its verbs.

PureSpectrum has no projects: the adapter yields one project per connection ("surveys")
and every survey of the account is a target group of it. Quotas with one criterion are
the quotas of a profile (one profile per qualification, named in words); quotas whose
criteria join several qualifications (nested) are the cells of a read-only interlock.
A quota's quantity is `completes_goal` (``required_count``), its current target is
`traffic_cap` (``current_target``); the rest PureSpectrum says of it is in `extra`.
PureSpectrum has neither idempotency keys nor ETags: every re-send is decided by a re-read.
"""

from datetime import UTC, datetime, timedelta

from suppliers import adapter as seam
from suppliers.adapter import Capabilities, IdListReconciliation, StatusAction, SupplierAdapter, Unsupported
from suppliers.errors import NotFound, PreconditionFailed, ServerError
from suppliers.records import Answer, ProjectRecord, ReconciliationRecord, TargetGroupRecord
from suppliers.values import decimal, text, when, whole, whole_or_none

from . import catalogue, meaning
from .client import CLOSED, DRAFT, LIVE, PAUSED, PureSpectrumClient
from .quotas import QUANTITY, figure_writes, profiles_snapshot, quota_record, required_count
from .transport import PureSpectrumTransport

PROJECT_ID = "surveys"
STATUSES = {DRAFT: "draft", LIVE: "live", PAUSED: "paused", CLOSED: "closed"}
STATUS_CODES = {"launch": LIVE, "pause": PAUSED, "resume": LIVE, "close": CLOSED}
ADJUSTMENT_STATES = {1: "processing", 2: "complete", 3: "failed"}

TRANSACTION_IDS = IdListReconciliation(
    id_word="transaction id",
    max_ids=10_000,
    id_pattern=r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}",
    help=(
        "PureSpectrum takes the list as the survey's final set of valid completes: the transaction ids listed "
        "become completes, and every other complete of the survey becomes a rejection. Adjustments sent before "
        "22:00 US Pacific time count for the next invoice."
    ),
)


class PureSpectrumAdapter(SupplierAdapter):
    kind = "purespectrum"
    label = "PureSpectrum"
    capabilities = Capabilities(
        quota_goals=True,
        quota_starts="Starts",
        traffic_caps=True,
        filling_goal=True,
        cpi=True,
        status_actions=(
            StatusAction("launch", "Go live", "live", frozenset({"draft"})),
            StatusAction("pause", "Pause", "paused", frozenset({"live"})),
            StatusAction("resume", "Resume", "live", frozenset({"paused"})),
            StatusAction(
                "close",
                "Close",
                "closed",
                frozenset({"live", "paused"}),
                warning="A closed survey cannot be reopened or changed again.",
            ),
        ),
        id_reconciliation=TRANSACTION_IDS,
        redirects=seam.RedirectLinks(id_word="transaction id"),
        survey_drafts=True,
    )
    config_keys = ("base_url", "access_token", "timeout_seconds")
    quota_meaning = staticmethod(meaning.quota_meaning)

    @classmethod
    def from_config(cls, config, *, cache=None, session=None):
        transport = PureSpectrumTransport(
            config["base_url"],
            config["access_token"],
            cache=cache,
            timeout=config.get("timeout_seconds") or 20.0,
            session=session,
        )
        return cls(PureSpectrumClient(transport, config.get("account_id", "")))

    # --- reading -----------------------------------------------------------------------------

    def iter_projects(self):
        """PureSpectrum has no projects: one of the cockpit's own holds every survey (no request)."""
        yield ProjectRecord(remote_id=PROJECT_ID, name="PureSpectrum surveys")

    def iter_target_groups(self, project_id):
        for item in self.client.iter_surveys():
            yield survey_record(item)

    def read_target_group(self, ref, *, known_version=None, with_statistics=True):
        record = survey_record(readable(self.client.get_survey(ref.target_group_id)))
        if known_version is not None and record.version and record.version == known_version:
            return record, False
        if with_statistics:
            merge_performance(record, readable(self.client.get_performance(ref.target_group_id)))
        return record, True

    def read_profiles(self, ref):
        return profiles_snapshot(listed(self.client.list_quotas(ref.target_group_id)))

    # --- change verbs --------------------------------------------------------------------------

    def set_quota_goals(self, ref, goals, *, key, version=""):
        """Each quota's quantity by a PUT of the quota with its criteria as PureSpectrum has them.

        The quotas are read first (the PUT needs their criteria); a quota already at its new
        quantity is not sent again, so a change half applied before a failure is finished, not doubled.
        """
        survey_id = ref.target_group_id
        current = {q.get("buyer_quota_id"): q for q in listed(self.client.list_quotas(survey_id))}
        last = None
        for (_owner, quota_id), goal in sorted(goals.items()):
            quota = current.get(quota_id)
            if quota is None:
                raise NotFound(f"PureSpectrum has no quota “{quota_id}” on this survey any more.", status=404)
            if required_count(quota) == int(goal):
                continue
            last = self.client.put_quota(survey_id, quota_id, required_count=int(goal), criteria=quota.get("criteria"))
        snapshot = self.read_profiles(ref)
        return Answer(status=last.status if last else 200, raw=last.data if last else None, profiles=snapshot)

    def set_quota_figures(self, ref, goals, targets, *, key, version=""):
        """Quantities and current targets of many quotas, each write in an order PureSpectrum takes
        (`quotas.figure_writes`), after one read of the quotas; what they already have is not sent again.

        A quota the survey no longer has stops the change before anything is written: PreconditionFailed
        (the survey is no longer as the change was asked against), so the outbox re-reads and says which.
        """
        survey_id = ref.target_group_id
        current = {q.get("buyer_quota_id"): q for q in listed(self.client.list_quotas(survey_id))}
        try:
            writes = figure_writes(current, {quota_id: n for (_owner, quota_id), n in goals.items()}, targets)
        except KeyError as exc:
            raise PreconditionFailed(f"PureSpectrum has no quota “{exc.args[0]}” on this survey any more.") from None
        last = None
        for quota_id, what, value in writes:
            if what == QUANTITY:
                criteria = current[quota_id].get("criteria")
                last = self.client.put_quota(survey_id, quota_id, required_count=value, criteria=criteria)
            else:
                last = self.client.set_current_target(survey_id, quota_id, value)
        snapshot = self.read_profiles(ref)
        return Answer(status=last.status if last else 200, raw=last.data if last else None, profiles=snapshot)

    def set_traffic_cap(self, ref, quota_id, cap, *, key, version=""):
        response = self.client.set_current_target(ref.target_group_id, quota_id, int(cap))
        data = response.data if isinstance(response.data, dict) else {}
        return Answer(status=response.status, raw=response.data, quota=quota_record(data) if data else None)

    def set_filling_goal(self, ref, goal, *, key, version=""):
        return _survey_answer(self.client.set_completes_required(ref.target_group_id, int(goal)))

    def set_cpi(self, ref, value, *, key, version=""):
        return _survey_answer(self.client.set_offer_price(ref.target_group_id, value))

    def set_status(self, ref, action, *, key, version=""):
        code = STATUS_CODES.get(action)
        if code is None:
            raise Unsupported(f"PureSpectrum has no status change called {action!r}.")
        return _survey_answer(self.client.set_status(ref.target_group_id, code))

    # --- reconciliation (adjustments) ------------------------------------------------------------

    def submit_reconciliation(self, ref, ids, *, contact_email="", key):
        response = self.client.submit_adjustment(ref.target_group_id, ids)
        data = response.data if isinstance(response.data, dict) else {}
        return Answer(status=response.status, raw=response.data, reconciliation=adjustment_record(data))

    def read_reconciliation(self, ref, remote_id):
        return adjustment_record(readable(self.client.get_adjustment(remote_id)))

    def create_survey(self, body):
        """A survey from the Buy API body the cockpit's form built (`survey_drafts`); ``created_id`` is its id."""
        response = self.client.create_survey(body)
        created = response.data.get("ps_survey_id") if isinstance(response.data, dict) else None
        return Answer(status=response.status, raw=response.data, created_id=None if created is None else str(created))

    def find_survey_titled(self, title):
        """The id of the survey called `title` (an earlier, lost create made it), or None."""
        return next((s.get("ps_survey_id") for s in self.client.iter_surveys() if s.get("survey_title") == title), None)

    def find_reconciliation(self, ref, ids):
        wanted = {str(i) for i in ids}
        data = readable(self.client.list_adjustments(ref.target_group_id))
        for item in data.get("adjustments") or []:
            if isinstance(item, dict) and {str(i) for i in item.get("transaction_ids") or []} == wanted:
                return adjustment_record(item)
        return None


def readable(response):
    """A read's JSON object; any other shape is PureSpectrum's problem, tried again later."""
    if response.data is None:
        return {}
    if not isinstance(response.data, dict):
        raise ServerError(
            "PureSpectrum's answer could not be read (it was not the expected JSON object). It will be tried again.",
            status=response.status,
            body=str(response.data)[:500],
        )
    return response.data


def listed(response):
    """A list answer (the quotas); anything else is PureSpectrum's problem, tried again later."""
    if isinstance(response.data, list):
        return [item for item in response.data if isinstance(item, dict)]
    raise ServerError(
        "PureSpectrum's answer could not be read (it was not the expected JSON list). It will be tried again.",
        status=response.status,
        body=str(response.data)[:500],
    )


def _survey_answer(response):
    data = response.data if isinstance(response.data, dict) else {}
    record = survey_record(data) if data.get("ps_survey_id") is not None else None
    return Answer(status=response.status, raw=response.data, target_group=record)


# --- surveys ------------------------------------------------------------------------------------


def moment(milliseconds):
    """PureSpectrum's times are milliseconds since 1970 (``crtd_on``, ``mod_on``); None when unreadable."""
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float):
        return None
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _performance_moment(data, name):
    """``survey_launch`` / ``survey_close`` of a performance answer: its ISO date, else its timestamp."""
    return when(data.get(f"{name}_iso_date")) or moment(data.get(f"{name}_ts"))


def fielding_dates(data, field_time_days):
    """(start, end) of a survey's fielding from its performance: the launch, and the close or, while it
    has not closed, the launch plus its field time in days. (None, None) when PureSpectrum gives no launch."""
    launched = _performance_moment(data, "survey_launch")
    if launched is None:
        return None, None
    closed = _performance_moment(data, "survey_close")
    if closed is not None or not field_time_days:
        return launched, closed
    try:
        return launched, launched + timedelta(days=field_time_days)
    except OverflowError:
        return launched, None


def survey_record(data):
    """A survey, from the list (``GET /surveys``) or in full (``GET /surveys/{id}``)."""
    status = STATUSES.get(data.get("ps_survey_status"))
    record = TargetGroupRecord(
        remote_id=str(data["ps_survey_id"]),
        name=text(data.get("survey_title"), 255) or None,
        status=status,
        # Why PureSpectrum paused or closed the survey by itself (goal met, no starts), "" otherwise.
        status_reason=text(data.get("ps_status_reason"), 300) if status in ("paused", "closed") else "",
        locale=text(data.get("survey_localization"), 12) or None,
        created_at=moment(data.get("crtd_on")),
        updated_at=moment(data.get("mod_on")),
        cpi_currency="USD",
        version=str(data["mod_on"]) if data.get("mod_on") is not None else "",
    )
    if data.get("completes_required") is not None:
        record.filling_goal = whole(data["completes_required"])
    if data.get("offer_price") is not None:
        record.cpi = decimal(data["offer_price"], 4)
    if data.get("expected_loi") is not None:
        record.expected_length_of_interview_minutes = whole(data["expected_loi"])
    if data.get("expected_ir") is not None:
        record.expected_incidence_rate = decimal(whole(data["expected_ir"]) / 100, 2)
    if "live_url" in data:
        record.live_url = text(data.get("live_url"), 2000)
    if "test_url" in data:
        record.test_url = text(data.get("test_url"), 2000)
    extra = {"ps_survey_status": data.get("ps_survey_status")}
    if data.get("field_time") is not None:
        extra["field_time_days"] = whole(data["field_time"])
    if isinstance(data.get("qualifications"), list):
        extra["qualifications"] = [
            {"code": q.get("qualification_code"), "words": catalogue.criterion_words(q)}
            for q in data["qualifications"]
            if isinstance(q, dict)
        ]
    record.extra = extra
    return record


def merge_performance(record, data):
    """Add ``GET /surveys/{id}/performance`` (completes, actual IR and LOI, costs) to `record`."""
    if not data:
        return record
    if data.get("ps_survey_status") in STATUSES:
        record.status = STATUSES[data["ps_survey_status"]]
    if data.get("completes_fielded") is not None:
        record.completes = whole(data["completes_fielded"])
    if data.get("starts") is not None:
        record.prescreens = whole(data["starts"])
    if data.get("incidence") is not None:
        record.incidence_rate = decimal(float(data["incidence"]) / 100, 4)
    if data.get("loi") is not None:
        record.median_length_of_interview_seconds = whole_or_none(round(float(data["loi"]) * 60))
    if data.get("current_cpi") is not None:
        record.cpi = decimal(data["current_cpi"], 4)
    start, end = fielding_dates(data, record.extra.get("field_time_days"))
    if start is not None:
        record.fielding_start_at, record.fielding_end_at = start, end
    record.extra.update(
        {
            "projected_cost": data.get("projected_cost"),
            "overquotas": data.get("overquotas"),
            "drops": data.get("drops"),
            "terminations": data.get("terminations"),
        }
    )
    return record


# --- adjustments --------------------------------------------------------------------------------


def adjustment_record(data):
    status = data.get("status")
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    return ReconciliationRecord(
        remote_id=text(data.get("adjustment_id")),
        state=ADJUSTMENT_STATES.get(status, "processing"),
        status_label=text(data.get("statusDescription")),
        summary=summary,
        message=text(data.get("message")),
        kept=whole_or_none(summary.get("completes")),
        rejected=whole_or_none(summary.get("rejected")),
    )
