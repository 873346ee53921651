"""Editing and cancelling a schedule where it is listed, on a target group's page or a study's.

Editing draws the form filled in as the schedule stands (its next run on the PM's own clock) and saves it over
the schedule under its row's lock, by a PM, who becomes the one who asked. One the beat is running right now
is edited after that run, and is too late then if its section edits schedules only until their first run.

The answers a section's views share: done (a message, or the section redrawn with it) and refused (the form
back with its reasons next to the fields, as typed).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from projects.models import Role
from projects.permissions import pm_only

from .models import ScheduledChange, ScheduledRun


def section_context(
    request, schedules, make_form, *, form=None, editing=None, notice=None, with_form=False, **last_run
):
    """What a schedules section draws: `schedules` newest first with who asked, how many runs, and what their last
    run left (`last_run`: {name: field of the run}); the form (`make_form()`) when asked for (`with_form`, or one
    coming back with errors, or editing one), not on every draw of the page around it; nothing to change for a
    viewer."""
    latest = ScheduledRun.objects.filter(schedule=OuterRef("pk")).order_by("-due_at")
    listed = (
        schedules.select_related("requested_by")
        .annotate(
            run_count=Count("runs"), **{name: Subquery(latest.values(field)[:1]) for name, field in last_run.items()}
        )
        .order_by("-created_at", "-pk")
    )
    can_change = Role.can_change(request.user)
    if form is None and can_change and with_form:
        form = make_form()
    return {
        "schedules": listed,
        "schedule_form": form if can_change else None,
        "editing": editing,
        "schedules_can_change": can_change,
        "schedule_notice": notice,
    }


@dataclass(frozen=True)
class Section:
    """Where schedules are listed and edited."""

    # The schedules it lists, with what their forms read.
    schedules: QuerySet
    # The target group or study a schedule is on.
    owner: Callable
    # `form(schedule, data=None)`: the section's form over `schedule`.
    form: Callable
    # `answer(request, owner, status=200, **context)`: the section drawn (or its page without JavaScript).
    answer: Callable
    # A repeat that has run already can still be edited (its next runs change), or not.
    edited_after_a_run: bool = False


def when(schedule):
    return f"{schedule.local_date:%d %b %Y} {schedule.local_time:%H:%M} {schedule.time_zone}"


def done(request, section, owner, text, level=messages.SUCCESS):
    if not request.htmx:
        messages.add_message(request, level, text)
        return redirect(owner)
    return section.answer(request, owner, notice=text)


def refused(request, section, owner, form, editing=None):
    if not request.htmx:
        nothing = "Nothing was changed" if editing else "Nothing was scheduled"
        messages.error(request, f"{nothing}: correct the fields marked below.")
    return section.answer(request, owner, status=200 if request.htmx else 400, form=form, editing=editing)


def too_late(schedule, section):
    """Why `schedule` can no longer be edited, or None."""
    if not schedule.is_waiting:
        return f"“{schedule.summary}” is {schedule.get_state_display().lower()}: too late to edit it."
    if not section.edited_after_a_run and (not schedule.is_editable or schedule.runs.exists()):
        return (
            f"“{schedule.summary}” has started running: it can no longer be edited. "
            "Cancel it and schedule the new change instead."
        )
    return None


def edit(request, pk, section):
    """GET: the form filled in as schedule `pk` stands, or why it can no longer be edited; POST (PMs only): its
    new time or figures, checked as when it was asked for."""
    if request.method == "POST":
        return pm_only(_save)(request, pk, section)
    schedule = get_object_or_404(section.schedules, pk=pk)
    owner, late = section.owner(schedule), too_late(schedule, section)
    if late:
        return section.answer(request, owner, notice=late)
    return section.answer(request, owner, form=section.form(schedule), editing=schedule)


def _save(request, pk, section):
    with transaction.atomic():
        schedule = get_object_or_404(section.schedules.select_for_update(of=("self",)), pk=pk)
        owner, late = section.owner(schedule), too_late(schedule, section)
        if late:
            return done(request, section, owner, late, level=messages.WARNING)
        form = section.form(schedule, request.POST)
        if not form.is_valid():
            return refused(request, section, owner, form, editing=schedule)
        form.save(by=request.user)
    return done(request, section, owner, f"Changed: {schedule.summary}, {when(schedule)}.")


def cancel(request, pk, section):
    """Cancel a schedule that has not run for good (PMs only, as the view says); one the beat is running right
    now is cancelled after that run (its row is locked until then)."""
    with transaction.atomic():
        schedule = get_object_or_404(section.schedules.select_for_update(of=("self",)), pk=pk)
        if schedule.is_waiting:
            schedule.state = ScheduledChange.State.CANCELLED
            schedule.cancelled_at = timezone.now()
            schedule.save(update_fields=["state", "cancelled_at"])
            text = f"Cancelled: {schedule.summary}."
        else:
            text = f"“{schedule.summary}” is {schedule.get_state_display().lower()} already; nothing to cancel."
    return done(request, section, section.owner(schedule), text)
