"""Querysets for the dashboard and the project pages: fixed query counts, whatever the size."""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from quotas.models import Quota
from sync.models import RemoteChange

from .models import TargetGroup

ALERT_WINDOW = timedelta(hours=24)
ACTIVE_STATUSES = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED, TargetGroup.Status.SCHEDULED)


def with_alerts(queryset):
    """Annotate target groups with what a PM must look at.

    `full_cells`: enabled quota cells that reached their goal while the TG has not.
    `troubled_changes`: changes of the last 24 hours that failed or met a conflict.
    `paused_by_us`: whether the TG was paused through the cockpit, alone or in a bulk pause
    (otherwise the supplier paused it).
    """
    since = timezone.now() - ALERT_WINDOW
    full_cells = Quota.objects.filter(
        profile__target_group=OuterRef("pk"),
        profile__quotas_enabled=True,
        profile__vanished_at__isnull=True,
        completes_goal__gt=0,
        completes__gte=F("completes_goal"),
    )
    paused_by_us = RemoteChange.objects.filter(
        target_group=OuterRef("pk"), kind="pause_fielding_run", state=RemoteChange.State.APPLIED
    )
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
        paused_by_us=Exists(paused_by_us),
        paused_in_bulk=Exists(
            TargetGroup.batch_jobs.through.objects.filter(
                targetgroup_id=OuterRef("pk"), fieldingjob__kind="batch_pause", fieldingjob__status="Completed"
            )
        ),
    )


def alerts_for(tg):
    """Sentences for the alerts annotated by `with_alerts`, most urgent first."""
    alerts = []
    if tg.sync_error:
        alerts.append(("bad", f"Sync error: {tg.sync_error}"))
    if tg.troubled_changes:
        n = tg.troubled_changes
        alerts.append(("bad", f"{n} change{'s' if n != 1 else ''} failed or met a conflict in the last 24 hours."))
    if tg.status == TargetGroup.Status.PAUSED and not (tg.paused_by_us or tg.paused_in_bulk):
        alerts.append(("warn", "Paused by the supplier, not from the cockpit."))
    if tg.has_full_cells and tg.current_completes < tg.filling_goal:
        alerts.append(("warn", "Some quota cells are full while the target group is not: fieldwork may stall."))
    return alerts
