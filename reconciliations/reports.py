"""The reconciliation-eligible-RIDs report: ask the supplier, follow it, store its rows.

`request_report` records the wish and enqueues the work; `advance_report` does one
step of it (generate, check the status, or download) and says whether the report
is settled, so a task can repeat it with backoff and a test can drive it step by step.
"""

import csv
import io
import logging
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from config.tasks import task
from projects.models import TargetGroup

from .models import EligibleReport, EligibleRid, normalize_rid
from .validation import reconciliation_deadline

log = logging.getLogger(__name__)

# Header spellings met in reports, by the field they fill.
COLUMNS = {
    "rid": ("rid", "response_id", "respondent_id", "responseid", "respondentid", "id"),
    "target_group_remote_id": ("target_group_id", "targetgroupid", "tg_id"),
    "target_group_name": ("target_group_name", "target_group", "targetgroupname"),
    "status": ("status", "respondent_status", "exchange_status", "client_status", "response_status"),
    "completed_at": (
        "complete_date",
        "completed_at",
        "finished_at",
        "completion_date",
        "completed_date",
        "complete_time",
        "date_completed",
        "last_date",
        "date",
    ),
}
State = EligibleReport.State


def default_start_date(today):
    """The earliest day whose completes may still be reconciled on `today`."""
    first_of_month = today.replace(day=1)
    first_of_previous = (first_of_month - timedelta(days=1)).replace(day=1)
    return first_of_previous if today <= reconciliation_deadline(first_of_previous) else first_of_month


def request_report(connection, project, *, start_date=None, end_date=None, by=None):
    """Record a report to generate for `project`; the work starts once the transaction commits."""
    follow_report = task("reconciliations.tasks.follow_report")

    report = EligibleReport.objects.create(
        connection=connection,
        project=project,
        start_date=start_date,
        end_date=end_date,
        requested_by=by if by is not None and by.is_authenticated else None,
    )
    transaction.on_commit(lambda: follow_report.delay(report.pk))
    return report


def advance_report(report, reports):
    """One step: generate, check the status, or download, through the supplier's `reports`
    (`adapter.reports`). Returns whether the report is settled."""
    if report.is_settled:
        return True
    if report.state == State.REQUESTED:
        _generate(report, reports)
    else:
        _check(report, reports)
    return report.is_settled


def _generate(report, reports):
    answer = reports.request_eligible_rids(
        report.project.remote_id, start_date=report.start_date, end_date=report.end_date, key=str(report.key)
    )
    report.report_id = answer.report_id
    report.report_url = answer.url
    report.remote_status = answer.status_label
    if not report.report_id:
        _fail(report, "The supplier accepted the report request but gave no report id. Generate the report again.")
        return
    if answer.state == "failed":
        _fail(report, _failed_words(answer.message))
        return
    report.state = State.GENERATING
    report.message = ""
    report.save()


def _check(report, reports):
    answer = reports.read_report(report.report_id)
    report.remote_status = answer.status_label
    report.report_url = answer.url or report.report_url
    if answer.state == "failed":
        _fail(report, _failed_words(answer.message))
    elif answer.state == "ready":
        _download(report, reports)
    else:
        report.save(update_fields=["remote_status", "report_url", "updated_at"])


def _download(report, reports):
    content = reports.download_eligible_rids(report.report_id, report.report_url)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            _fail(report, "The supplier sent the report as a spreadsheet the cockpit cannot read. Generate it again.")
            return
    rows = parse_report(content or "")
    if rows is None:
        _fail(report, "The report has no RID column, so the cockpit cannot use it. Generate it again.")
        return
    store_rows(report, rows)


def store_rows(report, rows):
    """Replace `report`'s rows with `rows` (dicts from `parse_report`) and mark it ready."""
    tgs = dict(TargetGroup.objects.filter(project__connection=report.connection).values_list("remote_id", "pk"))
    seen, objects = set(), []
    for row in rows:
        key = normalize_rid(row["rid"])
        if key in seen:
            continue
        seen.add(key)
        remote_tg = row.get("target_group_remote_id", "")
        objects.append(
            EligibleRid(
                report=report,
                rid=row["rid"],
                rid_key=key,
                target_group_id=tgs.get(remote_tg),
                target_group_remote_id=remote_tg,
                target_group_name=row.get("target_group_name", "")[:255],
                status=row.get("status", "")[:60],
                completed_at=row.get("completed_at"),
                raw=row["raw"],
            )
        )
    with transaction.atomic():
        report.rows.all().delete()
        EligibleRid.objects.bulk_create(objects, batch_size=1000)
        report.row_count = len(objects)
        report.state = State.READY
        report.message = ""
        report.finished_at = timezone.now()
        report.save()


def parse_report(text):
    """Rows of the report CSV as dicts (``rid``, ``target_group_remote_id``, ``status``...).

    Returns None when no column holds RIDs.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        return []
    names = [_header_key(name) for name in header]
    where = {}
    for field, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling in names:
                where[field] = names.index(spelling)
                break
    if "rid" not in where:
        return None
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        cell = {field: values[index].strip() if index < len(values) else "" for field, index in where.items()}
        if not cell["rid"]:
            continue
        cell["completed_at"] = parse_moment(cell.get("completed_at", ""))
        cell["raw"] = {header[i]: values[i] for i in range(min(len(header), len(values)))}
        rows.append(cell)
    return rows


def parse_moment(value):
    """A report's date or date-time (ISO 8601, or ``YYYY-MM-DD HH:MM:SS``) as an aware datetime."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace("Z", "+00:00")) or parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(value[:10])
        except ValueError:
            day = None
        if day is None:
            return None
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def completed_on(moment):
    """The supplier's day (UTC) a complete happened on."""
    return moment.astimezone(UTC).date() if moment else None


def _header_key(name):
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")


def _failed_words(supplier_message):
    said = f" (the supplier said: {supplier_message})" if supplier_message else ""
    return f"The supplier could not generate the report{said}. Generate it again; if it keeps failing, tell support."


def _fail(report, message):
    report.state = State.FAILED
    report.message = message
    report.finished_at = timezone.now()
    report.save()


def record_error(report, exc, *, giving_up):
    """Keep the PM informed while a report is retried, and fail it in plain words when not."""
    if not exc.retryable:
        _fail(report, f"{exc.message} Then generate the report again.")
    elif giving_up:
        _fail(
            report,
            f"The supplier could not be reached after {report.polls} tries ({exc.message}) "
            "Generate the report again later.",
        )
    else:
        report.message = f"Still trying: {exc.message}"
        report.save(update_fields=["message", "updated_at"])
