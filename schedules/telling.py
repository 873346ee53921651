"""Telling the PM who asked how each scheduled run ended: applied at the supplier, or not (refused when it
was due, failed or met a conflict in the outbox). Looked for by the beat after it runs the due schedules,
so the word comes within a minute of the outbox settling the change; each run is told once."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from notifications.send import notify
from studies.advancing import APPLIED, UNSETTLED, plan_state
from studies.models import PlanPart
from sync.models import RemoteChange
from sync.wording import describe

from .models import ScheduledRun

# Runs told per beat; the rest are told at the next.
BATCH = 200


def _study_sentence(run):
    schedule, plan_change = run.schedule, run.plan_change
    name = schedule.study.name
    if plan_change is None:
        return "scheduled_failed", f"The change scheduled on the study “{name}” was not sent: {run.message}"
    state, words = plan_state(list(plan_change.parts.select_related("change", "target_group__project__connection")))
    if state == APPLIED:
        return "scheduled_done", f"Done as scheduled on the study “{name}”: {plan_change.summary}."
    return "scheduled_failed", f"The change scheduled on the study “{name}” was not all applied: {words}."


def _sentence(run):
    if run.schedule.study_id is not None:
        return _study_sentence(run)
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
    # A study's plan change has ended once none of its parts waits or travels.
    on_its_way = PlanPart.objects.filter(plan_change=OuterRef("plan_change")).filter(
        Q(change__isnull=True, held_reason="") | Q(change__state__in=UNSETTLED)
    )
    ended = ScheduledRun.objects.filter(told_at__isnull=True).filter(
        Q(change__state__in=RemoteChange.SETTLED_STATES)
        | Q(change__isnull=True, plan_change__isnull=True)
        | Q(~Exists(on_its_way), plan_change__isnull=False)
    )
    runs = list(
        ended.select_related(
            "schedule__target_group", "schedule__study", "schedule__requested_by", "change", "plan_change"
        ).order_by("pk")[:BATCH]
    )
    for run in runs:
        kind, text = _sentence(run)
        requester = run.schedule.requested_by
        study = run.schedule.study
        link = study.get_absolute_url() if study is not None else ""
        users = [requester] if requester else []
        notify(kind, target_group=run.schedule.target_group, text=text, link=link, users=users)
    ScheduledRun.objects.filter(pk__in=[run.pk for run in runs]).update(told_at=now or timezone.now())
    return len(runs)
