"""A project manager in a real browser schedules a pause of a PureSpectrum survey a minute ahead, against the
sandbox behind `live_server`; when its minute comes the beat's task records it, the outbox sends it and the
page shows it applied without a click; the PM then reads the notification that it was done. Skips like
`test_browser.py` without Chromium."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import TargetGroup
from sandbox.models import PsSurvey
from schedules.tasks import run_due

from .test_browser import WAIT, log_in, page, screenshot  # noqa: F401
from .test_browser_purespectrum import purespectrum  # noqa: F401

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_schedules_a_pause_a_minute_ahead_sees_it_applied_and_reads_that_it_was(
    purespectrum,  # noqa: F811
    live_server,
    pm,
    page,  # noqa: F811
):
    tg = TargetGroup.objects.get(name="Browser wave 1")
    log_in(page, live_server.url + reverse("quotas:section", args=[tg.pk, "schedules"]), pm)

    # A whole minute 30 to 90 seconds ahead, in the PM's zone (the cockpit's default, UTC, for this PM): never so
    # close that it has passed by the time a busy machine has sent the form.
    due = (timezone.now() + timedelta(seconds=90)).replace(second=0, microsecond=0)
    page.locator("#new-schedule").click()
    form = page.locator("#schedule-form")
    form.locator("#id_action").select_option(label="Pause")
    form.locator("#id_at").fill(due.strftime("%Y-%m-%dT%H:%M"))
    form.locator("#save-schedule").click()
    expect(page.locator("#schedules-panel")).to_contain_text("Scheduled:")

    # The beat, every minute: nothing before its minute; at its minute the change is recorded and sent.
    assert run_due() == 0
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 1)
    assert run_due() == 1

    # Without a click: the changes section polls and shows it applied at PureSpectrum.
    latest = page.locator("#changes tbody tr").first
    expect(latest).to_contain_text("scheduled by", timeout=WAIT)
    expect(latest).to_contain_text("Applied", timeout=WAIT)
    assert PsSurvey.objects.get(pk=tg.remote_id).status == PsSurvey.Status.PAUSED
    screenshot(page, "scheduled-pause.png")

    # The next beat tells the PM who asked; the notification is in the cockpit's list.
    run_due()
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.locator("main")).to_contain_text("Done as scheduled on “Browser wave 1”")
