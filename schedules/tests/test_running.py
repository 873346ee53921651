"""The beat runs each scheduled change once, at its time in the PM's zone, through the outbox: nothing the
minute before, one pending change the minute of, one (not one per missed minute) after a restart, the same
08:00 on both sides of a daylight-saving change, once with two runners and once after a run that died."""

import datetime as dt

import pytest

from schedules.models import ScheduledChange, ScheduledRun
from schedules.running import run_due
from sync.models import RemoteChange

from .helpers import BERLIN, ask, purespectrum_tg, quota_of, utc

pytestmark = pytest.mark.django_db

ASKED = utc(2026, 6, 1, 9, 0)


@pytest.fixture
def tg():
    return purespectrum_tg(filling_goal=1000)


def _pause_at(tg, pm, local, **extra):
    form, schedule = ask(tg, pm, {"action": "status:pause", "at": local, **extra}, now=ASKED)
    assert schedule is not None, form.errors
    return schedule


def test_nothing_is_recorded_the_minute_before(tg, pm):
    _pause_at(tg, pm, "2026-06-02T18:00")  # 16:00 UTC in Berlin's summer

    assert run_due(now=utc(2026, 6, 2, 15, 59)) == 0

    assert not RemoteChange.objects.exists()


def test_the_minute_of_records_one_pending_change_as_the_pm_who_asked(tg, pm):
    schedule = _pause_at(tg, pm, "2026-06-02T18:00")

    run_due(now=utc(2026, 6, 2, 16, 0))

    change = RemoteChange.objects.get()
    assert (change.kind, change.state, change.payload) == (
        "change_status",
        "pending",
        {"action": "pause", "to_status": "paused"},
    )
    assert change.requested_by == pm
    assert change.summary.endswith("scheduled by Pat Manager for Tue 02 Jun 2026 18:00 Europe/Berlin")
    schedule.refresh_from_db()
    assert schedule.state == "done"
    assert ScheduledRun.objects.get(schedule=schedule).change == change


def test_a_run_missed_by_a_two_hour_restart_records_one_change_not_one_per_minute(tg, pm):
    _pause_at(tg, pm, "2026-06-02T18:00")
    back = utc(2026, 6, 2, 18, 0)

    for minute in range(5):  # the beat comes back and goes on every minute
        run_due(now=back + dt.timedelta(minutes=minute))

    assert RemoteChange.objects.count() == 1


def test_a_daily_repeat_missed_for_days_catches_up_once_to_its_next_run(tg, pm):
    quota = quota_of(tg, goal=500, cap=100)
    data = {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "step": "50", "limit": "400", "repeat": "daily"}
    schedule = _pause_at(tg, pm, "2026-06-02T08:00", **data)

    run_due(now=utc(2026, 6, 5, 10, 30))  # down from the 2nd to the 5th, back at 12:30 Berlin
    run_due(now=utc(2026, 6, 5, 10, 31))

    assert [c.payload["traffic_cap"] for c in RemoteChange.objects.order_by("pk")] == [150]
    schedule.refresh_from_db()
    assert (schedule.local_date, schedule.run_at) == (dt.date(2026, 6, 6), utc(2026, 6, 6, 6, 0))


def test_every_few_hours_catches_up_to_the_next_future_run(tg, pm):
    schedule = _pause_at(tg, pm, "2026-06-02T08:00", repeat="hours", every_hours="6")

    run_due(now=utc(2026, 6, 2, 19, 0))  # due 06:00 UTC, missed 12:00 and 18:00 too

    assert RemoteChange.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.run_at == utc(2026, 6, 3, 0, 0)
    assert schedule.state == "running"


@pytest.mark.parametrize(
    ("first_day", "before_utc", "after_day", "after_utc"),
    [
        # Autumn: 08:00 in summer time is 06:00 UTC; the day after the change, 08:00 is 07:00 UTC.
        (dt.date(2026, 10, 24), utc(2026, 10, 24, 6, 0), dt.date(2026, 10, 25), utc(2026, 10, 25, 7, 0)),
        # Spring: 08:00 in winter time is 07:00 UTC; the day of the change, 08:00 is 06:00 UTC.
        (dt.date(2027, 3, 27), utc(2027, 3, 27, 7, 0), dt.date(2027, 3, 28), utc(2027, 3, 28, 6, 0)),
    ],
)
def test_a_daily_repeat_stays_at_08_00_in_berlin_across_a_daylight_saving_change(
    tg, pm, first_day, before_utc, after_day, after_utc
):
    quota = quota_of(tg, goal=1000, cap=100)
    data = {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "step": "50", "limit": "400", "repeat": "daily"}
    form, schedule = ask(tg, pm, {"at": f"{first_day}T08:00", **data}, now=before_utc - dt.timedelta(days=1))
    assert schedule.run_at == before_utc, form.errors

    run_due(now=before_utc)
    schedule.refresh_from_db()
    assert (schedule.local_date, schedule.run_at) == (after_day, after_utc)

    assert run_due(now=after_utc - dt.timedelta(minutes=1)) == 0
    run_due(now=after_utc)

    changes = list(RemoteChange.objects.order_by("pk"))
    assert [c.payload["traffic_cap"] for c in changes] == [150, 200]
    assert changes[1].summary.endswith(f"for {after_day:%a %d %b %Y} 08:00 {BERLIN}")


def test_a_raise_stops_at_its_limit(tg, pm):
    quota = quota_of(tg, goal=500, cap=300)
    data = {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "step": "60", "limit": "400", "repeat": "daily"}
    schedule = _pause_at(tg, pm, "2026-06-02T08:00", **data)

    for day in (2, 3, 4):
        run_due(now=utc(2026, 6, day, 6, 0))

    assert [c.payload["traffic_cap"] for c in RemoteChange.objects.order_by("pk")] == [360, 400]
    schedule.refresh_from_db()
    assert (schedule.state, schedule.message) == ("done", "Reached 400, its limit.")


def test_two_runners_record_one_change_per_due_run(tg, pm):
    """On SQLite one writer at a time: the second runner finds the run done. (Threads on PostgreSQL:
    test_concurrency_postgres.)"""
    _pause_at(tg, pm, "2026-06-02T18:00")
    now = utc(2026, 6, 2, 16, 0)

    assert run_due(now=now) + run_due(now=now) == 1

    assert RemoteChange.objects.count() == 1
    assert ScheduledRun.objects.count() == 1


class WorkerKilled(BaseException):
    """The process dies: nothing after it runs, and its open transaction is rolled back."""


def test_a_run_that_dies_before_its_change_is_recorded_leaves_nothing_and_runs_once_after(tg, pm):
    from django.db.models.signals import pre_save

    schedule = _pause_at(tg, pm, "2026-06-02T18:00")
    now = utc(2026, 6, 2, 16, 0)

    def die(sender, **kwargs):
        assert ScheduledRun.objects.filter(schedule=schedule).exists()  # the run's row is written by now
        raise WorkerKilled

    pre_save.connect(die, sender=RemoteChange)
    try:
        with pytest.raises(WorkerKilled):
            run_due(now=now)
    finally:
        pre_save.disconnect(die, sender=RemoteChange)

    assert not ScheduledRun.objects.exists()
    assert not RemoteChange.objects.exists()
    schedule.refresh_from_db()
    assert schedule.state == "scheduled"

    run_due(now=now + dt.timedelta(minutes=1))
    run_due(now=now + dt.timedelta(minutes=2))

    assert RemoteChange.objects.count() == 1
    assert ScheduledRun.objects.get().change == RemoteChange.objects.get()


def test_a_change_the_supplier_cannot_take_when_it_runs_fails_in_words_and_records_nothing(tg, pm):
    schedule = _pause_at(tg, pm, "2026-06-02T18:00")
    tg.status = "paused"
    tg.save(update_fields=["status"])

    run_due(now=utc(2026, 6, 2, 16, 0))

    assert not RemoteChange.objects.exists()
    schedule.refresh_from_db()
    assert schedule.state == "failed"
    assert "cannot be paused" in schedule.message
    assert ScheduledRun.objects.get().message == schedule.message


def test_a_cancelled_schedule_never_runs(tg, pm):
    schedule = _pause_at(tg, pm, "2026-06-02T18:00")
    ScheduledChange.objects.filter(pk=schedule.pk).update(state="cancelled")

    run_due(now=utc(2026, 6, 2, 16, 0))

    assert not RemoteChange.objects.exists()


def test_a_cint_fielding_run_is_paused_through_its_run_as_a_click_would(pm):
    from fielding.models import FieldingRun
    from projects.tests.factories import TargetGroupFactory

    cint = TargetGroupFactory()
    run = FieldingRun.objects.create(target_group=cint, remote_id="RUN-1", status="Live", etag='W/"7"')
    form, schedule = ask(cint, pm, {"action": "run:pause", "at": "2026-06-02T18:00"}, now=ASKED)
    assert schedule is not None, form.errors

    run_due(now=utc(2026, 6, 2, 16, 0))

    change = RemoteChange.objects.get()
    assert change.kind == "pause_fielding_run"
    assert change.payload == {"fielding_run": run.pk, "run_id": "RUN-1", "from_status": "Live", "to_status": "Paused"}
    assert change.requested_by == pm


def test_a_filling_goal_is_set_at_its_time(pm):
    from projects.tests.factories import TargetGroupFactory

    cint = TargetGroupFactory(filling_goal=500)
    form, schedule = ask(cint, pm, {"action": "filling_goal", "value": "650", "at": "2026-06-02T18:00"}, now=ASKED)
    assert schedule is not None, form.errors

    run_due(now=utc(2026, 6, 2, 16, 0))

    assert RemoteChange.objects.get().payload == {"filling_goal": 650}


def test_a_daily_pause_that_finds_the_survey_paused_goes_on_to_the_next_day(tg, pm):
    schedule = _pause_at(tg, pm, "2026-06-02T18:00", repeat="daily")
    tg.status = "paused"
    tg.save(update_fields=["status"])

    run_due(now=utc(2026, 6, 2, 16, 0))
    tg.status = "live"
    tg.save(update_fields=["status"])
    run_due(now=utc(2026, 6, 3, 16, 0))

    assert [c.summary.split(" — ")[1] for c in RemoteChange.objects.all()] == [
        "scheduled by Pat Manager for Wed 03 Jun 2026 18:00 Europe/Berlin"
    ]
    assert "cannot be paused" in ScheduledRun.objects.get(due_at=utc(2026, 6, 2, 16, 0)).message
    schedule.refresh_from_db()
    assert (schedule.state, schedule.run_at) == ("running", utc(2026, 6, 4, 16, 0))


def test_a_cint_cpi_is_changed_with_its_currency_and_a_rate_card_one_is_refused_when_asked(pm):
    from projects.tests.factories import TargetGroupFactory

    dynamic = TargetGroupFactory(pricing_model="dynamic", cpi_currency="EUR")
    rate_card = TargetGroupFactory(pricing_model="rate_card")
    data = {"action": "cpi", "value": "3.25", "at": "2026-06-02T18:00"}

    form, refused = ask(rate_card, pm, data, now=ASKED)
    _, schedule = ask(dynamic, pm, data, now=ASKED)
    run_due(now=utc(2026, 6, 2, 16, 0))

    assert refused is None
    assert "is priced by its rate card, so its CPI cannot be set" in form.errors["value"][0]
    change = RemoteChange.objects.get()
    assert (change.kind, change.payload) == ("set_cost_per_interview", {"value": "3.2500", "currency_code": "EUR"})


def test_the_beat_runs_the_task_every_minute_and_the_task_records_what_is_due(tg, pm):
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from config.tasks import task

    entry = PeriodicTask.objects.get(task="schedules.tasks.run_due")
    assert (entry.enabled, entry.interval.every, entry.interval.period) == (True, 60, "seconds")
    asked = timezone.now() - dt.timedelta(hours=1)
    typed = (asked + dt.timedelta(minutes=30)).astimezone(dt.timezone(dt.timedelta(hours=2)))
    form, schedule = ask(
        tg, pm, {"action": "status:pause", "at": f"{typed:%Y-%m-%dT%H:%M}"}, now=asked, zone="Etc/GMT-2"
    )
    assert schedule is not None, form.errors

    assert task("schedules.tasks.run_due").delay().get() == 1

    assert RemoteChange.objects.get().kind == "change_status"


def test_an_interlock_cell_goal_is_set_at_its_time(pm):
    from projects.tests.factories import TargetGroupFactory
    from quotas.models import InterlockCell, InterlockedProfile

    cint = TargetGroupFactory(filling_goal=500)
    interlock = InterlockedProfile.objects.create(target_group=cint, remote_id="IL-1", name="AGE × GENDER")
    cell = InterlockCell.objects.create(
        interlocked_profile=interlock, remote_id="C-1", text="18-24, Male", completes_goal=40
    )
    data = {"action": "quota_goal", "quota": f"cell-{cell.pk}", "value": "60", "at": "2026-06-02T18:00"}
    form, schedule = ask(cint, pm, data, now=ASKED)
    assert schedule is not None, form.errors
    assert schedule.summary == "Set a quota's goal: “AGE × GENDER: 18-24, Male” to 60"

    run_due(now=utc(2026, 6, 2, 16, 0))

    change = RemoteChange.objects.get()
    assert (change.kind, change.payload, change.profile) == ("set_quota_goals", {"goals": {"C-1": 60}}, None)


def test_a_repeat_on_a_target_group_that_has_completed_stops_and_says_why(tg, pm):
    schedule = _pause_at(tg, pm, "2026-06-02T18:00", repeat="daily")
    tg.status = "completed"
    tg.save(update_fields=["status"])

    run_due(now=utc(2026, 6, 2, 16, 0))
    run_due(now=utc(2026, 6, 3, 16, 0))

    assert not RemoteChange.objects.exists()
    schedule.refresh_from_db()
    assert schedule.state == "done"
    assert schedule.message == f"“{tg.name}” is completed: nothing more is sent for this schedule."
    assert ScheduledRun.objects.count() == 1
