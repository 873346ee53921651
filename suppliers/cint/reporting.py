"""Cint's figures, reports and reconciliation files, as the adapter offers them (`adapter.reports`):
a target group's completes per interval and performance (`capabilities.reports`), the
reconciliation-eligible-RIDs report of a project, the reason codes and the progress of a
reconciliation file (`capabilities.reconciliation_by_files`).

The report's statuses, its download link and the reconciliation's counts are read here into
`suppliers.reference` records; the performance figures and the intervals ([{"timestamp",
"count"}]) are passed on as the supplier gives them.
"""

from urllib.parse import parse_qs, urlsplit

from suppliers.reference import FileReconciliationRecord, ReasonCodeRecord, ReportRecord

ELIGIBLE_RIDS = "reconciliation-eligible-rids"
READY_STATUSES = {"completed", "complete", "emailed", "success", "succeeded", "done", "ready"}
FAILED_STATUSES = {"failed", "failure", "error", "cancelled", "canceled"}
FILE_COUNTS = (
    "submitted_count",
    "expired_count",
    "invalid_count",
    "positive_reversed_count",
    "negative_reversed_count",
)


class CintReports:
    """Figures, reports and reconciliation files of one Cint account: ``CintReports(client)``."""

    def __init__(self, client):
        self.client = client

    # --- a target group's figures ----------------------------------------------------------------

    def completes_by_interval(self, ref, interval):
        """Completes per ISO-8601 `interval` (``"P1D"``, ``"PT1H"``): ``[{"timestamp", "count"}]``."""
        data = self.client.get_completes_by_interval(ref.project_id, ref.target_group_id, interval=interval).data
        return (data or {}).get("aggregated_completes_intervals") or []

    def performance(self, ref):
        """The target group's performance figures (completes, prescreens, rates…), as the supplier gives them."""
        return self.client.get_target_group_performance(ref.project_id, ref.target_group_id).data or {}

    # --- the eligible-RIDs report ------------------------------------------------------------------

    def request_eligible_rids(self, project_id, *, start_date=None, end_date=None, key):
        """Ask for the report of the project's completes still open to reconciliation (dates: ``date``s)."""
        body = {"filter": "Project", "filter_ids": [project_id]}
        if start_date:
            body["start_date"] = start_date.isoformat()
        if end_date:
            body["end_date"] = end_date.isoformat()
        return report_record(self.client.generate_report(ELIGIBLE_RIDS, body, idempotency_key=key).data)

    def read_report(self, report_id):
        return report_record(self.client.get_report_status(report_id).data)

    def download_eligible_rids(self, report_id, url):
        """The report file (CSV text, or bytes for a spreadsheet), from the `url` the supplier gave."""
        file_name = download_file_name(url) or f"{report_id}.csv"
        return self.client.download_report(file_name, report_type=ELIGIBLE_RIDS).data

    # --- reconciliation files ----------------------------------------------------------------------

    def reason_codes(self):
        data = self.client.list_reconciliation_reason_codes().data or {}
        listed = {}
        for item in data.get("reconciliation_reasons") or []:
            code = str(item.get("code", "")).strip() if isinstance(item, dict) else ""
            if code:
                listed[code] = ReasonCodeRecord(
                    code=code, name=item.get("name") or "", description=item.get("description") or ""
                )
        return list(listed.values())

    def read_file_reconciliation(self, request_id):
        """A submitted file's status, counts and results per target group."""
        data = self.client.get_reconciliation(request_id).data or {}
        target_groups = []
        for item in self.client.iter_reconciliation_target_groups(request_id):
            remote_id = str(item.get("target_group_id") or "") if isinstance(item, dict) else ""
            if remote_id:
                target_groups.append(
                    {"target_group_id": remote_id, "status": str(item.get("status") or ""), **_counts(item)}
                )
        status = str(data.get("status") or "")
        return FileReconciliationRecord(
            status_label=status,
            complete=status.lower() == "complete",
            counts=_counts(data),
            target_groups=target_groups,
        )


def _counts(item):
    return {count: item[count] for count in FILE_COUNTS if isinstance(item.get(count), int)}


def report_record(data):
    data = data if isinstance(data, dict) else {}
    status = str(data.get("status") or "")
    state = (
        "failed" if status.lower() in FAILED_STATUSES else "ready" if status.lower() in READY_STATUSES else "generating"
    )
    return ReportRecord(
        report_id=str(data.get("report_id") or ""),
        url=data.get("report_url") or "",
        state=state,
        status_label=status,
        message=data.get("message") or "",
    )


def download_file_name(report_url):
    """The ``file`` the download endpoint wants, from the ``report_url`` the supplier gave.

    The supplier's link may point at the download endpoint directly (``...?file=...``)
    or wrap it in a web-app link whose ``download_url`` parameter holds the real one.
    """
    if not report_url:
        return ""
    query = parse_qs(urlsplit(report_url).query)
    for inner in query.get("download_url", []):
        files = parse_qs(urlsplit(inner).query).get("file")
        if files:
            return files[0]
    return (query.get("file") or [""])[0]
