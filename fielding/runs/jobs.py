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

from django.db import transaction
from django.utils import timezone

from config.tasks import task
from fielding.drafts.body import is_created
from fielding.models import FieldingJob, RunAction
from projects.models import TargetGroup
from suppliers import errors
from sync.intents import request_change
from sync.kinds import ChangeKind

from .actions import PAST
from .polling import never_started
from .transitions import follow_supplier, read_transitions

Kind = FieldingJob.Kind
Status = FieldingJob.Status
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
        never_started(job_of(change))


class LaunchFromDraft(StartJob):
    name = "launch_from_draft"
    label = "Launch"

    def describe(self, change):
        return f"Launch “{change.target_group.name}”" if change.target_group_id else self.label

    def send(self, adapter, change, version, seen=None):
        return adapter.fielding.launch(
            _ref(change.target_group), end_at=change.payload["end_fielding_at"], key=str(change.idempotency_key)
        )


class ScheduleFromDraft(StartJob):
    name = "schedule_from_draft"
    label = "Schedule launch"

    def describe(self, change):
        return f"Schedule the launch of “{change.target_group.name}”" if change.target_group_id else self.label

    def send(self, adapter, change, version, seen=None):
        return adapter.fielding.schedule(
            _ref(change.target_group),
            start_at=change.payload["start_fielding_at"],
            end_at=change.payload["end_fielding_at"],
            key=str(change.idempotency_key),
        )


class BulkFieldingJob(StartJob):
    name = "bulk_fielding_job"
    label = "Bulk fielding action"

    def describe(self, change):
        count = len(change.payload.get("target_group_ids", []))
        return f"{change.payload.get('action', '').title()} {count} target group{'s' if count != 1 else ''}"

    def send(self, adapter, change, version, seen=None):
        job = job_of(change)
        return adapter.fielding.start_batch(
            job.project.remote_id,
            change.payload["action"],
            change.payload["target_group_ids"],
            key=str(change.idempotency_key),
        )


def _ref(tg):
    if not is_created(tg):
        raise errors.ValidationFailed(
            "This draft is not saved at the supplier yet (its last save was refused). "
            "Correct the draft, save it, then launch again.",
            status=None,
        )
    return tg.ref


# --- Requests -------------------------------------------------------------------------------


def request_launch(tg, *, by, end_at, start_at=None):
    """Launch now (no `start_at`) or schedule; returns the FieldingJob."""
    from fielding.drafts.body import rfc3339

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
    from fielding.drafts.readiness import launch_problems

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
