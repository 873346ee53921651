"""The quota grid in a real browser, against the sandbox behind `live_server`: on a target group of each
supplier its first row is on the first screen (1400×900); on a PureSpectrum survey a PM edits three current
targets with Tab and one save, sees them applied and reads them back from PureSpectrum, and sees the
survey's completes chart and each quota's projected finish. Skips like `test_browser.py` without Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.demo import seed_supplier
from projects.demo_purespectrum import DEMO, LIVE
from projects.models import TargetGroup
from quotas.history.recording import record_snapshot
from quotas.models import Quota
from quotas.tasks import refresh_row_figures
from sandbox.models import PsSurvey
from sandbox.purespectrum.simulation import step
from sync.adapters import adapter_for
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client

from .test_browser import WAIT, log_in, page, sandbox, screenshot  # noqa: F401
from .test_browser_audience_align import live_survey  # noqa: F401
from .test_browser_purespectrum import purespectrum  # noqa: F401

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIRST_SCREEN = {"width": 1400, "height": 900}


def first_row_on_first_screen(page, live_server, tg, pm):
    page.set_viewport_size(FIRST_SCREEN)
    log_in(page, live_server.url + tg.get_absolute_url(), pm)
    first = page.locator("#quota-grid tbody tr:not(.group-head)").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= FIRST_SCREEN["height"], box
    return first


def test_the_grids_first_row_is_on_the_first_screen_for_cint(sandbox, live_server, pm, page):  # noqa: F811
    adapter = adapter_for(sandbox)
    seed_supplier(adapter, wait_seconds=20, log=lambda line: None)
    sync_connection(sandbox, adapter=adapter)
    tg = TargetGroup.objects.get(name="US parents")

    first_row_on_first_screen(page, live_server, tg, pm)
    screenshot(page, "grid-cint.png")


def test_the_grids_first_row_is_on_the_first_screen_for_audience_align(live_survey, live_server, pm, page):  # noqa: F811
    tg, _client = live_survey
    first_row_on_first_screen(page, live_server, tg, pm)


def test_pm_edits_three_current_targets_with_tab_and_one_save_on_purespectrum(
    purespectrum,  # noqa: F811
    live_server,
    pm,
    page,  # noqa: F811
):
    client = supplier_client(purespectrum)
    survey_id = client.create_survey(DEMO[0][0]).data["ps_survey_id"]
    client.set_status(survey_id, LIVE)
    assert sync_connection(purespectrum).error_count == 0
    tg = TargetGroup.objects.get(remote_id=str(survey_id))
    quotas = {q.remote_id: q for q in Quota.objects.filter(profile__target_group=tg)}

    first_row_on_first_screen(page, live_server, tg, pm)
    page.locator("#grid-edit").click()
    wanted = {"male": 150, "female": 140, "age-18-34": 120}
    page.locator(f"#target-quota-{quotas['male'].pk}").fill(str(wanted["male"]))
    # Tab moves on: the next row's goal, then its current target.
    for remote_id in ("female", "age-18-34"):
        page.keyboard.press("Tab")
        expect(page.locator(f"#goal-quota-{quotas[remote_id].pk}")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator(f"#target-quota-{quotas[remote_id].pk}")).to_be_focused()
        page.keyboard.press("Control+a")
        page.keyboard.type(str(wanted[remote_id]))
    page.locator("#grid-save").click()

    badge = page.locator("#profiles .grid-tools .change-result")
    expect(badge).to_contain_text("current targets")
    expect(badge.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    at_supplier = {q["buyer_quota_id"]: q["quantities"]["current_target"] for q in client.list_quotas(survey_id).data}
    assert {rid: at_supplier[rid] for rid in wanted} == wanted
    for remote_id, target in wanted.items():
        expect(page.locator(f"#quota-{quotas[remote_id].pk} td").nth(2)).to_have_text(str(target))
    screenshot(page, "grid-purespectrum.png")


def test_pm_sees_a_purespectrum_surveys_chart_and_each_quotas_projected_finish(
    purespectrum,  # noqa: F811
    live_server,
    pm,
    page,  # noqa: F811
):
    import random

    tg = TargetGroup.objects.get(name="Browser wave 1")
    now = timezone.now()
    rng = random.Random(4)
    # Fills arrive over the day: the cockpit records where each quota stands as they come.
    for hours in (6, 4, 2, 0):
        while PsSurvey.objects.get(pk=tg.remote_id).completes < 30 * (7 - hours // 2 - 2):
            step(timezone.now(), rng)
        assert sync_connection(purespectrum).error_count == 0
        record_snapshot(now - timedelta(hours=hours))
    # The survey went live eight hours ago, before the first of those points (the sandbox's began just now).
    TargetGroup.objects.filter(pk=tg.pk).update(
        fielding_start_at=now - timedelta(hours=8), fielding_end_at=now + timedelta(days=7)
    )
    refresh_row_figures(now.isoformat())  # what the beat does after the snapshot

    log_in(page, live_server.url + tg.get_absolute_url(), pm)
    female = Quota.objects.get(profile__target_group=tg, remote_id="female")
    finish = page.locator(f"#quota-{female.pk} td").nth(9)
    expect(finish).not_to_have_text("too early")
    expect(finish).not_to_have_text("–")
    page.locator("#section-pace > summary").click()
    expect(page.locator("#pace #completes-chart")).to_be_visible()
    expect(page.locator("#pace #completes-chart circle.finish")).to_have_count(1)
    screenshot(page, "grid-purespectrum-chart.png")
