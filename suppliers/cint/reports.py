"""Reconciliation and report calls of the Demand API (account-wide files of response ids, and reports)."""

from .transport import segment

REPORT_ACCEPT = "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/json;q=0.5"


class ReportMethods:
    """Mixed into ``CintClient``; relies on its path helpers and verbs."""

    # --- reconciliations and reports ----------------------------------------------------

    def list_reconciliation_reason_codes(self):
        return self._get(f"{self._demand}/reconciliations/reason-codes")

    def submit_reconciliation(self, csv, *, file_name, idempotency_key):
        """Upload a CSV of response ids and reason codes; ``file_name`` labels the request."""
        data = csv.encode() if isinstance(csv, str) else csv
        return self.transport.request(
            "POST",
            f"{self._demand}/reconciliations",
            params={"name": file_name},
            data=data,
            content_type="text/csv",
            idempotency_key=idempotency_key,
        )

    def get_reconciliation(self, request_id):
        return self._get(f"{self._demand}/reconciliations/{segment(request_id)}")

    def iter_reconciliations(self, *, file_name=None, status=None, submitted_by_user_id=None, page_size=100):
        params = {"name": file_name, "status": status, "submitted_by_user_id": submitted_by_user_id}
        path = f"{self._demand}/reconciliations"
        return self.transport.iter_pages(path, "reconciliation_requests", params, page_size)

    def iter_reconciliation_target_groups(self, request_id, *, page_size=100):
        """Per-target-group results of one reconciliation request."""
        path = f"{self._demand}/reconciliations/{segment(request_id)}/target-groups"
        return self.transport.iter_pages(path, "target_groups", page_size=page_size)

    def get_reconciliation_target_group(self, request_id, target_group_id):
        path = f"{self._demand}/reconciliations/{segment(request_id)}/target-groups/{segment(target_group_id)}"
        return self._get(path)

    def generate_report(self, report_type, body, *, idempotency_key):
        """Ask for a report (``completes``, ``sample-bought``, ...); poll ``get_report_status``."""
        return self._post(f"{self._demand}/reports/{segment(report_type)}", body, idempotency_key=idempotency_key)

    def get_report_status(self, report_id):
        return self._get(f"{self._demand}/reports/{segment(report_id)}/status")

    def iter_reports(self, *, report_type=None, page_size=100):
        params = {"report_type": report_type}
        return self.transport.iter_pages(f"{self._demand}/reports", "reports_requests", params, page_size)

    def download_report(self, file, *, report_type=None):
        """The report file: ``data`` is CSV text, or bytes for a spreadsheet."""
        params = {"file": file, "report_type": report_type}
        return self.transport.request("GET", f"{self._demand}/reports/download", params=params, accept=REPORT_ACCEPT)
