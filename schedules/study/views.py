"""A study's scheduled changes: a section of the study's page (drawn when the page opens it, at its own URL),
asked for, edited and cancelled there until they run. Scheduling sends nothing: the beat records the plan
change when its time comes."""

from operator import attrgetter

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.permissions import pm_only
from studies.models import Study

from .. import editing
from ..models import ScheduledChange
from .forms import StudyScheduleForm

PANEL = "schedules/_study_schedules.html"


def _study(pk):
    return get_object_or_404(Study, pk=pk)


def section_context(request, study, **shown):
    """The study's schedules with the plan change their last run sent, and the form when asked for
    (`editing.section_context`)."""
    listed = ScheduledChange.objects.filter(study=study)
    make_form = lambda: StudyScheduleForm(study=study)  # noqa: E731
    shown = editing.section_context(request, listed, make_form, last_plan_change="plan_change__summary", **shown)
    return {"study": study, **shown}


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
