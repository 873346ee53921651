"""A project manager in a real browser on a PureSpectrum survey, against the sandbox behind
`live_server`: lower a quota's current target, see it applied, and read it back from PureSpectrum;
stop traffic to another quota with one confirmed click. Skips like `test_browser.py` without Chromium."""

import pytest

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox.faults import set_faults
from suppliers.purespectrum import PureSpectrumTransport
from sync.pull import sync_connection
from sync.suppliers import supplier_client

from .test_browser import WAIT, accept_next_dialog, confirm, download_csv, log_in, page, screenshot  # noqa: F401

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def purespectrum(live_server, settings, monkeypatch):
    settings.SITE_URL = live_server.url
    settings.PURESPECTRUM_BASE_URL = live_server.url + "/sandbox/purespectrum/buyers/v2"
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0)
    ensure_sandbox_buyer()
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    launch_surveys(supplier_client(connection), 1, prefix="Browser wave")
    assert sync_connection(connection).error_count == 0
    return connection


def quota_at_purespectrum(connection, tg, buyer_quota_id):
    quotas = supplier_client(connection).list_quotas(tg.remote_id).data
    return next(q for q in quotas if q["buyer_quota_id"] == buyer_quota_id)


def test_pm_lowers_a_current_target_and_stops_traffic_on_a_purespectrum_survey(
    purespectrum,
    live_server,
    pm,
    page,  # noqa: F811  (the imported fixture)
):
    tg = TargetGroup.objects.get(name="Browser wave 1")
    female = Quota.objects.get(profile__target_group=tg, remote_id="female")
    male = Quota.objects.get(profile__target_group=tg, remote_id="male")

    log_in(page, live_server.url + tg.get_absolute_url(), pm)
    expect(page.get_by_role("heading", name="Browser wave 1")).to_be_visible()
    block = page.locator(f"#profile-{female.profile_id}")
    expect(block).to_contain_text("Gender: Female")

    # Lower the current target of Female: the badge polls until PureSpectrum applied it.
    block.get_by_label("Current target of Female").fill("60")
    block.locator(f"#target-quota-{female.pk}").press("Enter")
    lowered = block.locator(".change-result", has_text="Set the current target of “Female” to 60")
    expect(lowered.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    expect(block.get_by_label("Current target of Female")).to_have_value("60")
    assert quota_at_purespectrum(purespectrum, tg, "female")["quantities"]["current_target"] == 60

    # A current target above the quantity is refused next to the field, the input kept.
    block.get_by_label("Current target of Female").fill("150")
    block.locator(f"#target-quota-{female.pk}").press("Enter")
    expect(block.locator(f"#target-quota-{female.pk}-error")).to_contain_text("cannot be above the quota's quantity")
    expect(block.get_by_label("Current target of Female")).to_have_value("150")

    # Stop traffic to Male: one click, confirmed, and its current target becomes what it achieved.
    confirmed = accept_next_dialog(page)
    block.locator(f"#stop-quota-{male.pk}").click()
    stop = block.locator(".change-result", has_text="Stop traffic to “Male”")
    expect(stop.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    assert confirmed and confirmed[0].startswith("Stop traffic to “Male”? Its current target becomes 0")
    at_supplier = quota_at_purespectrum(purespectrum, tg, "male")
    assert at_supplier["quantities"]["current_target"] == at_supplier["quantities"]["achieved"] == 0
    assert at_supplier["locked"] is True
    screenshot(page, "purespectrum.png")

    # Totals only at PureSpectrum: said in words, no chart; the quotas CSV has the current targets.
    expect(page.locator("#pace")).to_contain_text("PureSpectrum reports totals only")
    expect(page.locator("#completes-chart")).to_have_count(0)
    page.reload()
    rows = {row["Quota"]: row for row in download_csv(page, page.locator("#quotas-csv"))}
    assert rows["Female"]["Current target"] == "60" and rows["Male"]["Current target"] == "0"

    # Pause, then close: the status panel follows each once PureSpectrum applied it; closing asks first.
    panel = page.locator("#status-panel")
    panel.get_by_role("button", name="Pause").click()
    expect(panel.locator("#survey-status")).to_have_text("Paused", timeout=WAIT)
    expect(panel.get_by_role("button", name="Resume")).to_be_visible()
    said = confirm(page, "Close", "Yes, close")
    assert "A closed survey cannot be reopened" in said
    expect(panel.locator("#survey-status")).to_have_text("Closed", timeout=WAIT)
    expect(panel.locator(".change-result .badge")).to_have_text("Applied", timeout=WAIT)
    expect(panel.get_by_role("button")).to_have_count(0)
    assert supplier_client(purespectrum).get_survey(tg.remote_id).data["ps_survey_status"] == 44
