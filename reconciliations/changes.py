"""The outbox change kind that sends a reconciliation file to the supplier.

Registered under ``reconciliation_submit`` when the app is ready. The file goes
out with the change's idempotency key, so a retry after a timeout or a 5xx is the
same request to the supplier, never a second reconciliation.
"""

from suppliers import errors
from sync.outbox import ChangeKind, register

from .models import Submission
from .submissions import KIND, accepted


@register
class SubmitReconciliation(ChangeKind):
    name = KIND
    label = "Submit a reconciliation"
    capability = "reconciliation"

    def describe(self, change):
        lines = change.payload.get("lines")
        name = change.payload.get("name", "")
        return f"Reconcile {lines:,} RIDs ({name})" if isinstance(lines, int) else self.label

    def version(self, change):
        return ""  # a reconciliation is not guarded by a version

    def send(self, adapter, change, version):
        submission = Submission.objects.get(pk=change.payload["submission_id"])
        return adapter.client.submit_reconciliation(
            submission.csv, file_name=submission.name, idempotency_key=str(change.idempotency_key)
        )

    def applied(self, change, response):
        data = getattr(response, "data", None) or {}
        request_id = str(data.get("request_id") or "") if isinstance(data, dict) else ""
        if not request_id:
            raise errors.ServerError(
                "The supplier accepted the file but gave no request id to follow it by.", status=response.status
            )
        accepted(Submission.objects.get(pk=change.payload["submission_id"]), request_id)

    def revert(self, adapter, change):
        """A refused file changed nothing at the supplier and nothing locally: record the refusal in words."""
        values = {"state": Submission.State.FAILED}
        words = refusal_words(getattr(change, "error", None))
        if words:
            values["message"] = words
        Submission.objects.filter(pk=change.payload["submission_id"]).update(**values)


def refusal_words(error):
    """Why the supplier refused a submission (a `SupplierError`), in words a PM acts on; "" to use the outbox's."""
    if error is None or error.retryable:
        return ""
    status = error.status
    said = f" The supplier said: {error.said.rstrip('.')}." if error.said else ""
    if status in (400, 409, 422):
        return (
            f"The supplier refused this file, so nothing was reconciled.{said} "
            "Correct the lines and submit the file again."
        )
    if status in (401, 403):
        return (
            "The supplier refused the cockpit's credentials, so nothing was reconciled. "
            "Ask an administrator to check this supplier's credentials in the environment, then submit again."
        )
    if status == 404:
        return f"The supplier does not know this account, so nothing was reconciled.{said} Check the connection."
    return ""
