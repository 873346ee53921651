"""A project manager in a real browser reads the pace of fieldwork, against the sandbox behind
`live_server`: twenty minutes after a launch it is too early to tell (and the chart's completes
label stays clear of its axis); after days it is the pace of the last day, as the supplier's own
respondents give it; a live PureSpectrum survey starts when PureSpectrum launched it and is paced
from then. Same fixtures and helpers as `tests/test_browser.py`; skipped the same way without Chromium."""

import random
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.demo import seed_supplier
from projects.demo_purespectrum import launch_surveys
from projects.models import TargetGroup
from sandbox import models as at_supplier
from sandbox.purespectrum.simulation import step as purespectrum_step
from sandbox.simulation import simulate_parts
from sync.adapters import adapter_for
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client as client_for

from .test_browser import WAIT, log_in, page, sandbox, screenshot  # noqa: F401  (fixtures and helpers)
from .test_browser_purespectrum import purespectrum  # noqa: F401  (the fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PACE = re.compile(r"At this pace \(([\d,.]+)/day over the last ([^)]+)\)")
LIVE = at_supplier.TargetGroup.Status.LIVE


def fielded_alone(name, started, moments):
    """At the supplier `name`'s run started at `started`, and respondents came to it (and to no other
    target group) at each of `moments`: the supplier's own state after that fieldwork."""
    remote = at_supplier.TargetGroup.objects.get(name=name)
    at_supplier.FieldingRun.objects.filter(target_group=remote).update(start_at=started)
    at_supplier.TargetGroup.objects.filter(pk=remote.pk).update(start_at=started)
    others = list(
        at_supplier.TargetGroup.objects.filter(status=LIVE).exclude(pk=remote.pk).values_list("pk", flat=True)
    )
    at_supplier.TargetGroup.objects.filter(pk__in=others).update(status=at_supplier.TargetGroup.Status.PAUSED)
    dice = random.Random(11)
    try:
        for moment in moments:
            simulate_parts(moment, dice, deliver=False, suppliers=["cint"])
    finally:
        at_supplier.TargetGroup.objects.filter(pk__in=others).update(status=LIVE)
    return at_supplier.TargetGroup.objects.get(pk=remote.pk)


def finished_before(remote, moment):
    return at_supplier.Respondent.objects.filter(target_group=remote, status="complete", finished_at__lt=moment).count()


def boxes_overlap(a, b):
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and (b["y"] < a["y"] + a["height"])
    )


def test_pm_reads_a_cint_pace_too_early_after_launch_and_the_last_days_after_three(sandbox, live_server, pm, page):  # noqa: F811
    adapter = adapter_for(sandbox)
    seed_supplier(adapter, wait_seconds=20, log=lambda line: None)
    now = timezone.now()
    older = fielded_alone(
        "US adults 18-54", now - timedelta(days=3), [now - timedelta(hours=h) for h in range(70, 6, -8)]
    )
    young = fielded_alone(
        "UK dog owners", now - timedelta(minutes=20), [now - timedelta(minutes=m) for m in (18, 14, 10)]
    )
    assert young.completes >= 10  # enough completes: only the time is too short
    sync_connection(sandbox, adapter=adapter)

    # Twenty minutes in: too early to tell, no finish projected, and the completes label clear of the axis.
    tg = TargetGroup.objects.get(name="UK dog owners")
    assert tg.current_completes == young.completes
    log_in(page, live_server.url + tg.get_absolute_url(), pm)
    summary = page.locator("#completes-summary")
    expect(summary).to_contain_text(f"Too early to tell the pace: {young.completes} completes in 2", timeout=WAIT)
    expect(summary).to_contain_text("a pace is told from 2 hours and 10 completes.")
    expect(summary).not_to_contain_text("At this pace")
    expect(page.locator("#projected-line")).to_have_count(0)
    chart = page.locator("#completes-chart")
    label = chart.locator("#cumulative-label")
    expect(label).to_have_text(str(young.completes))
    label_box = label.bounding_box()
    axis_labels = chart.locator("g.axis text")
    for i in range(axis_labels.count()):
        assert not boxes_overlap(label_box, axis_labels.nth(i).bounding_box()), axis_labels.nth(i).text_content()
    screenshot(page.locator("#fielding-stats"), "pace-too-early.png")

    # Three days in: the pace of the last day (from the start of the daily interval that began a day
    # ago), counted from the supplier's own respondents.
    tg = TargetGroup.objects.get(name="US adults 18-54")
    page.goto(live_server.url + tg.get_absolute_url())
    expect(page.locator("#completes-summary")).to_contain_text("At this pace (", timeout=WAIT)
    per_day, window = PACE.search(page.locator("#completes-summary").inner_text()).groups()
    window_start = now - timedelta(days=1)  # the run started three days ago: its third daily interval
    in_window = older.completes - finished_before(older, window_start)
    elapsed_days = (timezone.now() - window_start) / timedelta(days=1)
    assert window == "24 hours"
    assert float(per_day.replace(",", "")) == pytest.approx(in_window / elapsed_days, abs=0.2)
    assert in_window < older.completes  # not the average since the start
    expect(page.locator("#completes-summary")).to_contain_text(f"{older.completes} of {tg.filling_goal} completes.")


def test_pm_sees_a_purespectrum_survey_start_when_purespectrum_launched_it(purespectrum, live_server, pm, page):  # noqa: F811
    client = client_for(purespectrum)
    older = TargetGroup.objects.get(name="Browser wave 1")
    launched = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    at_supplier.PsSurvey.objects.filter(pk=older.remote_id).update(launched_at=launched)
    dice = random.Random(5)
    for hours in range(70, 4, -6):
        purespectrum_step(timezone.now() - timedelta(hours=hours), dice)
    (young_id,) = launch_surveys(client, 1, prefix="Young wave")
    at_supplier.PsSurvey.objects.filter(pk=young_id).update(launched_at=timezone.now() - timedelta(minutes=20))
    purespectrum_step(timezone.now(), dice)
    assert sync_connection(purespectrum).error_count == 0

    # Three days in field: the start is PureSpectrum's launch, the end its field time later, the pace since then.
    survey = at_supplier.PsSurvey.objects.get(pk=older.remote_id)
    log_in(page, live_server.url + reverse("quotas:section", args=[older.pk, "pace"]), pm)  # the pace's section
    header = page.locator("#tg-header")
    expect(header).to_contain_text(timezone.localtime(launched).strftime("%-d %b %Y %H:%M"))
    expect(header).to_contain_text(timezone.localtime(launched + timedelta(days=14)).strftime("%-d %b %Y %H:%M"))
    expect(header).not_to_contain_text("Not scheduled")
    pace = page.locator("#pace")
    expect(pace).to_contain_text(f"{survey.completes} of 200 completes")
    per_day, window = PACE.search(pace.inner_text()).groups()
    elapsed_days = (timezone.now() - launched) / timedelta(days=1)
    assert window == "3 days"
    assert float(per_day.replace(",", "")) == pytest.approx(survey.completes / elapsed_days, abs=0.2)
    expect(pace).not_to_contain_text("No start date is known")
    screenshot(page.locator("#pace"), "pace-purespectrum.png")

    # Twenty minutes after its launch: too early to tell.
    young = TargetGroup.objects.get(remote_id=str(young_id))
    page.goto(live_server.url + young.get_absolute_url())
    expect(page.locator("#pace")).to_contain_text("Too early to tell the pace")
    expect(page.locator("#pace")).not_to_contain_text("At this pace")
