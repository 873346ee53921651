"""Running the schedules that are due, each due time exactly once.

One transaction per schedule: the schedule's row is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a
second beat passes over it instead of waiting; SQLite has one writer at a time), its `ScheduledRun` for that
due time is inserted (unique: a due time another runner has done is skipped), the outbox change is recorded
through the same service a PM's click uses, and the next run is worked out. A process that dies half-way
leaves nothing of it, and the next beat runs it once. The outbox sends the change afterwards, with its own
retries and idempotency key.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from fielding.runs.actions import ActionRefused
from projects.queries import FINISHED_STATUSES
from studies.plans import PlanRefused
from suppliers.adapter import Unsupported
from sync.locks import retry_transient
from sync.models import RemoteChange

from . import timing
from .actions import NothingToDo, reached, request_scheduled
from .models import ScheduledChange, ScheduledRun
from .study.actions import request_on_study

log = logging.getLogger(__name__)

State = ScheduledChange.State
# Schedules taken per beat; the rest are due still and go at the next minute.
BATCH = 200


def run_due(now=None):
    """Run every waiting schedule whose time has come; returns how many ran here."""
    now = now or timezone.now()
    due = ScheduledChange.objects.filter(state__in=ScheduledChange.WAITING_STATES, run_at__lte=now)
    ran = 0
    for pk in list(due.order_by("run_at", "pk").values_list("pk", flat=True)[:BATCH]):
        if run_one(pk, now):
            ran += 1
    return ran


@retry_transient
def run_one(pk, now):
    """Run schedule `pk` for its due time, if it is still waiting and due and no other runner holds it."""
    with transaction.atomic():
        schedule = (
            ScheduledChange.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("target_group__project__connection", "study", "requested_by", "profile")
            .filter(pk=pk, state__in=ScheduledChange.WAITING_STATES, run_at__lte=now)
            .first()
        )
        if schedule is None:
            return False
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(schedule=schedule, due_at=schedule.run_at)
        except IntegrityError:
            log.info("schedule %s for %s has run already", schedule.pk, schedule.run_at)
            return False
        if schedule.study_id is not None:
            return _run_on_study(schedule, run, now)
        tg = schedule.target_group
        if tg.status in FINISHED_STATUSES:
            message = f"“{tg.name}” is {tg.status_text.lower()}: nothing more is sent for this schedule."
            _refused(schedule, run, message, now, done=schedule.repeat != ScheduledChange.Repeat.ONCE)
            return True
        try:
            change, figure = request_scheduled(schedule)
        except (Unsupported, ActionRefused, NothingToDo) as exc:
            _refused(schedule, run, str(exc), now, done=isinstance(exc, NothingToDo))
            return True
        _audit(schedule, change)
        run.change = change
        run.save(update_fields=["change"])
        schedule.message = ""  # a refusal of an earlier run of a repeat is over
        _advance(schedule, now, figure)
        return True


def _run_on_study(schedule, run, now):
    """A study's schedule: its plan change, recorded as the PM who asked, said to be scheduled by them."""
    study = schedule.study
    if study.field_end <= now:
        message = f"The study “{study.name}” ended fielding on {timezone.localtime(study.field_end):%d %b %Y %H:%M}."
        _refused(schedule, run, f"{message} Nothing more is sent for this schedule.", now, done=True)
        return True
    try:
        plan_change = request_on_study(schedule, audit_note(schedule))
    except (PlanRefused, NothingToDo) as exc:
        _refused(schedule, run, str(exc), now, done=isinstance(exc, NothingToDo))
        return True
    run.plan_change = plan_change
    run.save(update_fields=["plan_change"])
    schedule.message = ""
    _advance(schedule, now, None)
    return True


def audit_note(schedule):
    """ "scheduled by Pat Manager for Mon 26 Oct 2026 08:00 Europe/Berlin" """
    user = schedule.requested_by
    name = (user.get_full_name() or user.get_username()) if user is not None else "a former user"
    local = datetime.datetime.combine(schedule.local_date, schedule.local_time)
    return f"scheduled by {name} for {local:%a %d %b %Y %H:%M} {schedule.time_zone}"


def _audit(schedule, change):
    """The change's line in the changes panel says who scheduled it and for when."""
    note = f" — {audit_note(schedule)}"
    change.summary = change.summary[: 300 - len(note)] + note
    RemoteChange.objects.filter(pk=change.pk).update(summary=change.summary)


def _refused(schedule, run, message, now, *, done):
    """Nothing recorded this time, and why. A repeat goes on to its next run (a daily pause finds the survey
    paused already one evening); a single change fails, and a raise at its limit is done."""
    run.message = message
    run.save(update_fields=["message"])
    schedule.message = message
    if schedule.repeat != ScheduledChange.Repeat.ONCE and not done:
        schedule.save(update_fields=["message"])
        _advance(schedule, now, None)
        return
    schedule.state = State.DONE if done else State.FAILED
    schedule.save(update_fields=["state", "message"])


def _advance(schedule, now, figure):
    """The next run of a repeat (the first one after `now`: a repeat the beat missed catches up once), or done."""
    Repeat = ScheduledChange.Repeat
    at_limit = figure is not None and schedule.limit is not None and reached(figure, schedule)
    if schedule.repeat == Repeat.ONCE or at_limit:
        schedule.state = State.DONE
        if at_limit:
            schedule.message = f"Reached {figure:,}, its limit."
        schedule.save(update_fields=["state", "message"])
        return
    if schedule.repeat == Repeat.DAILY:
        day = timing.next_daily(schedule.local_date, schedule.local_time, schedule.time_zone, now)
        schedule.local_date = day
        schedule.run_at = timing.moment(day, schedule.local_time, schedule.time_zone)
    else:
        schedule.run_at = timing.next_every(schedule.run_at, schedule.every_hours, now)
        schedule.local_date, schedule.local_time = timing.wall_clock(schedule.run_at, schedule.time_zone)
    schedule.state = State.RUNNING
    schedule.save(update_fields=["local_date", "local_time", "run_at", "state", "message"])
