"""Querysets for the dashboard and the project pages: fixed query counts, whatever the size."""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from sync.models import RemoteChange

from .models import TargetGroup

ALERT_WINDOW = timedelta(hours=24)
ACTIVE_STATUSES = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED, TargetGroup.Status.SCHEDULED)
# Statuses in which a target group fills no more: listed as completed; no alert a PM could act on.
FINISHED_STATUSES = (TargetGroup.Status.COMPLETED, TargetGroup.Status.CLOSED, TargetGroup.Status.ARCHIVED)


# The outbox kinds of the cockpit's own fielding-run actions (registered by fielding.runs;
# a test keeps these names in step with the registry) and the batch jobs' kinds.
RUN_ACTION_KINDS = (
    "pause_fielding_run",
    "resume_fielding_run",
    "complete_fielding_run",
    "relaunch_fielding_run",
    "launch_now_fielding_run",
)
PAUSE_KINDS = ("pause_fielding_run", "batch_pause")
# The status changes of suppliers that take them as one verb (fielding.status); their payload
# says the status they lead to.
STATUS_KIND = "change_status"


def with_alerts(queryset):
    """Annotate target groups with what a PM must look at.

    `has_full_cells`: enabled quota cells that reached their goal (alerted while the TG has not).
    `troubled_changes`: changes of the last 24 hours that failed or met a conflict.
    `last_action` / `last_bulk_action`: the newest fielding-run action the cockpit applied to the
    TG, alone or in a bulk job, with its time; a paused TG whose newest action was not a pause
    was paused by the supplier.
    """
    since = timezone.now() - ALERT_WINDOW
    # Through the reverse relations, so projects/ needs no import of quotas/.
    full_cells = TargetGroup.objects.filter(
        pk=OuterRef("pk"),
        profiles__quotas_enabled=True,
        profiles__vanished_at__isnull=True,
        profiles__quotas__completes_goal__gt=0,
        profiles__quotas__completes__gte=F("profiles__quotas__completes_goal"),
    )
    actions = RemoteChange.objects.filter(
        target_group=OuterRef("pk"), kind__in=RUN_ACTION_KINDS, state=RemoteChange.State.APPLIED
    ).order_by("-finished_at")
    status_changes = RemoteChange.objects.filter(
        target_group=OuterRef("pk"), kind=STATUS_KIND, state=RemoteChange.State.APPLIED
    ).order_by("-finished_at")
    bulk_actions = TargetGroup.batch_jobs.through.objects.filter(
        targetgroup_id=OuterRef("pk"), fieldingjob__status="Completed"
    ).order_by("-fieldingjob__finished_at")
    return queryset.annotate(
        has_full_cells=Exists(full_cells),
        troubled_changes=Count(
            "changes",
            filter=Q(
                changes__state__in=[RemoteChange.State.FAILED, RemoteChange.State.CONFLICT],
                changes__created_at__gte=since,
            ),
            distinct=True,
        ),
        last_action=Subquery(actions.values("kind")[:1]),
        last_action_at=Subquery(actions.values("finished_at")[:1]),
        last_bulk_action=Subquery(bulk_actions.values("fieldingjob__kind")[:1]),
        last_bulk_action_at=Subquery(bulk_actions.values("fieldingjob__finished_at")[:1]),
        last_status_to=Subquery(status_changes.values("payload__to_status")[:1]),
        last_status_at=Subquery(status_changes.values("finished_at")[:1]),
    )


def paused_by_the_cockpit(tg):
    """Whether the newest fielding action the cockpit applied to `tg` (annotated by `with_alerts`) is a pause."""
    pause = PAUSE_KINDS[0]
    actions = [
        (tg.last_action_at, tg.last_action),
        (tg.last_bulk_action_at, tg.last_bulk_action),
        (tg.last_status_at, pause if tg.last_status_to == TargetGroup.Status.PAUSED else STATUS_KIND),
    ]
    actions = [(at, kind) for at, kind in actions if at is not None]
    return bool(actions) and max(actions)[1] in PAUSE_KINDS


def alerts_for(tg):
    """Sentences for the alerts annotated by `with_alerts`, most urgent first."""
    alerts = []
    if tg.sync_error:
        alerts.append(("bad", f"Sync error: {tg.sync_error}"))
    if tg.status in FINISHED_STATUSES:
        return alerts  # it fills no more: full cells, pauses and old refusals ask nothing of the PM
    if tg.troubled_changes:
        n = tg.troubled_changes
        alerts.append(("bad", f"{n} change{'s' if n != 1 else ''} failed or met a conflict in the last 24 hours."))
    if tg.status == TargetGroup.Status.PAUSED and not paused_by_the_cockpit(tg):
        why = f": {tg.status_reason.rstrip('.')}." if tg.status_reason else ", not from the cockpit."
        alerts.append(("warn", f"{tg.status_text} by the supplier{why}"))
    if tg.has_full_cells and tg.current_completes < tg.filling_goal:
        alerts.append(("warn", "Some quota cells are full while the target group is not: fieldwork may stall."))
    return alerts
