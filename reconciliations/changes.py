"""The outbox change kind that sends a reconciliation file to the supplier.

Registered under ``reconciliation_submit`` when the app is ready. The file goes
out with the change's idempotency key, so a retry after a timeout or a 5xx is the
same request to the supplier, never a second reconciliation.
"""

from suppliers.cint import errors
from sync.outbox import ChangeKind, register

from .models import Submission
from .submissions import KIND, accepted


@register
class SubmitReconciliation(ChangeKind):
    name = KIND
    label = "Submit a reconciliation"

    def describe(self, change):
        lines = change.payload.get("lines")
        name = change.payload.get("name", "")
        return f"Reconcile {lines:,} RIDs ({name})" if isinstance(lines, int) else self.label

    def etag(self, change):
        return ""  # a reconciliation is not guarded by an ETag

    def send(self, client, change, etag):
        submission = Submission.objects.get(pk=change.payload["submission_id"])
        return client.submit_reconciliation(
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

    def revert(self, client, change):
        """A refused file changed nothing at the supplier and nothing locally: record the refusal."""
        Submission.objects.filter(pk=change.payload["submission_id"]).update(state=Submission.State.FAILED)


def refusal_words(change):
    """Why the outbox gave up on a submission's change, in words a PM acts on."""
    status = change.response_status
    text, details = errors.parse_error_body(change.response)
    said = "; ".join(part for part in (text.rstrip("."), errors.describe_details(details)) if part)
    said = f" The supplier said: {said}." if said else ""
    if status in (400, 409, 422):
        return (
            f"The supplier refused this file, so nothing was reconciled.{said} "
            "Correct the lines and submit the file again."
        )
    if status in (401, 403):
        return (
            "The supplier refused the cockpit's credentials, so nothing was reconciled. "
            "Ask an administrator to check the Cint client id and secret, then submit again."
        )
    if status == 404:
        return f"The supplier does not know this account, so nothing was reconciled.{said} Check the connection."
    return change.message
