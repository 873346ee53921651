"""Background work: follow eligible-RIDs reports and submissions at the supplier, cache reason codes.

Each task receives an id, re-reads the row, claims one step with a conditional
UPDATE on its poll counter (so two workers never take the same step), does it,
and re-enqueues itself with backoff until the row is settled or `MAX_POLLS` is
reached; the PM can start checking again from the page.
"""

import logging

from celery import shared_task
from django.db.models import F

from projects.models import SupplierConnection
from suppliers import errors
from suppliers.backoff import backoff_seconds
from sync.adapters import adapter_for, open_adapter

from . import reports, submissions, survey
from .models import MAX_POLLS, EligibleReport, Submission, SurveyReconciliation

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2
BACKOFF_MAX_SECONDS = 60


def poll_delay(polls, retry_after=None):
    """Seconds before the next check: 2, 4, 8... capped at a minute, never before Retry-After."""
    return backoff_seconds(polls, base=BACKOFF_BASE_SECONDS, cap=BACKOFF_MAX_SECONDS, retry_after=retry_after)


def _claim(model, pk, polls):
    """Take the next step of row `pk`: only one caller moves `polls` on from the value it read."""
    return model.objects.filter(pk=pk, polls=polls).update(polls=F("polls") + 1) == 1


@shared_task(ignore_result=True)
def follow_report(report_id):
    """Generate, check or download one eligible-RIDs report; repeat with backoff until settled."""
    report = EligibleReport.objects.select_related("connection", "project").filter(pk=report_id).first()
    if report is None or report.is_settled or not _claim(EligibleReport, report.pk, report.polls):
        return
    report.polls += 1
    retry_after = None
    try:
        with open_adapter(report.connection) as adapter:
            settled = reports.advance_report(report, adapter.reports)
    except errors.SupplierError as exc:
        log.warning("eligible-RIDs report %s: %s", report.pk, exc)
        retry_after = getattr(exc, "retry_after", None)
        reports.record_error(report, exc, giving_up=report.polls >= MAX_POLLS)
        settled = report.is_settled
    if settled:
        return
    if report.polls >= MAX_POLLS:
        report.message = "The supplier is taking unusually long to prepare the report. Generate it again later."
        report.state = EligibleReport.State.FAILED
        report.save(update_fields=["message", "state", "updated_at"])
        return
    follow_report.apply_async((report.pk,), countdown=poll_delay(report.polls, retry_after))


@shared_task(ignore_result=True)
def follow_submission(submission_id):
    """Read one submission's status and per-TG results; repeat with backoff until complete."""
    submission = Submission.objects.select_related("connection").filter(pk=submission_id).first()
    if submission is None or submission.state != Submission.State.PROCESSING:
        return
    if submission.polls >= MAX_POLLS or not _claim(Submission, submission.pk, submission.polls):
        return
    submission.polls += 1
    retry_after = None
    try:
        with open_adapter(submission.connection) as adapter:
            settled = submissions.advance_submission(submission, adapter.reports)
    except errors.SupplierError as exc:
        log.warning("reconciliation %s: %s", submission.pk, exc)
        retry_after = getattr(exc, "retry_after", None)
        giving_up = not exc.retryable or submission.polls >= MAX_POLLS
        submissions.record_error(submission, exc, giving_up=giving_up)
        if giving_up:
            Submission.objects.filter(pk=submission.pk).update(polls=MAX_POLLS)
            return
        settled = False
    if settled:
        return
    if submission.polls >= MAX_POLLS:
        submission.message = (
            "The supplier is still processing the file. The cockpit stopped checking; use “Check now” later."
        )
        submission.save(update_fields=["message", "updated_at"])
        return
    follow_submission.apply_async((submission.pk,), countdown=poll_delay(submission.polls, retry_after))


@shared_task(ignore_result=True)
def fetch_reason_codes(connection_id):
    """Cache the supplier's reconciliation reason codes for one connection."""
    connection = SupplierConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    try:
        with open_adapter(connection) as adapter:
            submissions.refresh_reason_codes(connection, adapter.reports)
    except errors.SupplierError as exc:
        log.warning("reason codes of %s: %s", connection, exc)
        submissions.remember_reason_code_error(connection, exc)


@shared_task(ignore_result=True)
def follow_survey_reconciliation(reconciliation_id):
    """Read one survey's submitted list at the supplier; repeat with backoff until it is settled."""
    row = (
        SurveyReconciliation.objects.select_related("connection", "target_group__project")
        .filter(pk=reconciliation_id)
        .first()
    )
    if row is None or row.state != SurveyReconciliation.State.PROCESSING:
        return
    if row.polls >= MAX_POLLS or not _claim(SurveyReconciliation, row.pk, row.polls):
        return
    row.polls += 1
    retry_after = None
    adapter = adapter_for(row.connection)
    try:
        if survey.advance(row, adapter):
            return
    except errors.SupplierError as exc:
        log.warning("survey reconciliation %s: %s", row.pk, exc)
        retry_after = getattr(exc, "retry_after", None)
        if not exc.retryable:
            row.message = f"Its progress could not be read: {exc.message}"
            row.save(update_fields=["message", "updated_at"])
            SurveyReconciliation.objects.filter(pk=row.pk).update(polls=MAX_POLLS)
            return
    finally:
        adapter.close()
    if row.polls >= MAX_POLLS:
        row.message = "The supplier is still processing the list. The cockpit stopped checking; use “Check now” later."
        row.save(update_fields=["message", "updated_at"])
        return
    follow_survey_reconciliation.apply_async((row.pk,), countdown=poll_delay(row.polls, retry_after))
