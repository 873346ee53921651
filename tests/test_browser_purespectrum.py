"""A project manager in a real browser on a PureSpectrum survey, against the sandbox behind
`live_server`: lower a quota's current target, see it applied, and read it back from PureSpectrum;
stop traffic to another quota with one confirmed click; reconcile the survey after reading what the list
does to its completes. Skips like `test_browser.py` without Chromium."""

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox.faults import set_faults
from sandbox.models import PsAdjustment, PsSurvey
from sandbox.purespectrum.simulation import step
from suppliers.purespectrum import PureSpectrumTransport
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client

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

    # Lower the current target of Female in the grid's edit mode: the badge polls until PureSpectrum applied it.
    grid = page.locator("#profiles")
    grid.locator("#grid-edit").click()
    grid.get_by_label("Current target of Female").fill("60")
    grid.locator("#grid-save").click()
    lowered = grid.locator(".grid-tools .change-result", has_text="Change 1 current target")
    expect(lowered.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    expect(page.locator(f"#quota-{female.pk} td").nth(2)).to_have_text("60")
    assert quota_at_purespectrum(purespectrum, tg, "female")["quantities"]["current_target"] == 60

    # A current target above the quantity is refused next to the field, the input kept, nothing sent.
    grid.locator("#grid-edit").click()
    grid.get_by_label("Current target of Female").fill("150")
    grid.locator("#grid-save").click()
    expect(grid.locator(f"#target-quota-{female.pk}-error")).to_contain_text("cannot be above the quota's quantity")
    expect(grid.get_by_label("Current target of Female")).to_have_value("150")
    grid.locator("#grid-cancel").click()

    # Lock Male: one click, confirmed, and its current target becomes what it achieved.
    confirmed = accept_next_dialog(page)
    page.locator(f"#lock-quota-{male.pk}").click()
    stop = grid.locator(".change-result", has_text="Stop traffic to “Male”")
    expect(stop.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    assert confirmed and confirmed[0].startswith("Lock “Male”? Its current target becomes 0")
    at_supplier = quota_at_purespectrum(purespectrum, tg, "male")
    assert at_supplier["quantities"]["current_target"] == at_supplier["quantities"]["achieved"] == 0
    assert at_supplier["locked"] is True
    expect(page.locator(f"#quota-{male.pk}")).to_contain_text("Locked")
    screenshot(page, "purespectrum.png")

    # Totals only at PureSpectrum: its pace in words, in its section; the quotas CSV has the current targets.
    expect(page.locator("#pace")).to_contain_text("PureSpectrum reports totals only")
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


def test_pm_sees_what_a_list_of_invented_ids_would_do_confirms_it_and_follows_it_without_a_reload(
    purespectrum,
    live_server,
    settings,
    pm,
    page,  # noqa: F811  (the imported fixture)
):
    settings.SANDBOX_JOB_SECONDS = 0
    tg = TargetGroup.objects.get(name="Browser wave 1")
    rng = random.Random(2)
    while PsSurvey.objects.get(pk=tg.remote_id).completes < 12:
        step(timezone.now(), rng)
    assert sync_connection(purespectrum).error_count == 0
    completes = supplier_client(purespectrum).get_performance(tg.remote_id).data["completes_fielded"]

    log_in(page, live_server.url + reverse("reconciliations:survey", args=[tg.pk]), pm)
    form = page.locator("#survey-reconciliation-form")
    form.get_by_label("Transaction ids, one per line").fill("made-up-1\nmade-up-2\nmade-up-3")
    form.get_by_role("button", name="Check the list").click()

    # Nothing is sent before the PM has read, in numbers, that every complete would be rejected.
    preview = page.locator("#reconciliation-preview")
    expect(preview).to_contain_text("3 transaction ids listed. PureSpectrum does not tell the cockpit")
    expect(preview).to_contain_text(f"at least {completes - 3} of the {completes}, become rejections")
    expect(preview).to_contain_text("This list leaves out most of the survey's completes.")
    assert not PsAdjustment.objects.exists()
    screenshot(page, "purespectrum-reconciliation-preview.png")
    preview.get_by_role("button", name="Yes, send the 3 transaction ids").click()

    # The list shows among the submitted ones at once, and follows PureSpectrum until it is done.
    expect(form).to_contain_text("3 transaction ids are being sent to the supplier.")
    row = page.locator("#survey-reconciliations tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Complete", timeout=WAIT)
    expect(row).to_contain_text(f"The supplier rejected {completes} of the {completes} completes.")
    assert PsAdjustment.objects.get().transaction_ids == ["made-up-1", "made-up-2", "made-up-3"]

    # The counts follow PureSpectrum's, and the dashboard flags the rejection.
    tg.refresh_from_db()
    assert (
        tg.current_completes
        == supplier_client(purespectrum).get_performance(tg.remote_id).data["completes_fielded"]
        == 0
    )
    page.goto(live_server.url + reverse("projects:dashboard"))
    expect(page.locator("#active-target-groups")).to_contain_text(
        f"rejected {completes} of the {completes} completes. If that was not meant, submit the right list."
    )
