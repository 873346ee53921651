"""A study's scheduled changes: a section of the study's page (drawn when the page opens it, at its own URL),
asked for, edited and cancelled there until they run. Scheduling sends nothing: the beat records the plan
change when its time comes."""

from operator import attrgetter

from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.models import Role
from projects.permissions import pm_only
from studies.models import Study

from .. import editing
from ..models import ScheduledChange, ScheduledRun
from .forms import StudyScheduleForm

PANEL = "schedules/_study_schedules.html"


def _study(pk):
    return get_object_or_404(Study, pk=pk)


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


SECTION = editing.Section(
    schedules=ScheduledChange.objects.filter(study__isnull=False).select_related("study"),
    owner=attrgetter("study"),
    form=lambda schedule, data=None: StudyScheduleForm(data, study=schedule.study, instance=schedule),
    answer=_answer,
    # A repeated move's next runs can be changed after it has run.
    edited_after_a_run=True,
)


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
        return editing.refused(request, SECTION, study, form)
    schedule = form.save(by=request.user)
    return editing.done(request, SECTION, study, f"Scheduled: {schedule.summary}, {editing.when(schedule)}.")


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """The form filled in as the schedule stands (GET); its new time or figures (POST, PMs only), as long as it
    has not run for good."""
    return editing.edit(request, pk, SECTION)


@require_POST
@pm_only
def cancel(request, pk):
    """Cancel a schedule that has not run for good."""
    return editing.cancel(request, pk, SECTION)
