"""A project manager in a real browser (Chromium through Playwright), against the
sandbox behind `live_server`: the quota cockpit of a live target group, and a draft
built, launched and fielded through the fielding pages.

Celery runs eagerly (root conftest): a change the PM asks for is sent by the live
server's thread right after the request commits, and the page's polling shows the result.
"""

import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from projects.demo import seed_supplier
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Profile
from sandbox import models as at_supplier
from sandbox.faults import set_faults
from sandbox.seed import ensure_account
from sandbox.simulation import simulate_parts
from suppliers.cint import CintTransport
from sync.adapters import adapter_for
from sync.pull import sync_connection
from sync.tests.sandbox import supplier_client as client_for

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the marker's skip says why
    sync_playwright = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT_ID = "1001"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
WAIT = 20_000  # ms: the longest any page may take to show a result
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def sandbox(live_server, settings, monkeypatch):
    """The cockpit reaches the sandbox over HTTP on the live server, as it would reach Cint."""
    settings.SITE_URL = live_server.url
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = ACCOUNT_ID
    settings.SANDBOX_JOB_SECONDS = 0
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(CintTransport, "backoff_seconds", 0)
    from django.core.cache import cache

    cache.clear()
    ensure_account(ACCOUNT_ID)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, latency_ms=0, retry_after_seconds=0)
    return ConnectionFactory(account_id=ACCOUNT_ID)


@pytest.fixture
def page(monkeypatch):
    """A Chromium page; the test thread keeps using the ORM while Playwright's event loop runs."""
    if sync_playwright is None:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT)
        page = context.new_page()
        # Whatever the test does, the Content-Security-Policy refuses nothing the cockpit itself serves.
        refused = []
        page.on(
            "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else 0
        )
        yield page
        assert refused == [], "the Content-Security-Policy refused: " + "; ".join(refused)
        context.close()
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's connections apart from the
        # usual ones (asgiref's Local); close them here or PostgreSQL can't drop the test database.
        connections.close_all()


def log_in(page, url, user):
    """Open `url`; the login page comes first, then the page itself."""
    page.goto(url)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill("pw-" + user.username)
    page.get_by_role("button", name="Log in").click()


def accept_next_dialog(page):
    """Accept the next confirm dialog (htmx's hx-confirm); the list gets its message."""
    shown = []

    def accept(dialog):
        shown.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return shown


def confirm(page, button, answer=None):
    """Click `button`, see the cockpit's confirmation (a form of its own, not a browser dialog), and confirm it."""
    page.get_by_role("button", name=button, exact=True).click()
    box = page.locator("#confirm-box")
    expect(box).to_be_visible()
    text = box.inner_text()
    if answer:
        expect(box.locator("#confirm-yes")).to_have_text(answer)
    box.locator("#confirm-yes").click()
    return text


def slow_worker(monkeypatch):
    """From now on a change waits for `send_pending_changes`, as behind a busy worker: its badge polls meanwhile."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "memory://")
    # Publish through new connections, to the memory broker.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def send_pending_changes():
    """What the worker does: send every pending change, oldest first."""
    from django.db import OperationalError

    from sync.models import RemoteChange
    from sync.sending import process_change

    for _ in range(100):  # SQLite's shared test database may be locked by a poll of the live server for a moment
        try:
            pending = list(RemoteChange.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True))
            if not pending:
                return
            for pk in pending:
                process_change(pk)
        except OperationalError:
            continue
    raise AssertionError("the pending changes could not be sent")


def screenshot(page, name):
    """A full-page screenshot (or of one element, given a locator) into var/screenshots/ (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if hasattr(page, "bounding_box"):
        page.screenshot(path=str(SCREENSHOTS / name))
    else:
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def download_csv(page, link):
    """Click the CSV link `link` (a locator) and read the file the browser saved, row by row."""
    import csv

    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def supplier_profiles(client, tg):
    return client.list_profiles(tg.project.remote_id, tg.remote_id).data


def test_pm_disables_quotas_and_interlocks_profiles_in_the_cockpit(sandbox, live_server, pm, page):
    adapter = adapter_for(sandbox)
    client = adapter.client
    seed_supplier(adapter, wait_seconds=20, log=lambda line: None)
    sync_connection(sandbox, adapter=adapter)
    parents = TargetGroup.objects.get(name="US parents")
    assert parents.status == TargetGroup.Status.LIVE
    age = Profile.objects.get(target_group=parents, name="AGE")

    # Disable the quotas of one profile: confirm, then the badge polls until the supplier applied it.
    log_in(page, live_server.url + parents.get_absolute_url(), pm)
    expect(page.get_by_role("heading", name="US parents")).to_be_visible()
    block = page.locator(f"#profile-{age.pk}")
    confirmed = accept_next_dialog(page)
    block.get_by_role("button", name="Disable quotas").click()
    expect(block.locator(".change-result .badge")).to_have_text("Applied", timeout=WAIT)
    assert confirmed and confirmed[0].startswith("Disable quotas on AGE?")
    expect(block.get_by_role("button", name="Enable quotas")).to_be_visible()
    at_supplier = {p["id"]: p for p in supplier_profiles(client, parents)["data"]}
    assert at_supplier[age.remote_id]["quotas_enabled"] is False

    # Interlock AGE and GENDER with the prefilled goal, see the cells, then remove the interlock.
    adults = TargetGroup.objects.get(name="US adults 18-54")
    page.goto(live_server.url + adults.get_absolute_url())
    form = page.locator("#interlock-form")
    form.get_by_label("AGE").check()
    form.get_by_label("GENDER").check()
    expect(page.locator("#id_interlock_goal")).to_have_value(str(adults.filling_goal))
    form.get_by_role("button", name="Interlock", exact=True).click()
    interlock = page.locator("tbody[id^='interlock-']")
    expect(interlock).to_have_count(1, timeout=WAIT)
    expect(interlock.get_by_role("cell", name=", ").first).to_be_visible()
    expect(interlock).to_contain_text("Joins AGE, GENDER")
    assert "interlocked_profile" in supplier_profiles(client, adults)

    confirmed = accept_next_dialog(page)
    interlock.get_by_role("button", name="Remove interlock").click()
    expect(interlock).to_have_count(0, timeout=WAIT)
    assert confirmed and confirmed[0].startswith("Remove the interlock")
    assert "interlocked_profile" not in supplier_profiles(client, adults)
    expect(page.locator("#interlock-form")).to_be_visible()
    screenshot(page, "cockpit.png")


def test_pm_builds_launches_pauses_and_resumes_a_draft(sandbox, live_server, pm, page, monkeypatch):
    log_in(page, live_server.url + "/", pm)

    # A project, created at the supplier; its page offers a draft once the supplier has it.
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Project name").fill("Browser drinks")
    page.get_by_label("Project manager").select_option(label="Pat Manager <pat.manager@sandbox.invalid>")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Browser drinks")).to_be_visible()
    page.get_by_role("link", name="New draft target group").click()

    # The draft form: what a PM fills in; the rest keeps its defaults.
    page.get_by_label("Target group name").fill("US browser wave")
    page.get_by_label("Business unit").select_option(label="North America (USD)")
    page.get_by_label("Filling goal (completes)").fill("200")
    page.get_by_label("Expected length of interview (minutes)").fill("12")
    page.get_by_label("Expected incidence rate (%)").fill("40")
    page.get_by_label("CPI", exact=True).fill("2.50")
    page.get_by_label("Live survey link").fill("https://survey.example.com/s?rid=[%RID%]")
    page.get_by_label("Test survey link").fill("https://survey.example.com/s?rid=[%RID%]&test=1")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="US browser wave")).to_be_visible()

    # Profiling: AGE in two ranges, GENDER 50/50.
    page.get_by_role("link", name="Edit profiling").click()
    page.get_by_label("Add a question").select_option(label="AGE — What is your age?")
    page.get_by_role("button", name="Choose answers and quotas").click()
    for i, (low, high) in enumerate([(18, 34), (35, 54)], start=1):
        page.get_by_label(f"From, for range {i}").fill(str(low))
        page.get_by_label(f"To, for range {i}").fill(str(high))
        page.get_by_label(f"Quota for range {i}").fill("50")
    page.get_by_role("button", name="Save AGE").click()
    expect(page.locator("#profile-42")).to_contain_text("18 to 34")

    page.get_by_label("Add a question").select_option(label="GENDER — Are you...?")
    page.get_by_role("button", name="Choose answers and quotas").click()
    for answer in ("Male", "Female"):
        page.get_by_label(answer, exact=True).check()
        page.get_by_label(f"Quota for {answer}").fill("50")
    page.get_by_role("button", name="Save GENDER").click()
    expect(page.locator("#profile-43")).to_contain_text("Female")

    # Launch now: the job polls until it is done, and the panel shows the target group live.
    page.get_by_role("link", name="US browser wave").click()
    expect(page.locator("main")).to_contain_text("GENDER quotas on")
    said = confirm(page, "Launch", "Yes, launch now")
    assert "Launch “US browser wave” now?" in said and "Filling goal: 200 completes" in said
    expect(page.locator("#fielding-panel .job .badge")).to_have_text("Done", timeout=WAIT)
    expect(page.locator("#fielding-panel .job")).to_contain_text("The target group went live.")
    expect(page.locator("#run-status")).to_have_text("Live")
    expect(page.locator("#fielding-status")).to_have_text("Live", timeout=WAIT)

    # Pause and resume, each shown once the supplier applied it.
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#run-status")).to_have_text("Paused", timeout=WAIT)
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#run-status")).to_have_text("Live", timeout=WAIT)
    expect(page.locator("#fielding-status")).to_have_text("Live")
    screenshot(page, "fielding.png")

    # A new end date and Complete, asked while a worker that takes its time has sent neither: once the
    # supplier applied them, the panel and the header show the run completed and the new end, no reload.
    slow_worker(monkeypatch)
    end = timezone.localtime() + timezone.timedelta(days=10)
    page.get_by_label("New fielding end").fill(end.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Change end date").click()
    expect(page.locator("#fielding-panel .change-result .badge")).to_have_text("Pending")
    confirm(page, "Complete", "Yes, complete fielding")
    expect(page.locator("#fielding-panel .change-result .badge")).to_have_count(2)
    send_pending_changes()
    expect(page.locator("#changes tbody tr").first).to_contain_text("Applied", timeout=WAIT)
    expect(page.locator("#fielding-panel .change-result")).to_have_count(0, timeout=WAIT)
    expect(page.locator("#fielding-status")).to_have_text("Completed")
    expect(page.locator("#run-status")).to_have_text("Completed")
    expect(page.locator("#run-actions button")).to_have_text(["Relaunch"])
    expect(page.locator("#tg-header .badge.completed")).to_have_text("Completed")
    expect(page.locator("#tg-header")).to_contain_text(end.strftime("%-d %b %Y %H:%M"))

    tg = TargetGroup.objects.get(name="US browser wave")
    run = client_for(sandbox).get_fielding_run(tg.project.remote_id, tg.remote_id, tg.fielding_runs.get().remote_id)
    assert run.data["status"] == "Completed"


def fielded_for_days(connection, name, days=3):
    """`name` at the supplier has been fielding for `days` days: its run started then, and simulated
    respondents came at times since (the supplier's own state, as three days of fieldwork leave it)."""
    remote = at_supplier.TargetGroup.objects.get(name=name)
    started = timezone.now() - timedelta(days=days)
    at_supplier.FieldingRun.objects.filter(target_group=remote).update(start_at=started)
    at_supplier.TargetGroup.objects.filter(pk=remote.pk).update(start_at=started)
    dice = random.Random(7)
    for hours in range(2, 24 * days, 9):
        simulate_parts(started + timedelta(hours=hours), dice, deliver=False, suppliers=["cint"])


def test_pm_sees_the_dashboard_a_cockpit_and_completes_over_time(sandbox, live_server, pm, page):
    adapter = adapter_for(sandbox)
    client = adapter.client
    seed_supplier(adapter, wait_seconds=20, log=lambda line: None)
    fielded_for_days(sandbox, "US adults 18-54")
    sync_connection(sandbox, adapter=adapter)
    tg = TargetGroup.objects.get(name="US adults 18-54")
    daily = client.get_completes_by_interval(tg.project.remote_id, tg.remote_id, interval="P1D").data
    counts = [item["count"] for item in daily["aggregated_completes_intervals"]]
    assert len(counts) >= 3 and sum(counts) == tg.current_completes > 0 and tg.current_completes < tg.filling_goal

    log_in(page, live_server.url + "/", pm)
    expect(page.get_by_role("link", name="US adults 18-54").first).to_be_visible()
    screenshot(page, "dashboard.png")

    # The cockpit page: the fielding panel loads the supplier's completes over time as a chart.
    page.goto(live_server.url + tg.get_absolute_url())
    chart = page.locator("#completes-chart")
    expect(chart).to_be_visible(timeout=WAIT)  # the fielding panel loads it from the supplier after the page
    bars = chart.locator("rect")
    expect(bars).to_have_count(len(counts))
    assert bars.evaluate_all("rects => rects.map(r => Number(r.dataset.count))") == counts
    # Every interval with completes is drawn as a visible bar, taller for more completes.
    heights = [bars.nth(i).bounding_box()["height"] for i in range(len(counts))]
    assert all(h > 0 for h, c in zip(heights, counts, strict=True) if c)
    assert heights[counts.index(max(counts))] == max(heights)
    # The goal line says the target group's goal; the running total ends at the completes the stats report.
    expect(chart.locator("#goal-line text")).to_have_text(f"goal {tg.filling_goal}")
    expect(chart.locator(".cumulative-label")).to_have_text(str(tg.current_completes))
    expect(page.locator("#performance")).to_contain_text(f"Completes{tg.current_completes}")
    goal_y = chart.locator("#goal-line line").bounding_box()["y"]
    assert chart.locator("#cumulative-line").bounding_box()["y"] > goal_y  # below the goal: not reached yet
    expect(page.locator("#completes-summary")).to_contain_text(
        f"{tg.current_completes} of {tg.filling_goal} completes."
    )
    expect(page.locator("#completes-summary")).to_contain_text("/day to finish by")
    expect(page.locator("#completes-summary")).to_contain_text("At this pace (")
    expect(page.locator("#completes-csv")).to_be_visible()
    expect(page.locator("#quotas-csv")).to_be_visible()
    screenshot(page, "cockpit-us-adults.png")
    screenshot(page.locator("#fielding-panel"), "fielding-panel.png")

    # Hourly: the block re-renders with one bar per hour the supplier reports.
    hourly = client.get_completes_by_interval(tg.project.remote_id, tg.remote_id, interval="PT1H").data
    hours = [item["count"] for item in hourly["aggregated_completes_intervals"]]
    page.get_by_label("Completes per").select_option(label="Hourly")
    expect(page.locator("#completes-chart rect")).to_have_count(len(hours))
    assert sum(hours) == tg.current_completes
    screenshot(page.locator("#fielding-stats"), "completes-hourly.png")
