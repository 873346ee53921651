"""The outbox change kind that sends a reconciliation file to the supplier.

Registered under ``reconciliation_submit`` when the app is ready. The file goes
out with the change's idempotency key, so a retry after a timeout or a 5xx is the
same request to the supplier, never a second reconciliation.
"""

from django.utils import timezone

from suppliers import errors
from sync.kinds import ChangeKind, Verdict

from . import survey
from .models import Submission, SurveyReconciliation
from .submissions import KIND, accepted


class SubmitReconciliation(ChangeKind):
    name = KIND
    label = "Submit a reconciliation"
    capability = "reconciliation_by_files"

    def describe(self, change):
        lines = change.payload.get("lines")
        name = change.payload.get("name", "")
        return f"Reconcile {lines:,} RIDs ({name})" if isinstance(lines, int) else self.label

    def version(self, change):
        return ""  # a reconciliation is not guarded by a version

    def send(self, adapter, change, version, seen=None):
        submission = Submission.objects.get(pk=change.payload["submission_id"])
        return adapter.submit_reconciliation_file(
            submission.csv, file_name=submission.name, key=str(change.idempotency_key)
        )

    def mirror(self, change, response, seen=None):
        data = getattr(response, "data", None) or {}
        request_id = str(data.get("request_id") or "") if isinstance(data, dict) else ""
        if not request_id:
            raise errors.ServerError(
                "The supplier accepted the file but gave no request id to follow it by.", status=response.status
            )
        accepted(Submission.objects.get(pk=change.payload["submission_id"]), request_id)

    def revert(self, adapter, change, error=None):
        """A refused file changed nothing at the supplier and nothing locally: record the refusal in words."""
        values = {"state": Submission.State.FAILED}
        words = refusal_words(error)
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


class SubmitSurveyReconciliation(ChangeKind):
    """A survey's list of respondent ids (`reconciliations.survey`), for suppliers that reconcile that way."""

    name = survey.KIND
    label = "Reconcile a survey"
    capability = "id_reconciliation"

    def reconciliation(self, change):
        return SurveyReconciliation.objects.select_related("target_group__project").get(
            pk=change.payload["reconciliation"]
        )

    def describe(self, change):
        count = change.payload.get("count")
        style = change.connection.capabilities.id_reconciliation
        word = style.id_word if style else "id"
        if not isinstance(count, int):
            return self.label
        return f"Reconcile {count:,} {word}s ({change.payload.get('name', '')})"

    def version(self, change):
        return ""

    def send(self, adapter, change, version, seen=None):
        reconciliation = self.reconciliation(change)
        return adapter.submit_reconciliation(
            reconciliation.target_group.ref,
            list(reconciliation.ids),
            contact_email=reconciliation.contact_email,
            key=str(change.idempotency_key),
        )

    def mirror(self, change, answer, seen=None):
        reconciliation = self.reconciliation(change)
        if answer.reconciliation is not None:
            survey.store(reconciliation, answer.reconciliation)
        else:
            reconciliation.state = SurveyReconciliation.State.PROCESSING
            reconciliation.save(update_fields=["state", "updated_at"])
        if reconciliation.state not in SurveyReconciliation.SETTLED:
            survey.follow_soon(reconciliation)

    def read_back(self, adapter, change):
        """Before a re-send: does the supplier already hold this very list (an earlier try reached it)? Returns
        the supplier's reconciliation of it, or None."""
        reconciliation = self.reconciliation(change)
        found = adapter.find_reconciliation(reconciliation.target_group.ref, list(reconciliation.ids))
        if found is not None:
            survey.store(reconciliation, found)
            if reconciliation.state not in SurveyReconciliation.SETTLED:
                survey.follow_soon(reconciliation)
        return found

    def verdict(self, change, found):
        if found is None:
            return Verdict(needed=True)
        return Verdict(
            needed=False, reason="The supplier already has this list (an earlier try reached it); it is not sent again."
        )

    def revert(self, adapter, change, error=None):
        values = {"state": SurveyReconciliation.State.FAILED, "finished_at": timezone.now()}
        words = refusal_words(error)
        if words:
            values["message"] = words
        SurveyReconciliation.objects.filter(pk=change.payload["reconciliation"]).update(**values)
