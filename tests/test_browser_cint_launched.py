"""A project manager changes a live Cint target group's CPI in a real browser (Chromium through
Playwright), against the sandbox behind `live_server`: the pricing panel loads with the rate
card, the change goes through the outbox, and the page shows it applied with the CPI the
supplier answered. Reuses the fixtures and helpers of `tests/test_browser.py`."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.demo import seed_supplier
from projects.models import TargetGroup
from sync.adapters import adapter_for
from sync.models import RemoteChange
from sync.pull import sync_connection

from .test_browser import WAIT, log_in, page, sandbox, screenshot  # noqa: F401  (fixtures)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the `page` fixture skips the test and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_changes_a_live_target_groups_cpi_and_sees_it_applied(sandbox, live_server, pm, page):  # noqa: F811
    adapter = adapter_for(sandbox)
    client = adapter.client
    seed_supplier(adapter, wait_seconds=20, log=lambda line: None)
    sync_connection(sandbox, adapter=adapter)
    tg = TargetGroup.objects.get(name="US parents")
    assert tg.status == TargetGroup.Status.LIVE and tg.pricing_model == TargetGroup.PricingModel.DYNAMIC
    before = tg.cpi

    # The price and rate card are a section of the page, opened by its own URL.
    log_in(page, live_server.url + reverse("quotas:section", args=[tg.pk, "launched-settings"]), pm)
    pricing = page.locator("#pricing-panel")
    expect(pricing.locator("#current-cpi")).to_have_text(f"{before:.2f} USD")  # the panel has loaded
    expect(pricing.locator("#rate-card-cell")).to_be_visible()
    new = (before + Decimal("0.35")).quantize(Decimal("0.01"))
    pricing.get_by_label("New CPI (USD)").fill(str(new))
    pricing.get_by_role("button", name="Change CPI").click()

    # The badge polls until the supplier applied the change; the panel then shows the CPI it answered.
    expect(pricing.locator(".change-result .badge")).to_have_text("Applied", timeout=WAIT)
    expect(page.locator("#pricing-panel #current-cpi")).to_have_text(f"{new:.2f} USD")
    expect(page.locator("#tg-header")).to_contain_text(f"{new:.2f} USD")
    screenshot(page, "cint-cpi.png")

    change = RemoteChange.objects.get(target_group=tg, kind="set_cost_per_interview")
    assert change.state == RemoteChange.State.APPLIED
    overview = client.get_target_group_overview(tg.project.remote_id, tg.remote_id).data
    assert Decimal(overview["current_cost_per_interview"]["value"]) == new  # read back from the supplier
