"""Spend across a CPI change, driven end to end: a PureSpectrum survey in the sandbox fills, the pull sync
mirrors it, the beat records an interval; the PM's CPI change is applied at PureSpectrum through the outbox,
more respondents complete, the next interval is recorded. Spend equals the supplier's own completes, each
priced at the offer price they came under."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from costs.models import TargetGroupFigures
from costs.recording import record_costs
from costs.summary import target_group_cost
from projects.demo_purespectrum import launch_surveys
from quotas.history.recording import record_snapshot
from sandbox.models import PsSurvey, PsTransaction
from sandbox.purespectrum.simulation import step
from sync.intents import request_change
from sync.tests.test_purespectrum_sandbox_flow import adapter, send, survey, sync  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def completes_at_supplier(sid):
    return PsTransaction.objects.filter(survey_id=sid, outcome="complete").count()


def fill(sid, rng, at_least):
    """Respondents come until the survey has at least `at_least` more completes than now."""
    start = completes_at_supplier(sid)
    for _ in range(200):
        if completes_at_supplier(sid) >= start + at_least:
            return
        step(timezone.now(), rng)
    raise AssertionError("the sandbox's respondents did not complete")


def test_spend_across_a_cpi_change_at_purespectrum(adapter):  # noqa: F811
    (sid,) = launch_surveys(adapter.client, 1, prefix="Spend")
    rng = random.Random(5)
    fill(sid, rng, 3)
    sync(adapter)
    tg = survey("Spend 1")
    first_cpi = PsSurvey.objects.get(pk=sid).offer_price
    before = completes_at_supplier(sid)
    assert tg.current_completes == before and tg.cpi == first_cpi
    now = timezone.now()
    record_snapshot(now)
    record_costs(now)

    change = request_change("set_cpi", connection=adapter.connection, target_group=tg, payload={"cpi": "3.75"})
    assert send(adapter, change).state == "applied"
    fill(sid, rng, 3)
    sync(adapter)
    later = now + timedelta(minutes=2)
    record_snapshot(later)
    record_costs(later)

    after = completes_at_supplier(sid)
    expected = (before * Decimal(first_cpi) + (after - before) * Decimal("3.75")).quantize(Decimal("0.01"))
    figures = TargetGroupFigures.objects.get(target_group=tg)
    assert figures.completes == after
    assert figures.spend == expected
    tg.refresh_from_db()
    goal = tg.filling_goal
    assert figures.projected_spend == expected + max(0, goal - after) * Decimal("3.75")
    assert target_group_cost(tg).spend == expected
