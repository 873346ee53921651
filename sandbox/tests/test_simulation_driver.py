"""The shared respondent simulation: the driver and how respondents arrive and end."""

import random

import pytest
from django.utils import timezone

from sandbox import simulation


def test_no_one_arrives_once_the_goal_is_met():
    rng = random.Random(1)
    assert simulation.entrants_for(100, 100, 0.5, rng) == 0
    assert 1 <= simulation.entrants_for(100, 99, 0.5, rng) <= simulation.MAX_ENTRANTS_PER_STEP


def test_an_entrant_arrives_in_the_last_ten_seconds_through_a_supply_partner():
    now = timezone.now()
    entered_at, supplier_id = simulation.arrive(now, random.Random(1))
    assert 0 <= (now - entered_at).total_seconds() <= 10
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
    summaries = simulation.simulate_parts(now, random.Random(1), deliver=False)
    assert set(summaries) == set(simulation.PARTS) and {"cint", "stand-in"} <= set(summaries)
    assert summaries["stand-in"] == {"now": now}
    assert simulation.simulate_parts(now, deliver=False, suppliers=["cint"]).keys() == {"cint"}


def stand_in_step(now, rng, *, deliver):
    return {"now": now}
