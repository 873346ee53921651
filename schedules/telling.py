"""Telling the PM who asked how each scheduled run ended: applied at the supplier, or not (refused when it
was due, failed or met a conflict in the outbox). Looked for by the beat after it runs the due schedules,
so the word comes within a minute of the outbox settling the change; each run is told once."""

from django.db.models import Q
from django.utils import timezone

from notifications.send import notify
from sync.models import RemoteChange
from sync.wording import describe

from .models import ScheduledRun

# Runs told per beat; the rest are told at the next.
BATCH = 200


def _sentence(run):
    schedule, change = run.schedule, run.change
    name = schedule.target_group.name
    if change is None:
        return "scheduled_failed", f"The change scheduled on “{name}” was not sent: {run.message}"
    what = describe(change)
    if change.state == RemoteChange.State.APPLIED:
        return "scheduled_done", f"Done as scheduled on “{name}”: {what}."
    said = f" {change.message}" if change.message else ""
    return "scheduled_failed", f"The change scheduled on “{name}” was not applied by the supplier: {what}.{said}"


def tell_ended_runs(now=None):
    """Tell each run that ended since the last beat to the PM who scheduled it; returns how many were told."""
    ended = ScheduledRun.objects.filter(told_at__isnull=True).filter(
        Q(change__state__in=RemoteChange.SETTLED_STATES) | Q(change__isnull=True)
    )
    runs = list(
        ended.select_related("schedule__target_group", "schedule__requested_by", "change").order_by("pk")[:BATCH]
    )
    for run in runs:
        kind, text = _sentence(run)
        requester = run.schedule.requested_by
        notify(kind, target_group=run.schedule.target_group, text=text, users=[requester] if requester else [])
    ScheduledRun.objects.filter(pk__in=[run.pk for run in runs]).update(told_at=now or timezone.now())
    return len(runs)
