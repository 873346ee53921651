"""Fielding: launch/schedule jobs, the fielding-run state machine, batch jobs.

A run is Scheduled, Live, Paused or Completed and its target group's status
follows it. Jobs stay Processing for SANDBOX_JOB_SECONDS and are resolved lazily
(when read after the delay) or by the simulation step.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..ids import iso
from ..models import BatchJob, FieldingJob, FieldingRun, JobStatus, RunStatus, TargetGroup
from .events import record_tg_change
from .wire import ApiError

# action -> (statuses it is allowed from, status it leads to)
TRANSITIONS = {
    "pause": ({RunStatus.LIVE}, RunStatus.PAUSED),
    "resume": ({RunStatus.PAUSED}, RunStatus.LIVE),
    "complete": ({RunStatus.LIVE, RunStatus.PAUSED}, RunStatus.COMPLETED),
    "relaunch": ({RunStatus.COMPLETED}, RunStatus.LIVE),
    "launch-now": ({RunStatus.SCHEDULED}, RunStatus.LIVE),
}


def job_delay():
    return dt.timedelta(seconds=float(settings.SANDBOX_JOB_SECONDS))


def current_run(tg):
    return tg.fielding_runs.order_by("-created_at", "-id").first()


def set_status(tg, status, *, user_id=None, now=None):
    """Move a target group to `status`, log it and notify `target-group-updated`."""
    old = tg.status
    if old == status:
        return
    tg.status = status
    tg.save(update_fields=["status"])
    tg.bump()
    record_tg_change(tg, [("status_change", old, status)], user_id=user_id, now=now)


# --- launch and schedule from draft ------------------------------------------------------


def create_job(tg, kind, *, start_at, end_at, created_by, now=None):
    now = now or timezone.now()
    return FieldingJob.objects.create(
        target_group=tg,
        kind=kind,
        start_at=start_at,
        end_at=end_at,
        created_by=created_by,
        created_at=now,
        ready_at=now + job_delay(),
        trace_id=uuid.uuid4().hex,
    )


def launch_problems(tg, *, kind, start_at, end_at, now):
    """Why this draft cannot be launched (or scheduled) now; empty when it can."""
    problems = []

    def problem(name, reason, detail):
        problems.append({"name": name, "reason": reason, "detail": detail})

    if tg.status != TargetGroup.Status.DRAFT:
        problem("status", "not_draft", f"Target group {tg.id} is {tg.status}, not a draft.")
    if end_at <= now:
        problem("end_fielding_at", "in_the_past", f"The end date {iso(end_at)} has already passed.")
    if kind == FieldingJob.Kind.SCHEDULE:
        if start_at is None or start_at <= now:
            problem("start_fielding_at", "in_the_past", f"The start date {iso(start_at)} must be in the future.")
        elif start_at >= end_at:
            problem("start_fielding_at", "after_end", "The start date must be before the end date.")
    if not tg.live_url.strip():
        problem("live_url", "missing", "The target group has no live survey URL.")
    elif "[%RID%]" not in tg.live_url:
        problem("live_url", "missing_rid_placeholder", "The live URL must pass the respondent id as [%RID%].")
    if tg.filling_goal <= 0:
        problem("filling_goal", "too_small", "The filling goal must be greater than zero.")
    return problems


def resolve_job(job_id, *, now=None):
    """Finish a Processing job whose delay has passed: a run, or a failure reason."""
    now = now or timezone.now()
    with transaction.atomic():
        job = FieldingJob.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.PROCESSING or now < job.ready_at:
            return job
        tg = TargetGroup.objects.select_for_update().select_related("project").get(pk=job.target_group_id)
        problems = launch_problems(tg, kind=job.kind, start_at=job.start_at, end_at=job.end_at, now=now)
        if problems:
            job.status = JobStatus.FAILED
            job.failure_reason = {
                "code": "target_group_not_launchable",
                "description": "The draft target group cannot be launched: " + "; ".join(p["detail"] for p in problems),
                "reasons": problems,
            }
        else:
            schedule = job.kind == FieldingJob.Kind.SCHEDULE
            job.created_fielding_run = start_run(
                tg,
                start_at=job.start_at if schedule else now,
                end_at=job.end_at,
                status=RunStatus.SCHEDULED if schedule else RunStatus.LIVE,
                user_id=job.created_by,
                now=now,
            )
            job.status = JobStatus.COMPLETED
        job.resolved_at = now
        job.save()
    return job


def start_run(tg, *, start_at, end_at, status, user_id, now):
    run = FieldingRun.objects.create(
        target_group=tg,
        status=status,
        start_at=start_at,
        end_at=end_at,
        last_changed_at=now,
        last_changed_by=user_id,
        created_at=now,
    )
    old_start, old_end = tg.start_at, tg.end_at
    tg.start_at, tg.end_at = start_at, end_at
    tg.save(update_fields=["start_at", "end_at"])
    record_tg_change(
        tg,
        [
            ("fielding_period_start_date_change", iso(old_start), iso(start_at)),
            ("fielding_period_end_date_change", iso(old_end), iso(end_at)),
        ],
        user_id=user_id,
        now=now,
    )
    set_status(tg, status.lower(), user_id=user_id, now=now)
    return run


# --- the state machine ------------------------------------------------------------------


def transition(run, action, *, user_id=None, now=None):
    """Apply pause / resume / complete / relaunch / launch-now, or 422 when not allowed."""
    now = now or timezone.now()
    allowed, target = TRANSITIONS[action]
    if run.status not in allowed:
        names = " or ".join(sorted(allowed))
        raise ApiError.invalid_state(
            f"Cannot {action} fielding run {run.id}: it is {run.status}, and {action} is allowed only when {names}."
        )
    if target == RunStatus.LIVE and run.end_at <= now:
        raise ApiError.invalid_state(
            f"Cannot {action} fielding run {run.id}: its end date {iso(run.end_at)} has passed; "
            "update the fielding run's end date first."
        )
    if action == "launch-now":
        run.start_at = now
    run.status = target
    run.last_changed_by = user_id or run.last_changed_by
    run.save(update_fields=["status", "start_at", "last_changed_by"])
    run.bump()
    set_status(run.target_group, target.lower(), user_id=user_id, now=now)
    return run


# compute-target-group-transitions flag -> the run action (or launch from draft) it stands for.
TRANSITION_FLAGS = {
    "is_launch_allowed": "launch",
    "is_pause_allowed": "pause",
    "is_resume_allowed": "resume",
    "is_relaunch_allowed": "relaunch",
    "is_finish_allowed": "complete",
}


def allowed_actions(tg, *, now=None):
    """What can be done to a target group now: "launch" (a draft, or a scheduled run now),
    "pause", "resume", "complete", "relaunch". An action that would make a run live is not
    allowed once the run's end date has passed."""
    if tg.status == TargetGroup.Status.DRAFT:
        return {"launch"}
    if tg.status == TargetGroup.Status.ARCHIVED:
        return set()
    run = current_run(tg)
    if run is None:
        return set()
    now = now or timezone.now()
    allowed = set()
    for action, (sources, target) in TRANSITIONS.items():
        if run.status in sources and not (target == RunStatus.LIVE and run.end_at <= now):
            allowed.add("launch" if action == "launch-now" else action)
    return allowed


def update_run(run, *, start_at, end_at, user_id=None, now=None):
    now = now or timezone.now()
    if run.status == RunStatus.COMPLETED:
        raise ApiError.invalid_state(f"Fielding run {run.id} is Completed; its dates can no longer change.")
    if run.status != RunStatus.SCHEDULED:
        start_at = run.start_at  # a run that started keeps its start
    elif start_at <= now:
        raise ApiError.bad_request(
            "start_fielding_at must be in the future for a scheduled run.",
            invalid_params=[{"name": "start_fielding_at", "reason": "in the past"}],
        )
    if end_at <= now or end_at <= start_at:
        raise ApiError.bad_request(
            "end_fielding_at must be in the future and after the start.",
            invalid_params=[{"name": "end_fielding_at", "reason": "in the past or before the start"}],
        )
    tg = run.target_group
    changes = [
        ("fielding_period_start_date_change", iso(run.start_at), iso(start_at)),
        ("fielding_period_end_date_change", iso(run.end_at), iso(end_at)),
    ]
    run.start_at, run.end_at, run.last_changed_by = start_at, end_at, user_id or run.last_changed_by
    run.save(update_fields=["start_at", "end_at", "last_changed_by"])
    run.bump()
    tg.start_at, tg.end_at = start_at, end_at
    tg.save(update_fields=["start_at", "end_at"])
    tg.bump()
    record_tg_change(tg, changes, user_id=user_id, now=now)
    return run


# --- batch jobs -------------------------------------------------------------------------


def create_batch_job(project, action, target_group_ids, *, created_by, now=None):
    now = now or timezone.now()
    return BatchJob.objects.create(
        project=project,
        action=action,
        target_group_ids=target_group_ids,
        created_by=created_by,
        created_at=now,
        ready_at=now + job_delay(),
    )


def resolve_batch_job(job_id, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        job = BatchJob.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.PROCESSING or now < job.ready_at:
            return job
        updated, failed = [], []
        for tg_id in job.target_group_ids:
            tg = TargetGroup.objects.filter(project=job.project, pk=tg_id).first()
            if tg is None:
                failed.append(
                    {
                        "target_group_id": tg_id,
                        "target_group_name": "",
                        "failure_reason": {"code": "not_found", "description": "No such target group."},
                    }
                )
                continue
            try:
                with transaction.atomic():
                    _batch_action(tg, job.action, user_id=job.created_by, now=now)
            except ApiError as error:
                failed.append(
                    {
                        "target_group_id": tg.id,
                        "target_group_name": tg.name,
                        "failure_reason": {"code": error.object, "description": error.detail},
                    }
                )
            else:
                updated.append({"target_group_id": tg.id, "target_group_name": tg.name})
        job.updated, job.failed = updated, failed
        job.status = JobStatus.FAILED if failed and not updated else JobStatus.COMPLETED
        job.resolved_at = now
        job.save()
    return job


def _batch_action(tg, action, *, user_id, now):
    if action == BatchJob.Action.LAUNCH:
        if tg.status == TargetGroup.Status.DRAFT:
            problems = launch_problems(tg, kind=FieldingJob.Kind.LAUNCH, start_at=None, end_at=tg.end_at, now=now)
            if problems:
                raise ApiError(400, "validation_error", "; ".join(p["detail"] for p in problems))
            start_run(tg, start_at=now, end_at=tg.end_at, status=RunStatus.LIVE, user_id=user_id, now=now)
            return
        action = "launch-now"
    run = current_run(tg)
    if run is None:
        raise ApiError.invalid_state(f"Target group {tg.id} is a draft and has no fielding run to {action}.")
    transition(run, action, user_id=user_id, now=now)


def resolve_due(now=None):
    """Resolve every job whose delay has passed; returns how many were resolved."""
    now = now or timezone.now()
    count = 0
    for job_id in FieldingJob.objects.filter(status=JobStatus.PROCESSING, ready_at__lte=now).values_list(
        "pk", flat=True
    ):
        resolve_job(job_id, now=now)
        count += 1
    for job_id in BatchJob.objects.filter(status=JobStatus.PROCESSING, ready_at__lte=now).values_list("pk", flat=True):
        resolve_batch_job(job_id, now=now)
        count += 1
    return count
