"""A study's scheduled plan change runs once, at its time in the PM's zone, through `request_plan_change`:
nothing the minute before; the minute of, one plan change said to be scheduled by the PM for that time; one
(not one per missed minute) after a restart; a daily move at 08:00 in Berlin on both sides of a clock change;
a close that finds no room left is done, saying so."""

import datetime as dt

import pytest

from notifications.models import Notification
from schedules.models import ScheduledChange, ScheduledRun
from schedules.running import run_due
from schedules.telling import tell_ended_runs
from studies.models import PlanChange, PlanPart
from sync.models import RemoteChange

from .helpers import utc
from .study_helpers import ask_on_study, male_study, move_data

pytestmark = pytest.mark.django_db

ASKED = utc(2026, 6, 1, 9, 0)


@pytest.fixture
def male():
    return male_study()


def _close_at(study, cell, pm, local, now=ASKED):
    form, schedule = ask_on_study(study, pm, {"action": "study:close_cell", "cell": cell.pk, "at": local}, now=now)
    assert schedule is not None, form.errors
    return schedule


def test_nothing_is_recorded_the_minute_before(male, pm):
    study, cell, _, _ = male
    _close_at(study, cell, pm, "2026-06-05T18:00")  # 16:00 UTC in Berlin's summer

    assert run_due(now=utc(2026, 6, 5, 15, 59)) == 0

    assert not PlanChange.objects.exists() and not RemoteChange.objects.exists()


def test_closing_a_cell_the_minute_of_sets_every_suppliers_goal_to_what_it_achieved(male, pm):
    study, cell, cint, ps = male
    schedule = _close_at(study, cell, pm, "2026-06-05T18:00")

    assert run_due(now=utc(2026, 6, 5, 16, 0)) == 1

    plan = PlanChange.objects.get()
    assert (plan.study, plan.origin, plan.requested_by) == (study, PlanChange.Origin.SCHEDULE, pm)
    assert (
        plan.summary
        == "Close Male at every supplier — scheduled by Pat Manager for Fri 05 Jun 2026 18:00 Europe/Berlin"
    )
    parts = {part.target_group_id: part for part in PlanPart.objects.filter(plan_change=plan)}
    assert parts[cint.profile.target_group_id].goals == {cint.remote_id: 120}
    assert parts[ps.profile.target_group_id].goals == {ps.remote_id: 50}
    changes = RemoteChange.objects.order_by("pk")
    assert [(c.kind, c.state, c.requested_by) for c in changes] == [("set_quota_figures", "pending", pm)] * 2
    assert all("scheduled by Pat Manager for Fri 05 Jun 2026 18:00" in c.summary for c in changes)
    schedule.refresh_from_db()
    assert schedule.state == "done"
    assert ScheduledRun.objects.get(schedule=schedule).plan_change == plan


def test_a_run_missed_by_a_restart_records_one_plan_change_not_one_per_minute(male, pm):
    study, cell, cint, ps = male
    ask_on_study(study, pm, move_data(cell, cint, ps, 50, "2026-06-05T18:00"), now=ASKED)
    back = utc(2026, 6, 5, 18, 0)  # two hours late

    for minute in range(5):
        run_due(now=back + dt.timedelta(minutes=minute))

    plan = PlanChange.objects.get()
    assert plan.summary.startswith("Move 50 of Male from cint US (Cint Exchange) to purespectrum US (PureSpectrum)")
    assert RemoteChange.objects.get().payload == {"goals": {cint.remote_id: 250}, "targets": {}}  # the lowering


@pytest.mark.parametrize(
    ("first_day", "before_utc", "after_day", "after_utc"),
    [
        (dt.date(2026, 10, 24), utc(2026, 10, 24, 6, 0), dt.date(2026, 10, 25), utc(2026, 10, 25, 7, 0)),
        (dt.date(2027, 3, 27), utc(2027, 3, 27, 7, 0), dt.date(2027, 3, 28), utc(2027, 3, 28, 6, 0)),
    ],
)
def test_a_daily_move_stays_at_08_00_in_berlin_across_a_daylight_saving_change(
    pm, first_day, before_utc, after_day, after_utc
):
    study, cell, cint, ps = male_study(field_start=utc(2026, 6, 1, 0, 0), field_end=utc(2027, 6, 1, 0, 0))
    data = move_data(cell, cint, ps, 10, f"{first_day}T08:00", repeat="daily")
    form, schedule = ask_on_study(study, pm, data, now=before_utc - dt.timedelta(days=1))
    assert schedule.run_at == before_utc, form.errors

    run_due(now=before_utc)
    schedule.refresh_from_db()
    assert (schedule.local_date, schedule.run_at, schedule.state) == (after_day, after_utc, "running")
    assert run_due(now=after_utc - dt.timedelta(minutes=1)) == 0
    run_due(now=after_utc)

    plans = list(PlanChange.objects.order_by("pk"))
    assert len(plans) == 2
    assert plans[1].summary.endswith(f"for {after_day:%a %d %b %Y} 08:00 Europe/Berlin")


def test_a_close_that_finds_no_room_left_is_done_and_says_so(male, pm):
    study, cell, cint, ps = male
    schedule = _close_at(study, cell, pm, "2026-06-05T18:00")
    type(cint).objects.filter(pk__in=[cint.pk, ps.pk]).update(completes_goal=50, completes=50)

    run_due(now=utc(2026, 6, 5, 16, 0))

    schedule.refresh_from_db()
    assert schedule.state == "done"
    assert schedule.message == "“Male” has no room left at any supplier: nothing more to close."
    assert not PlanChange.objects.exists()


def test_a_move_the_supplier_can_no_longer_take_fails_with_the_reason(male, pm):
    study, cell, cint, ps = male
    _, schedule = ask_on_study(study, pm, move_data(cell, cint, ps, 150, "2026-06-05T18:00"), now=ASKED)
    type(cint).objects.filter(pk=cint.pk).update(completes=200)  # it filled meanwhile: 300 - 150 < 200

    run_due(now=utc(2026, 6, 5, 16, 0))

    schedule.refresh_from_db()
    assert schedule.state == ScheduledChange.State.FAILED
    assert "has achieved 200 in “Male”: its goal cannot go below that (asked 150)" in schedule.message
    assert not RemoteChange.objects.exists()


def test_the_pm_hears_a_refused_run_once_with_the_reason_and_a_link_to_the_study(male, pm):
    study, cell, cint, ps = male
    _, schedule = ask_on_study(study, pm, move_data(cell, cint, ps, 150, "2026-06-05T18:00"), now=ASKED)
    type(cint).objects.filter(pk=cint.pk).update(completes=200)
    run_due(now=utc(2026, 6, 5, 16, 0))

    assert tell_ended_runs() == 1 and tell_ended_runs() == 0

    told = Notification.objects.get(user=pm)
    assert told.kind == "scheduled_failed" and told.link == study.get_absolute_url()
    assert told.text.startswith(f"The change scheduled on the study “{study.name}” was not sent: ")


def test_a_pending_plan_change_is_not_told_until_it_settles(male, pm):
    study, cell, _, _ = male
    _close_at(study, cell, pm, "2026-06-05T18:00")
    run_due(now=utc(2026, 6, 5, 16, 0))

    assert tell_ended_runs() == 0
    RemoteChange.objects.update(state=RemoteChange.State.APPLIED)
    assert tell_ended_runs() == 1
    told = Notification.objects.get(user=pm)
    assert told.kind == "scheduled_done" and "Close Male at every supplier" in told.text
