"""Reconciliations of respondent ids and the CSV reports that feed them."""

import csv
import datetime as dt
import io

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..ids import iso
from ..models import Quota, ReasonCode, Reconciliation, ReconciliationItem, Report, Respondent, TargetGroup
from .fielding import job_delay
from .wire import ApiError

MAX_LINES = 20000
REPORT_TYPES = (
    "completes",
    "reconciliations",
    "reconciliations-status",
    "reconciliation-eligible-rids",
    "sample-bought",
    "respondent-analysis",
    "term-details",
)
REPORT_FILTERS = {
    "Business Unit": "target_group__business_unit_id",
    "Project": "target_group__project_id",
    "Target Group": "target_group_id",
}


def reconciliation_deadline(finished_at):
    """IDs achieved in a month may be reconciled until the 25th of the next month."""
    year, month = (finished_at.year + 1, 1) if finished_at.month == 12 else (finished_at.year, finished_at.month + 1)
    return dt.datetime(year, month, 25, 23, 59, 59, tzinfo=dt.UTC)


def parse_csv(text):
    """[(line_no, rid, reason_code)] or 400 naming the bad lines."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise ApiError.bad_request("The reconciliation file is empty; send lines of `RID,reason code`.")
    if len(lines) > MAX_LINES:
        raise ApiError.bad_request(
            f"A reconciliation file may hold at most {MAX_LINES} ids; this one has {len(lines)}."
        )
    rows, problems = [], []
    for n, line in lines:
        parts = [part.strip() for part in line.split(",")]
        if len(parts) != 2 or not all(parts):
            problems.append({"name": f"line {n}", "reason": "must be `RID,reason code`"})
        elif n == lines[0][0] and parts[0].lower() in ("rid", "respondent_id", "id"):
            problems.append({"name": f"line {n}", "reason": "looks like a header row; do not include one"})
        else:
            rows.append((n, parts[0], parts[1]))
    if problems:
        raise ApiError.bad_request(
            "The reconciliation file is not in the `RID,reason code` format.", invalid_params=problems[:50]
        )
    return rows


def submit(account, name, text, *, submitted_by=None, now=None):
    now = now or timezone.now()
    rows = parse_csv(text)
    reconciliation = Reconciliation.objects.create(
        account=account, name=name, submitted_at=now, submitted_by=submitted_by, ready_at=now + job_delay(), csv=text
    )
    known = {
        r.rid: r
        for r in Respondent.objects.filter(rid__in=[rid for _, rid, _ in rows], target_group__project__account=account)
    }
    ReconciliationItem.objects.bulk_create(
        ReconciliationItem(
            reconciliation=reconciliation,
            line_no=n,
            rid=rid,
            reason_code=code,
            respondent=known.get(rid),
            target_group_id=known[rid].target_group_id if rid in known else None,
        )
        for n, rid, code in rows
    )
    return reconciliation


def resolve(request_id, *, now=None):
    """Apply a processing reconciliation once its delay passed: reverse statuses, adjust counts."""
    now = now or timezone.now()
    with transaction.atomic():
        reconciliation = Reconciliation.objects.select_for_update().get(pk=request_id)
        if reconciliation.status != Reconciliation.Status.PROCESSING or now < reconciliation.ready_at:
            return reconciliation
        codes = set(ReasonCode.objects.values_list("code", flat=True))
        for item in reconciliation.items.select_related("respondent"):
            item.outcome, item.detail = _reverse(item, codes, now)
            item.save(update_fields=["outcome", "detail"])
        reconciliation.status = Reconciliation.Status.COMPLETE
        reconciliation.save(update_fields=["status"])
    return reconciliation


def _reverse(item, codes, now):
    respondent = item.respondent
    if respondent is None:
        return ReconciliationItem.Outcome.INVALID, "unknown RID for this account"
    if item.reason_code not in codes:
        return ReconciliationItem.Outcome.INVALID, f"unknown reason code {item.reason_code}"
    if now > reconciliation_deadline(respondent.finished_at or respondent.entered_at):
        return ReconciliationItem.Outcome.EXPIRED, "outside the reconciliation window"
    if respondent.effective_status == "complete":
        respondent.reconciled_status, delta = "terminate", -1
        outcome = ReconciliationItem.Outcome.NEGATIVE_REVERSED
    elif respondent.effective_status in ("terminate", "security_terminate", "drop"):
        respondent.reconciled_status, delta = "complete", 1
        outcome = ReconciliationItem.Outcome.POSITIVE_REVERSED
    else:
        return ReconciliationItem.Outcome.INVALID, f"a respondent who was {respondent.status} cannot be reconciled"
    respondent.reconciled_at = now
    respondent.save(update_fields=["reconciled_status", "reconciled_at"])
    TargetGroup.objects.filter(pk=respondent.target_group_id).update(completes=F("completes") + delta)
    Quota.objects.filter(pk__in=respondent.quota_ids).update(completes=F("completes") + delta)
    return outcome, ""


def counts(items):
    outcomes = [item.outcome for item in items]
    positive = outcomes.count(ReconciliationItem.Outcome.POSITIVE_REVERSED)
    negative = outcomes.count(ReconciliationItem.Outcome.NEGATIVE_REVERSED)
    return {
        "submitted_count": len(outcomes),
        "expired_count": outcomes.count(ReconciliationItem.Outcome.EXPIRED),
        "invalid_count": outcomes.count(ReconciliationItem.Outcome.INVALID),
        "positive_reversed_count": positive,
        "negative_reversed_count": negative,
    }


def resolve_due(now=None):
    now = now or timezone.now()
    due = Reconciliation.objects.filter(status=Reconciliation.Status.PROCESSING, ready_at__lte=now)
    resolved = 0
    for request_id in due.values_list("pk", flat=True):
        resolve(request_id, now=now)
        resolved += 1
    resolved += Report.objects.filter(status=Report.Status.PENDING, ready_at__lte=now).update(
        status=Report.Status.COMPLETED
    )
    return resolved


# --- reports ---------------------------------------------------------------------------


def generate_report(account, report_type, body, *, requestor_name="", now=None):
    now = now or timezone.now()
    if report_type not in REPORT_TYPES:
        raise ApiError.not_found(f"Unknown report type {report_type!r}; use one of {', '.join(REPORT_TYPES)}.")
    filter_name = body.get("filter") or ""
    filter_ids = body.get("filter_ids") or []
    if filter_name and filter_name not in REPORT_FILTERS:
        raise ApiError.bad_request(
            "filter must be Business Unit, Project or Target Group.",
            invalid_params=[{"name": "filter", "reason": "enum"}],
        )
    if filter_name and not filter_ids:
        raise ApiError.bad_request(
            "Give filter_ids for the filter.", invalid_params=[{"name": "filter_ids", "reason": "is required"}]
        )
    report = Report(
        account=account,
        report_type=report_type,
        filter=filter_name,
        filter_ids=[str(i) for i in filter_ids],
        start_date=str(body.get("start_date") or ""),
        end_date=str(body.get("end_date") or ""),
        requestor_name=requestor_name,
        created_at=now,
        ready_at=now + job_delay(),
    )
    report.content = _report_csv(report, now)
    report.save()
    return report


def _respondents(report):
    queryset = (
        Respondent.objects.filter(target_group__project__account=report.account)
        .select_related("target_group")
        .order_by("entered_at", "id")
    )
    if report.filter:
        queryset = queryset.filter(**{f"{REPORT_FILTERS[report.filter]}__in": report.filter_ids})
    if report.start_date[:10]:
        queryset = queryset.filter(entered_at__date__gte=report.start_date[:10])
    if report.end_date[:10]:
        queryset = queryset.filter(entered_at__date__lte=report.end_date[:10])
    return queryset


def _report_csv(report, now):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    respondents = _respondents(report)
    if report.report_type == "reconciliation-eligible-rids":
        writer.writerow(
            ["rid", "target_group_id", "target_group_name", "project_id", "status", "finished_at", "reconcile_until"]
        )
        for r in respondents.filter(status__in=["complete", "terminate", "security_terminate", "drop"]):
            finished = r.finished_at or r.entered_at
            deadline = reconciliation_deadline(finished)
            if now <= deadline:
                writer.writerow(
                    [
                        r.rid,
                        r.target_group_id,
                        r.target_group.name,
                        r.target_group.project_id,
                        r.effective_status,
                        iso(finished),
                        iso(deadline),
                    ]
                )
    elif report.report_type in ("reconciliations", "reconciliations-status"):
        writer.writerow(["request_id", "request_name", "rid", "reason_code", "target_group_id", "outcome"])
        items = ReconciliationItem.objects.filter(reconciliation__account=report.account).select_related(
            "reconciliation"
        )
        if report.filter == "Target Group":
            items = items.filter(target_group_id__in=report.filter_ids)
        elif report.filter == "Project":
            items = items.filter(target_group__project_id__in=report.filter_ids)
        for item in items.order_by("reconciliation__submitted_at", "line_no"):
            writer.writerow(
                [
                    item.reconciliation_id,
                    item.reconciliation.name,
                    item.rid,
                    item.reason_code,
                    item.target_group_id or "",
                    item.outcome,
                ]
            )
    else:
        writer.writerow(
            [
                "rid",
                "target_group_id",
                "project_id",
                "supplier_id",
                "status",
                "entered_at",
                "finished_at",
                "duration_seconds",
            ]
        )
        if report.report_type in ("completes", "sample-bought"):
            respondents = [r for r in respondents if r.effective_status == "complete"]
        elif report.report_type == "term-details":
            respondents = [r for r in respondents if r.effective_status in ("terminate", "security_terminate")]
        for r in respondents:
            writer.writerow(
                [
                    r.rid,
                    r.target_group_id,
                    r.target_group.project_id,
                    r.supplier_id,
                    r.effective_status,
                    iso(r.entered_at),
                    iso(r.finished_at),
                    r.duration_seconds or "",
                ]
            )
    return out.getvalue()
