"""Following a fielding job at the supplier once it has started (``FieldingJob.remote_job_id``).

``poll_job_once`` reads the job through the adapter's `fielding` with backoff until it is
``Completed`` or ``Failed``; then the fielding runs are read, so the target group shows as live
(or scheduled) with its run, and a batch's target groups show their new state.
"""

import logging
from datetime import timedelta

from django.utils import timezone

from fielding.models import FieldingJob
from projects.models import TargetGroup
from suppliers import errors
from suppliers.backoff import backoff_seconds

from .actions import record_runs

log = logging.getLogger(__name__)

MAX_POLLS = 120
POLL_MAX_SECONDS = 60
Kind = FieldingJob.Kind
Status = FieldingJob.Status
# The TG status a successful batch action leaves behind.
BATCH_RESULT_STATUS = {
    "launch": TargetGroup.Status.LIVE,
    "pause": TargetGroup.Status.PAUSED,
    "resume": TargetGroup.Status.LIVE,
    "complete": TargetGroup.Status.COMPLETED,
    "relaunch": TargetGroup.Status.LIVE,
}


def never_started(job):
    job.status = Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])


# --- polling --------------------------------------------------------------------------------


def poll_delay(polls):
    """1, 2, 4 … seconds between polls, at most a minute."""
    return backoff_seconds(polls, base=1, cap=POLL_MAX_SECONDS)


def settle_if_never_started(job):
    """A job whose starting change failed without `StartJob.revert` (the outbox met an internal
    error, or `recover_stuck` gave up on it) is failed too; the beat finds it through `due_jobs`.
    Returns whether it changed."""
    change = job.change
    if job.status != Status.REQUESTED or change is None or change.state not in ("failed", "conflict"):
        return False
    never_started(job)
    return True


def poll_job_once(job, fielding=None):
    """Read the job at the supplier once and record what it says. Returns True once it is settled."""
    if job.is_settled:
        return True
    if not job.remote_job_id:
        return settle_if_never_started(job)
    from sync.adapters import adapter_for

    fielding = fielding or adapter_for(job.project.connection).fielding
    job.polls += 1
    try:
        record = _read_job(fielding, job)
    except errors.NotFound as exc:
        return _fail(
            job,
            f"The supplier no longer knows this job ({exc.message}). Refresh the target group to see "
            "its current state.",
        )
    except errors.SupplierError as exc:
        if not exc.retryable or job.polls >= MAX_POLLS:
            return _fail(job, f"The job's progress could not be read: {exc.message}")
        return _wait(job)
    if record.status == Status.COMPLETED:
        _completed(job, fielding, record)
        return True
    if record.status == Status.FAILED:
        _failed(job, fielding, record)
        return True
    if job.polls >= MAX_POLLS:
        return _fail(
            job,
            "The supplier did not finish the job in time. Refresh the target group in a while to see "
            "whether it went live, and try again if it did not.",
        )
    return _wait(job)


def _read_job(fielding, job):
    if job.is_batch:
        return fielding.read_batch_job(job.project.remote_id, job.batch_action, job.remote_job_id)
    if job.kind == Kind.LAUNCH_FROM_DRAFT:
        return fielding.read_launch_job(job.target_group.ref, job.remote_job_id)
    return fielding.read_schedule_job(job.target_group.ref, job.remote_job_id)


def _wait(job):
    job.status = Status.PROCESSING
    job.next_poll_at = timezone.now() + timedelta(seconds=poll_delay(job.polls))
    job.save(update_fields=["status", "polls", "next_poll_at", "updated_at"])
    return False


def _fail(job, reason):
    job.status = Status.FAILED
    job.failure_reason = reason
    job.finished_at = timezone.now()
    job.next_poll_at = None
    job.save()
    return True


def _completed(job, fielding, record):
    job.status = Status.COMPLETED
    job.finished_at = timezone.now()
    job.next_poll_at = None
    if job.is_batch:
        job.result = batch_result(record)
        job.save()
        _after_batch(job, fielding)
        return
    job.result = {"created_fielding_run_id": record.fielding_run_id}
    job.save()
    tg = job.target_group
    try:
        record_runs(fielding, tg)
    except errors.SupplierError as exc:
        log.warning("launched %s but could not read its fielding runs: %s", tg.pk, exc)
    tg.refresh_from_db()
    if tg.status == TargetGroup.Status.DRAFT:
        live = job.kind == Kind.LAUNCH_FROM_DRAFT
        tg.status = TargetGroup.Status.LIVE if live else TargetGroup.Status.SCHEDULED
        tg.save(update_fields=["status"])
    # Now launched, the target group is read in full, so its page shows the profiles
    # and quotas the supplier launched with (failures are kept on the TG and the run).
    from sync.pull import sync_target_group

    sync_target_group(tg)


def _failed(job, fielding, record):
    if job.is_batch:
        job.result = batch_result(record)
        reason = record.failure or "The supplier could not run this job."
        job.save()
        _fail(job, f"{reason} See each target group below.")
        _after_batch(job, fielding)
        return
    _fail(job, failure_words(job, record))


def failure_words(job, record):
    """A failed launch job (a `JobRecord`) as a paragraph: what failed, why, what to do next."""
    verb = "launch" if job.kind == Kind.LAUNCH_FROM_DRAFT else "schedule"
    text = record.failure or record.failure_code or "no reason was given"
    details = "; ".join(record.failure_details)
    message = f"The supplier could not {verb} this target group: {text.rstrip('.')}"
    if details:
        message += f" ({details})"
    return f"{message}. The target group is still a draft: correct it and {verb} again."


def batch_result(record):
    return {"updated": list(record.updated), "failed": list(record.failed)}


def _after_batch(job, fielding):
    """The target groups the batch changed show their new state and run."""
    status = BATCH_RESULT_STATUS[job.batch_action]
    for tg in job.target_groups.filter(remote_id__in=job.result.get("updated", [])):
        try:
            record_runs(fielding, tg)
        except errors.SupplierError as exc:
            log.warning("batch %s changed %s but its runs could not be read: %s", job.pk, tg.pk, exc)
        tg.refresh_from_db()
        if tg.status != status:
            tg.status = status
            tg.save(update_fields=["status"])


def due_jobs(now=None, grace=timedelta(minutes=2)):
    """Unsettled jobs whose polling chain seems to have stopped (a worker died)."""
    now = now or timezone.now()
    return FieldingJob.objects.filter(
        status__in=[Status.REQUESTED, Status.PROCESSING], next_poll_at__lt=now - grace
    ) | FieldingJob.objects.filter(status=Status.REQUESTED, change__state__in=["failed", "conflict"])
