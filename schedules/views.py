"""The scheduled changes of a target group: listed in its section, asked for and cancelled there.

Scheduling sends nothing: the schedule is stored at once and the beat records its change in the outbox when
its time comes. A schedule is changed by cancelling it and asking for a new one.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from projects.models import Role, TargetGroup
from projects.permissions import pm_only

from .forms import ScheduleForm
from .models import ScheduledChange, ScheduledRun

PANEL = "schedules/_schedules_panel.html"


def _target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def schedules_context(request, tg, form=None, notice=None, with_form=False):
    """What the section draws: the target group's schedules, newest first, with who asked and their runs; and
    the form to schedule one when asked for (`with_form`, or a form coming back with errors), not on every
    draw of the target group's page, whose quotas it lists."""
    last_run = ScheduledRun.objects.filter(schedule=OuterRef("pk")).order_by("-due_at")
    listed = (
        ScheduledChange.objects.filter(target_group=tg)
        .select_related("requested_by")
        .annotate(run_count=Count("runs"), last_change_state=Subquery(last_run.values("change__state")[:1]))
        .order_by("-created_at", "-pk")
    )
    can_change = Role.can_change(request.user)
    if form is None and can_change and with_form:
        form = ScheduleForm(tg=tg)
    return {
        "tg": tg,
        "schedules": listed,
        "schedule_form": form,
        "schedules_can_change": can_change,
        "schedule_notice": notice,
    }


def _panel(request, tg, status=200, **extra):
    template = PANEL if request.htmx else "schedules/schedules.html"
    return render(request, template, schedules_context(request, tg, **extra), status=status)


@require_GET
def schedules(request, pk):
    """The section alone (a page of its own without JavaScript); ``?form=1`` with the form to schedule."""
    return _panel(request, _target_group(pk), with_form=request.GET.get("form") == "1")


@require_POST
@pm_only
def create(request, pk):
    """Store a schedule; bad input comes back next to its field, as typed."""
    tg = _target_group(pk)
    form = ScheduleForm(request.POST, tg=tg)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, "Nothing was scheduled: correct the fields marked below.")
        return _panel(request, tg, status=200 if request.htmx else 400, form=form)
    schedule = form.save(by=request.user)
    when = f"{schedule.local_date:%d %b %Y} {schedule.local_time:%H:%M} {schedule.time_zone}"
    text = f"Scheduled: {schedule.summary}, {when}."
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    return _panel(request, tg, notice=text)


@require_POST
@pm_only
def cancel(request, pk):
    """Cancel a schedule that has not run for good; one the beat is running right now is cancelled after
    that run (its row is locked until then)."""
    with transaction.atomic():
        schedule = get_object_or_404(ScheduledChange.objects.select_for_update(), pk=pk, target_group__isnull=False)
        tg = _target_group(schedule.target_group_id)
        if schedule.is_waiting:
            schedule.state = ScheduledChange.State.CANCELLED
            schedule.cancelled_at = timezone.now()
            schedule.save(update_fields=["state", "cancelled_at"])
            text = f"Cancelled: {schedule.summary}."
        else:
            text = f"“{schedule.summary}” is {schedule.get_state_display().lower()} already; nothing to cancel."
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    return _panel(request, tg, notice=text)
