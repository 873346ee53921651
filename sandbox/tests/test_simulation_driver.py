"""The shared respondent simulation: the driver and how respondents arrive and end."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from sandbox import simulation


def test_no_one_arrives_once_the_goal_is_met():
    rng = random.Random(1)
    assert simulation.entrants_for(100, 100, 0.5, rng) == 0
    assert 1 <= simulation.entrants_for(100, 99, 0.5, rng, seconds=600) <= simulation.MAX_ENTRANTS_PER_STEP


def test_respondents_arrive_at_the_pace_that_fills_a_goal_in_the_configured_hours(settings):
    settings.SANDBOX_FILL_HOURS = 12
    rng = random.Random(5)
    # goal 400 at 50 % incidence: 400 completes in 12 h need 400 / 0.5 / 0.95 entrants (drops)
    per_hour = 400 / 12 / 0.5 / 0.95
    hour_of_steps = [simulation.entrants_for(400, 0, 0.5, rng) for _ in range(360 * 20)]
    assert sum(hour_of_steps) / 20 == pytest.approx(per_hour, rel=0.05)
    assert hour_of_steps.count(0) > len(hour_of_steps) / 2  # most ten-second steps see no one
    minutes = [simulation.entrants_for(400, 0, 0.5, rng, seconds=60) for _ in range(60 * 20)]
    assert sum(minutes) / 20 == pytest.approx(per_hour, rel=0.05)


def test_an_entrant_is_found_within_the_step_through_a_supply_partner():
    now = timezone.now()
    moment, supplier_id = simulation.arrive(now, random.Random(1))
    assert 0 <= (now - moment).total_seconds() <= simulation.STEP_SECONDS
    rng = random.Random(2)
    moments = [simulation.arrive(now, rng, seconds=600)[0] for _ in range(200)]
    assert all(now - dt.timedelta(seconds=600) <= moment <= now for moment in moments)
    assert max(now - moment for moment in moments) > dt.timedelta(seconds=300)
    assert supplier_id in simulation.SUPPLIERS


def test_respondents_end_as_drops_completes_or_terminates():
    rng = random.Random(3)
    ends = [simulation.finish(0.5, 10, rng) for _ in range(300)]
    assert {status for status, _ in ends} == {simulation.DROP, simulation.COMPLETE, simulation.TERMINATE}
    assert all(seconds is None for status, seconds in ends if status == simulation.DROP)
    assert all(seconds >= 6 * 60 for status, seconds in ends if status == simulation.COMPLETE)


@pytest.mark.django_db
def test_the_driver_steps_each_supplier_part_on_one_clock(monkeypatch):
    monkeypatch.setitem(simulation.PARTS, "stand-in", f"{__name__}.stand_in_step")
    now = timezone.now()
    summaries = simulation.simulate_parts(now, random.Random(1), deliver=False, seconds=60)
    assert set(summaries) == set(simulation.PARTS) and {"cint", "stand-in"} <= set(summaries)
    assert summaries["stand-in"] == {"now": now, "seconds": 60}
    assert simulation.simulate_parts(now, deliver=False, suppliers=["cint"]).keys() == {"cint"}


def stand_in_step(now, rng, *, deliver, seconds):
    return {"now": now, "seconds": seconds}
