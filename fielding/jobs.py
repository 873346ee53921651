"""The supplier's asynchronous fielding jobs: launch or schedule a draft, and batch jobs.

Starting a job is an outbox change (its idempotency key, its retries); the
``FieldingJob`` row exists from the moment it is asked for. Once the supplier answers,
the job id comes from ``Location`` and ``poll_job_once`` follows the job with backoff
until it is ``Completed`` or ``Failed``; then the fielding runs are read, so the target
group shows as live (or scheduled) with its run.

Change payloads: ``launch_from_draft`` ``{"job", "end_fielding_at"}``,
``schedule_from_draft`` ``{"job", "start_fielding_at", "end_fielding_at"}``,
``bulk_fielding_job`` ``{"job", "action", "target_group_ids"}`` (supplier ids).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from config.backoff import backoff_seconds
from config.tasks import task
from projects.models import TargetGroup
from suppliers import errors
from sync.intents import request_change
from sync.kinds import ChangeKind

from .draft import is_created
from .models import FieldingJob, RunAction
from .runs import PAST, record_runs
from .transitions import follow_supplier, read_transitions

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
# Which TG statuses each batch action can start from.
BATCH_ALLOWED_FROM = {
    "launch": {TargetGroup.Status.DRAFT},
    "pause": {TargetGroup.Status.LIVE},
    "resume": {TargetGroup.Status.PAUSED},
    "complete": {TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED, TargetGroup.Status.SCHEDULED},
    "relaunch": {TargetGroup.Status.COMPLETED},
}
BATCH_KIND = {action: kind for kind, action in FieldingJob.BATCH_ACTIONS.items()}


def job_of(change):
    return FieldingJob.objects.select_related("project", "target_group").get(pk=change.payload["job"])


class StartJob(ChangeKind):
    """Send the job's POST; the answer's Location names the job to poll (Cint's fielding jobs)."""

    capability = "fielding_runs"

    def version(self, change):
        return ""

    def touches(self, change):
        return ["fielding"]

    def mirror(self, change, response, seen=None):
        job = job_of(change)
        job.remote_job_id = getattr(response, "job_id", None) or ""
        if not job.remote_job_id:  # nothing to follow: retried with the same idempotency key, then failed
            raise errors.ServerError(
                "The supplier accepted the request but gave no job id (no Location) to follow it by.",
                status=getattr(response, "status", None),
            )
        job.status = Status.PROCESSING
        job.next_poll_at = timezone.now()
        job.save(update_fields=["remote_job_id", "status", "next_poll_at", "updated_at"])
        poll_fielding_job = task("fielding.tasks.poll_fielding_job")

        transaction.on_commit(lambda: poll_fielding_job.delay(job.pk))

    def revert(self, adapter, change, error=None):
        """The job never started; `FieldingJob.reason` shows the change's refusal."""
        _never_started(job_of(change))


def _never_started(job):
    job.status = Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])


class LaunchFromDraft(StartJob):
    name = "launch_from_draft"
    label = "Launch"

    def describe(self, change):
        return f"Launch “{change.target_group.name}”" if change.target_group_id else self.label

    def send(self, adapter, change, version, seen=None):
        tg = change.target_group
        return adapter.client.launch_from_draft(
            tg.project.remote_id,
            _remote_id(tg),
            end_fielding_at=change.payload["end_fielding_at"],
            idempotency_key=str(change.idempotency_key),
        )


class ScheduleFromDraft(StartJob):
    name = "schedule_from_draft"
    label = "Schedule launch"

    def describe(self, change):
        return f"Schedule the launch of “{change.target_group.name}”" if change.target_group_id else self.label

    def send(self, adapter, change, version, seen=None):
        tg = change.target_group
        return adapter.client.schedule_from_draft(
            tg.project.remote_id,
            _remote_id(tg),
            start_fielding_at=change.payload["start_fielding_at"],
            end_fielding_at=change.payload["end_fielding_at"],
            idempotency_key=str(change.idempotency_key),
        )


class BulkFieldingJob(StartJob):
    name = "bulk_fielding_job"
    label = "Bulk fielding action"

    def describe(self, change):
        count = len(change.payload.get("target_group_ids", []))
        return f"{change.payload.get('action', '').title()} {count} target group{'s' if count != 1 else ''}"

    def send(self, adapter, change, version, seen=None):
        job = job_of(change)
        return adapter.client.start_batch_job(
            job.project.remote_id,
            change.payload["action"],
            change.payload["target_group_ids"],
            idempotency_key=str(change.idempotency_key),
        )


def _remote_id(tg):
    if not is_created(tg):
        raise errors.ValidationFailed(
            "This draft is not saved at the supplier yet (its last save was refused). "
            "Correct the draft, save it, then launch again.",
            status=None,
        )
    return tg.remote_id


# --- Requests -------------------------------------------------------------------------------


def request_launch(tg, *, by, end_at, start_at=None):
    """Launch now (no `start_at`) or schedule; returns the FieldingJob."""
    from .draft import rfc3339

    kind = Kind.SCHEDULE_FROM_DRAFT if start_at else Kind.LAUNCH_FROM_DRAFT
    payload = {"end_fielding_at": rfc3339(end_at)}
    if start_at:
        payload["start_fielding_at"] = rfc3339(start_at)
    with transaction.atomic():
        job = FieldingJob.objects.create(
            kind=kind, project=tg.project, target_group=tg, request=payload, requested_by=_user(by)
        )
        change = request_change(
            kind.value, connection=tg.project.connection, target_group=tg, payload={"job": job.pk, **payload}, by=by
        )
        job.change = change
        job.save(update_fields=["change"])
    return job


def past_tense(action):
    """A batch action in the past tense, in the run actions' words ("launched" for a draft)."""
    return "launched" if action == "launch" else PAST[RunAction(action)]


def bulk_plan(action, target_groups, *, supplier_allows=False):
    """``(chosen, {tg pk: why it is not sent})``: which target groups a bulk `action` would send.

    A draft the supplier would not launch (no survey link, no length of interview…) is not sent, with its reasons.
    """
    from .readiness import launch_problems

    allowed = BATCH_ALLOWED_FROM[action]
    chosen, skipped = [], {}
    for tg in target_groups:
        if tg.status not in allowed and not supplier_allows:
            status = tg.get_status_display().lower()
            skipped[str(tg.pk)] = f"Not sent: a {status} target group cannot be {past_tense(action)}."
        elif not is_created(tg):
            skipped[str(tg.pk)] = "Not sent: the supplier does not have this draft yet (save it first)."
        elif action == "launch" and (problems := launch_problems(tg)):
            skipped[str(tg.pk)] = "Not sent: " + " ".join(problems)
        else:
            chosen.append(tg)
    return chosen, skipped


def request_bulk(project, action, target_groups, *, by, supplier_allows=False):
    """One batch job for the TGs whose state allows `action`; the others are listed as skipped.

    `supplier_allows` (the supplier said the action is possible on these target groups, though
    the cockpit's rules fit none of them) sends every one the supplier has; its job reports each.
    """
    chosen, skipped = bulk_plan(action, target_groups, supplier_allows=supplier_allows)
    with transaction.atomic():
        job = FieldingJob.objects.create(
            kind=BATCH_KIND[action],
            project=project,
            request={"target_group_ids": [tg.remote_id for tg in chosen], "skipped": skipped},
            requested_by=_user(by),
        )
        job.target_groups.set(target_groups)
        if not chosen:
            job.status = Status.FAILED
            job.failure_reason = (
                f"None of the selected target groups can be {past_tense(action)} now; nothing was sent."
            )
            job.finished_at = timezone.now()
            job.save()
            return job
        change = request_change(
            "bulk_fielding_job",
            connection=project.connection,
            payload={"job": job.pk, "action": action, "target_group_ids": [tg.remote_id for tg in chosen]},
            by=by,
        )
        job.change = change
        job.save(update_fields=["change"])
    return job


def fitting(action, target_groups):
    """The target groups whose state allows `action`, by the cockpit's own rules."""
    return [tg for tg in target_groups if tg.status in BATCH_ALLOWED_FROM[action]]


def supplier_allows_bulk(project, action, target_groups):
    """Whether the supplier allows `action` on these target groups though the cockpit's rules fit
    none of them (its state is newer than the last sync); False when it cannot say."""
    transitions = read_transitions(project, target_groups)
    if transitions is None or not transitions.allows(action):
        return False
    follow_supplier(f"the chosen target groups of “{project.name}”", set(), transitions)
    return True


def offered_bulk_actions(project):
    """[(action, label)] of the bulk actions the supplier allows on the project's target groups (at least
    one of them can take it), asked once for all of them; the cockpit's own rules when it cannot say."""
    from .forms import BULK_ACTIONS

    target_groups = list(
        project.target_groups.filter(vanished_at__isnull=True).only("pk", "project", "remote_id", "status")
    )
    own = {action for action, _ in BULK_ACTIONS if fitting(action, target_groups)}
    offered = follow_supplier(f"“{project.name}”", own, read_transitions(project, target_groups))
    return [(action, label) for action, label in BULK_ACTIONS if action in offered]


def _user(by):
    return by if by is not None and by.is_authenticated else None


# --- Polling --------------------------------------------------------------------------------


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
    _never_started(job)
    return True


def poll_job_once(job, client=None):
    """Read the job at the supplier once and record what it says. Returns True once it is settled."""
    if job.is_settled:
        return True
    if not job.remote_job_id:
        return settle_if_never_started(job)
    from sync.suppliers import adapter_for

    client = client or adapter_for(job.project.connection).client
    job.polls += 1
    try:
        data = _read_job(client, job).data or {}
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
    status = data.get("status")
    if status == Status.COMPLETED:
        _completed(job, client, data)
        return True
    if status == Status.FAILED:
        _failed(job, client, data)
        return True
    if job.polls >= MAX_POLLS:
        return _fail(
            job,
            "The supplier did not finish the job in time. Refresh the target group in a while to see "
            "whether it went live, and try again if it did not.",
        )
    return _wait(job)


def _read_job(client, job):
    project_id = job.project.remote_id
    if job.is_batch:
        return client.get_batch_job(project_id, job.batch_action, job.remote_job_id)
    tg_id = job.target_group.remote_id
    if job.kind == Kind.LAUNCH_FROM_DRAFT:
        return client.get_launch_from_draft_job(project_id, tg_id, job.remote_job_id)
    return client.get_schedule_from_draft_job(project_id, tg_id, job.remote_job_id)


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


def _completed(job, client, data):
    job.status = Status.COMPLETED
    job.finished_at = timezone.now()
    job.next_poll_at = None
    if job.is_batch:
        job.result = batch_result(data)
        job.save()
        _after_batch(job, client)
        return
    job.result = {"created_fielding_run_id": data.get("created_fielding_run_id")}
    job.save()
    tg = job.target_group
    try:
        record_runs(client, tg)
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


def _failed(job, client, data):
    if job.is_batch:
        job.result = batch_result(data)
        reason = (data.get("failure_reason") or {}).get("description") or "The supplier could not run this job."
        job.save()
        _fail(job, f"{reason} See each target group below.")
        _after_batch(job, client)
        return
    _fail(job, failure_words(job, data.get("failure_reason") or {}))


def failure_words(job, reason):
    """A launch job's ``failure_reason`` as a paragraph: what failed, why, what to do next."""
    verb = "launch" if job.kind == Kind.LAUNCH_FROM_DRAFT else "schedule"
    text = reason.get("description") or reason.get("code") or "no reason was given"
    details = "; ".join(
        f"{item.get('name')}: {item.get('reason') or item.get('detail')}"
        if item.get("name")
        else str(item.get("reason") or item.get("detail"))
        for item in reason.get("reasons") or []
    )
    message = f"The supplier could not {verb} this target group: {text.rstrip('.')}"
    if details:
        message += f" ({details})"
    return f"{message}. The target group is still a draft: correct it and {verb} again."


def batch_result(data):
    updated = [row.get("target_group_id") for row in (data.get("updated_target_groups") or {}).get("data") or []]
    failed = [
        {
            "target_group_id": row.get("target_group_id"),
            "name": row.get("target_group_name", ""),
            "reason": (row.get("failure_reason") or {}).get("description")
            or (row.get("failure_reason") or {}).get("code")
            or "The supplier gave no reason.",
        }
        for row in (data.get("failed_target_groups") or {}).get("data") or []
    ]
    return {"updated": updated, "failed": failed}


def _after_batch(job, client):
    """The target groups the batch changed show their new state and run."""
    status = BATCH_RESULT_STATUS[job.batch_action]
    for tg in job.target_groups.filter(remote_id__in=job.result.get("updated", [])):
        try:
            record_runs(client, tg)
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
