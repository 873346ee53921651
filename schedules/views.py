"""The scheduled changes of a target group: listed in its section, asked for, edited and cancelled there until
they run.

Scheduling sends nothing: the schedule is stored at once and the beat records its change in the outbox when
its time comes. Once it has started running, what ran was what the PM asked for then: a change from then on
is a new schedule.
"""

from operator import attrgetter

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.models import TargetGroup
from projects.permissions import pm_only

from . import editing
from .forms import ScheduleForm
from .models import ScheduledChange

PANEL = "schedules/_schedules_panel.html"


def _target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def schedules_context(request, tg, **shown):
    """What the section draws: the target group's schedules with the state of their last change, and the form to
    schedule one when asked for (`editing.section_context`), not on every draw of the page, whose quotas it lists."""
    listed = ScheduledChange.objects.filter(target_group=tg)
    return {
        "tg": tg,
        **editing.section_context(
            request, listed, lambda: ScheduleForm(tg=tg), last_change_state="change__state", **shown
        ),
    }


def _panel(request, tg, status=200, **extra):
    template = PANEL if request.htmx else "schedules/schedules.html"
    return render(request, template, schedules_context(request, tg, **extra), status=status)


SECTION = editing.Section(
    schedules=ScheduledChange.objects.filter(target_group__isnull=False).select_related(
        "target_group__project__connection"
    ),
    owner=attrgetter("target_group"),
    form=lambda schedule, data=None: ScheduleForm(data, tg=schedule.target_group, instance=schedule),
    answer=_panel,
)


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
        return editing.refused(request, SECTION, tg, form)
    schedule = form.save(by=request.user)
    return editing.done(request, SECTION, tg, f"Scheduled: {schedule.summary}, {editing.when(schedule)}.")


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """The form filled in as the schedule stands, its time on the PM's clock (GET); its new time or figures
    (POST, PMs only), until it has started running."""
    return editing.edit(request, pk, SECTION)


@require_POST
@pm_only
def cancel(request, pk):
    """Cancel a schedule that has not run for good."""
    return editing.cancel(request, pk, SECTION)
