"""Reconciliations (submit, status, per target group), reason codes and reports."""

from django.http import HttpResponse

from ...ids import iso
from ...models import ReasonCode, Reconciliation, Report
from ...wire import json_response
from .. import reconciliation as recon
from ..wire import ApiError, api, page_size, paginate, read_json
from .common import acting_user_id, get_account


@api()
def reason_codes(request, account_id):
    get_account(account_id)
    return json_response(
        {
            "reconciliation_reasons": [
                {"code": r.code, "name": r.name, "description": r.description} for r in ReasonCode.objects.all()
            ]
        }
    )


@api(mutation=True, idempotency="required")
def submit(request, account_id):
    account = get_account(account_id)
    name = request.GET.get("name", "").strip()
    if not name or len(name) > 255:
        raise ApiError.bad_request(
            "The name query parameter (1 to 255 characters) names the reconciliation.",
            invalid_params=[{"name": "name", "reason": "is required"}],
        )
    if request.content_type not in ("text/csv", "application/csv"):
        raise ApiError.bad_request(
            "Send the reconciliation as Content-Type: text/csv.",
            invalid_params=[{"name": "Content-Type", "reason": "text/csv or application/csv"}],
        )
    try:
        text = request.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError.bad_request("The reconciliation file must be UTF-8 text.") from exc
    reconciliation = recon.submit(account, name, text, submitted_by=acting_user_id(account))
    return json_response({"request_name": reconciliation.name, "request_id": reconciliation.request_id})


def _resolved(reconciliation):
    return recon.resolve(reconciliation.pk)


@api()
def list_reconciliations(request, account_id):
    account = get_account(account_id)
    queryset = account.reconciliations.all()
    if name := request.GET.get("name"):
        queryset = queryset.filter(name__icontains=name)
    if status := request.GET.get("status"):
        queryset = queryset.filter(status=status)
    if user := request.GET.get("submitted_by_user_id"):
        queryset = queryset.filter(submitted_by=user)
    items, _, next_cursor = paginate(queryset, request, key="request_id")
    rows = []
    for reconciliation in items:
        reconciliation = _resolved(reconciliation)
        counts = recon.counts(list(reconciliation.items.all()))
        rows.append(
            {
                "id": reconciliation.request_id,
                "name": reconciliation.name,
                "submitted_at": iso(reconciliation.submitted_at),
                "status": reconciliation.status,
                "submitted_by_user_id": str(reconciliation.submitted_by or ""),
                "result_counts": {
                    "submitted": counts["submitted_count"],
                    "expired": counts["expired_count"],
                    "invalid": counts["invalid_count"],
                    "total_reversed": counts["positive_reversed_count"] + counts["negative_reversed_count"],
                    "positive_reversed": counts["positive_reversed_count"],
                    "negative_reversed": counts["negative_reversed_count"],
                },
            }
        )
    return json_response({"reconciliation_requests": rows, "next_cursor": next_cursor, "page_size": page_size(request)})


def _get(account_id, request_id):
    account = get_account(account_id)
    reconciliation = Reconciliation.objects.filter(account=account, pk=request_id).first()
    if reconciliation is None:
        raise ApiError.not_found(f"Reconciliation {request_id} does not exist in account {account_id}.")
    return _resolved(reconciliation)


@api()
def get_reconciliation(request, account_id, request_id):
    reconciliation = _get(account_id, request_id)
    return json_response(
        {
            "request_id": reconciliation.request_id,
            "name": reconciliation.name,
            "status": reconciliation.status,
            "submitted_at": iso(reconciliation.submitted_at),
            "submitter_las_id": str(reconciliation.submitted_by or ""),
            **recon.counts(list(reconciliation.items.all())),
        }
    )


def _per_target_group(reconciliation):
    groups = {}
    for item in reconciliation.items.exclude(target_group=None).order_by("target_group_id", "line_no"):
        groups.setdefault(item.target_group_id, []).append(item)
    return {
        tg_id: {"target_group_id": tg_id, "status": reconciliation.status, **recon.counts(items)}
        for tg_id, items in groups.items()
    }


@api()
def reconciliation_target_groups(request, account_id, request_id):
    reconciliation = _get(account_id, request_id)
    rows = sorted(_per_target_group(reconciliation).values(), key=lambda row: row["target_group_id"])
    size = page_size(request)
    if after := request.GET.get("start_after"):
        rows = [row for row in rows if row["target_group_id"] > after]
    page = rows[:size]
    return json_response(
        {
            "target_groups": page,
            "next_cursor": page[-1]["target_group_id"] if len(rows) > size else None,
            "page_size": size,
        }
    )


@api()
def reconciliation_target_group(request, account_id, request_id, target_group_id):
    reconciliation = _get(account_id, request_id)
    row = _per_target_group(reconciliation).get(target_group_id)
    if row is None:
        raise ApiError.not_found(f"Reconciliation {request_id} has no ids of target group {target_group_id}.")
    return json_response(row)


# --- reports ---------------------------------------------------------------------------


def _report_url(request, report):
    return request.build_absolute_uri(
        f"/sandbox/cint/v1/demand/accounts/{report.account_id}/reports/download"
        f"?report_type={report.report_type}&file={report.file_name}"
    )


def _settle(report):
    recon.resolve_due()
    report.refresh_from_db()
    return report


@api(mutation=True)
def generate_report(request, account_id, report_type):
    account = get_account(account_id)
    user = account.api_user()
    report = recon.generate_report(account, report_type, read_json(request), requestor_name=user.name if user else "")
    return json_response(
        {
            "message": "The report is being generated; poll its status, then download it from report_url.",
            "report_id": str(report.id),
            "report_url": _report_url(request, report),
            "start_date": report.start_date,
            "end_date": report.end_date,
            "status": "pending",
        },
        status=202,
    )


def as_date_time(day):
    """``2026-11-01`` -> ``2026-11-01T00:00:00.000Z`` (a date-time stays as it is; "" stays "")."""
    if not day or "T" in day:
        return day
    return f"{day[:10]}T00:00:00.000Z"


def _get_report(account_id, report_id):
    account = get_account(account_id)
    report = Report.objects.filter(account=account, pk=report_id).first() if _uuid(report_id) else None
    if report is None:
        raise ApiError.not_found(f"Report {report_id} does not exist in account {account_id}.")
    return _settle(report)


def _uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@api()
def report_status(request, account_id, report_id):
    report = _get_report(account_id, report_id)
    return json_response(
        {
            "report_id": str(report.id),
            "status": report.status,
            "message": "ready to download" if report.status == Report.Status.COMPLETED else "being generated",
            # Asked for as plain dates; the status answers them as RFC 3339 date-times (ReportStatusResponse).
            "start_date": as_date_time(report.start_date) or iso(report.created_at),
            "end_date": as_date_time(report.end_date) or iso(report.created_at),
            "report_url": _report_url(request, report),
        }
    )


@api()
def list_reports(request, account_id):
    account = get_account(account_id)
    recon.resolve_due()
    queryset = account.reports.all()
    if report_type := request.GET.get("report_type"):
        queryset = queryset.filter(report_type=report_type)
    items, _, next_cursor = paginate(queryset, request)
    return json_response(
        {
            "reports_requests": [
                {
                    "account_name": account.name,
                    "create_date": iso(r.created_at),
                    "create_params": f"filter={r.filter};filter_ids={','.join(r.filter_ids)}",
                    "requestor_name": r.requestor_name,
                    "report_id": str(r.id),
                    "report_type": r.report_type,
                    "report_url": _report_url(request, r),
                    "status": r.status,
                }
                for r in items
            ],
            "next_cursor": next_cursor,
        }
    )


@api()
def download_report(request, account_id):
    file_name = request.GET.get("file", "")
    if not file_name:
        raise ApiError.bad_request(
            "The file query parameter is required.", invalid_params=[{"name": "file", "reason": "is required"}]
        )
    report = _get_report(account_id, file_name.removesuffix(".csv"))
    if report.status != Report.Status.COMPLETED:
        raise ApiError.not_found(f"Report {report.id} is still being generated; check its status first.")
    response = HttpResponse(report.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response
