"""A study's scheduled changes: a section of the study's page (drawn when the page opens it, at its own URL),
asked for, edited and cancelled there until they run. Scheduling sends nothing: the beat records the plan
change when its time comes."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.models import Role
from projects.permissions import pm_only
from studies.models import Study

from ..models import ScheduledChange, ScheduledRun
from .forms import StudyScheduleForm

PANEL = "schedules/_study_schedules.html"


def _study(pk):
    return get_object_or_404(Study, pk=pk)


def _schedule(pk):
    return get_object_or_404(ScheduledChange.objects.select_related("study"), pk=pk, study__isnull=False)


def section_context(request, study, form=None, editing=None, notice=None, with_form=False):
    """The study's schedules, newest first, with who asked and their runs; the form when asked for (or coming
    back with errors, or editing one)."""
    last_run = ScheduledRun.objects.filter(schedule=OuterRef("pk")).order_by("-due_at")
    listed = (
        ScheduledChange.objects.filter(study=study)
        .select_related("requested_by")
        .annotate(run_count=Count("runs"), last_plan_change=Subquery(last_run.values("plan_change__summary")[:1]))
        .order_by("-created_at", "-pk")
    )
    can_change = Role.can_change(request.user)
    if form is None and can_change and with_form:
        form = StudyScheduleForm(study=study)
    return {
        "study": study,
        "schedules": listed,
        "schedule_form": form if can_change else None,
        "editing": editing,
        "schedules_can_change": can_change,
        "schedule_notice": notice,
    }


def _answer(request, study, status=200, **extra):
    template = PANEL if request.htmx else "schedules/study_schedules.html"
    return render(request, template, section_context(request, study, **extra), status=status)


def _done(request, study, text):
    if not request.htmx:
        messages.success(request, text)
        return redirect(study)
    return _answer(request, study, notice=text)


def _invalid(request, study, form, editing=None):
    if not request.htmx:
        messages.error(request, "Nothing was scheduled: correct the fields marked below.")
    return _answer(request, study, status=200 if request.htmx else 400, form=form, editing=editing)


def _when(schedule):
    return f"{schedule.local_date:%d %b %Y} {schedule.local_time:%H:%M} {schedule.time_zone}"


@require_GET
def section(request, pk):
    """The section alone (a page of its own without JavaScript); ``?form=1`` with the form to schedule."""
    return _answer(request, _study(pk), with_form=request.GET.get("form") == "1")


@require_POST
@pm_only
def create(request, pk):
    """Store a schedule; bad input comes back next to its field, as typed."""
    study = _study(pk)
    form = StudyScheduleForm(request.POST, study=study)
    if not form.is_valid():
        return _invalid(request, study, form)
    schedule = form.save(by=request.user)
    return _done(request, study, f"Scheduled: {schedule.summary}, {_when(schedule)}.")


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """The form filled in as the schedule stands (GET); its new time or figures (POST, PMs only), as long as it
    has not run for good. One the beat is running right now is edited after that run (its row is locked)."""
    if request.method == "POST":
        return pm_only(lambda request: _save_edit(request, pk))(request)
    schedule = _schedule(pk)
    form = StudyScheduleForm(study=schedule.study, instance=schedule) if schedule.is_waiting else None
    return _answer(request, schedule.study, form=form, editing=schedule if form else None)


def _save_edit(request, pk):
    with transaction.atomic():
        schedule = get_object_or_404(
            ScheduledChange.objects.select_for_update(of=("self",)), pk=pk, study__isnull=False
        )
        study = schedule.study
        if not schedule.is_waiting:
            return _done(
                request, study, f"“{schedule.summary}” is {schedule.get_state_display().lower()}: too late to edit it."
            )
        form = StudyScheduleForm(request.POST, study=study, instance=schedule)
        if not form.is_valid():
            return _invalid(request, study, form, editing=schedule)
        form.save(by=request.user)
    return _done(request, study, f"Changed: {schedule.summary}, {_when(schedule)}.")


@require_POST
@pm_only
def cancel(request, pk):
    """Cancel a schedule that has not run for good."""
    with transaction.atomic():
        schedule = get_object_or_404(
            ScheduledChange.objects.select_for_update(of=("self",)), pk=pk, study__isnull=False
        )
        if schedule.is_waiting:
            schedule.state = ScheduledChange.State.CANCELLED
            schedule.cancelled_at = timezone.now()
            schedule.save(update_fields=["state", "cancelled_at"])
            text = f"Cancelled: {schedule.summary}."
        else:
            text = f"“{schedule.summary}” is {schedule.get_state_display().lower()} already; nothing to cancel."
    return _done(request, schedule.study, text)
