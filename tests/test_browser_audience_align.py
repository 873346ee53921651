"""A project manager in a real browser on an Audience-Align survey: interlock GENDER × AGE on a live
survey, set one combination's goal, see it applied, and find it so at the sandbox; reconcile the survey
after reading what the list does, and see Audience-Align's answer come without a reload.

Same fixtures and helpers as `tests/test_browser.py` (Chromium through Playwright, the sandbox
behind `live_server`, Celery eager); skipped the same way where Chromium is missing.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.audience_align.surveys import refresh_master_data
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from sandbox.audience_align.wire import ensure_client
from sandbox.faults import set_faults
from sandbox.models import AaReconciliation, AaRespondent, AaSurvey
from suppliers.audience_align import AudienceAlignTransport
from sync.adapters import adapter_for
from sync.pull import sync_connection

from .test_browser import WAIT, confirm, download_csv, log_in, page, screenshot  # noqa: F401  (fixtures and helpers)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_ID, KEY = "browser-client", "browser-key"
GENDER = {
    "question_id": 43,
    "conditions_kind": "selection_conditions_details_template",
    "conditions": [{"id": "1", "text": "Male"}, {"id": "2", "text": "Female"}],
}
AGE = {
    "question_id": 42,
    "conditions_kind": "range_conditions_details_template",
    "conditions": [
        {"id": "18-34", "text": "18-34", "min": 18, "max": 34},
        {"id": "35-54", "text": "35-54", "min": 35, "max": 54},
    ],
}


@pytest.fixture
def live_survey(live_server, settings, monkeypatch):
    """An active Audience-Align survey with GENDER and AGE, at the sandbox and in the cockpit."""
    settings.SITE_URL = live_server.url
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = CLIENT_ID, KEY
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(AudienceAlignTransport, "backoff_seconds", 0)
    from django.core.cache import cache

    cache.clear()
    ensure_client(CLIENT_ID, KEY)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, lost_response_rate=0.0, latency_ms=0, retry_after_seconds=0)
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id=CLIENT_ID, label="Audience-Align")
    adapter = adapter_for(connection)
    today = timezone.localdate()
    spec = {
        "name": "AA browser survey", "country_id": "229", "language_id": "5", "audience": "b2c",
        "incidence_rate": 40, "loi": 10, "cpi": "2.50", "completes": 400, "start": today.isoformat(),
        "end": (today + timezone.timedelta(days=20)).isoformat(),
        "live_url": "https://s.example.com/?uid=[identifier]", "test_url": "https://s.example.com/?uid=[identifier]",
        "qualifications": [GENDER, AGE],
    }  # fmt: skip
    survey = adapter.create_survey(spec).target_group
    adapter.client.set_survey_status(survey.remote_id, "1")
    assert sync_connection(connection, adapter=adapter).error_count == 0
    tg = TargetGroup.objects.get(remote_id=survey.remote_id)
    assert tg.status == TargetGroup.Status.LIVE
    yield tg, adapter.client
    adapter.close()


def test_pm_interlocks_gender_and_age_and_sets_one_combination_s_goal(live_survey, live_server, pm, page):  # noqa: F811
    tg, client = live_survey

    log_in(page, live_server.url + tg.get_absolute_url(), pm)
    expect(page.get_by_role("heading", name="AA browser survey")).to_be_visible()
    form = page.locator("#interlock-form")
    form.get_by_label("GENDER").check()
    form.get_by_label("AGE").check()
    expect(page.locator("#id_interlock_goal")).to_have_count(0)  # Audience-Align splits its own goal
    form.get_by_role("button", name="Interlock", exact=True).click()

    interlock = page.locator("tbody[id^='interlock-']")
    expect(interlock).to_have_count(1, timeout=WAIT)
    expect(interlock).to_contain_text("GENDER × AGE")
    expect(interlock.get_by_role("cell", name="Female, 35-54")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="Remove interlock")).to_have_count(0)

    # The grid's edit mode: one cell's goal leaves the cells short of the survey's goal, said before sending.
    page.locator("#grid-edit").click()
    interlock.get_by_label("Goal of Male, 18-34").fill("77")
    page.locator("#grid-save").click()
    expect(page.locator("#profiles .warning").first).to_contain_text("add up to")
    page.locator("#grid-confirm").click()
    badge = page.locator("#profiles .grid-tools .change-result")
    expect(badge.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    expect(badge).to_contain_text("Change 1 goal")
    screenshot(page, "audience-align-interlock.png")

    # Totals only at Audience-Align: the pace in words in its section; the quotas CSV has the new cell goal.
    expect(page.locator("#pace")).to_contain_text("Audience-Align reports totals only")
    expect(page.locator("#pace")).to_contain_text("/day to finish by")
    page.reload()
    rows = download_csv(page, page.locator("#quotas-csv"))
    cell = next(row for row in rows if row["Quota"] == "Male, 18-34")
    assert cell["Kind"] == "interlock cell" and cell["Goal"] == "77"

    combinations = client.get_interlocking(tg.remote_id).data["data"]["combinations"]
    assert {c["option"]: c["quota"] for c in combinations}["Male,18-34"] == "77"
    assert [c["quota"] for c in combinations if c["option"] != "Male,18-34"] == ["100", "100", "100"]


def test_pm_deactivates_then_closes_an_audience_align_survey_after_confirming(live_survey, live_server, pm, page):  # noqa: F811
    tg, client = live_survey

    log_in(page, live_server.url + tg.get_absolute_url(), pm)
    panel = page.locator("#status-panel")
    panel.get_by_role("button", name="Deactivate").click()
    expect(panel.locator("#survey-status")).to_have_text("Paused", timeout=WAIT)
    expect(panel.get_by_role("button", name="Activate")).to_be_visible()

    said = confirm(page, "Close", "Yes, close")
    assert "Closing is final" in said
    expect(panel.locator("#survey-status")).to_have_text("Closed", timeout=WAIT)
    expect(panel.get_by_role("button")).to_have_count(0)
    assert AaSurvey.objects.get(project_id=tg.remote_id).status == 5  # closed at the supplier


def test_pm_reconciles_an_audience_align_survey_after_reading_what_the_list_does_and_sees_the_answer_come(
    live_survey,
    live_server,
    settings,
    pm,
    page,  # noqa: F811
):
    settings.SANDBOX_JOB_SECONDS = 0
    tg, client = live_survey
    survey = AaSurvey.objects.get(project_id=tg.remote_id)
    for i in range(4):
        AaRespondent.objects.create(survey=survey, uid=f"aa-complete-{i}", status="complete")
    AaSurvey.objects.filter(pk=survey.pk).update(completes=4, entrants=4)
    assert sync_connection(tg.project.connection).error_count == 0

    log_in(page, live_server.url + reverse("reconciliations:survey", args=[tg.pk]), pm)
    form = page.locator("#survey-reconciliation-form")
    form.get_by_label("UIDs, one per line").fill("aa-complete-0\naa-complete-1\naa-complete-2\nnot-a-complete")
    form.get_by_label("Contact e-mail").fill("pm@example.com")
    form.get_by_role("button", name="Check the list").click()

    preview = page.locator("#reconciliation-preview")
    expect(preview).to_contain_text("4 UIDs listed. Audience-Align does not tell the cockpit which UIDs are completes")
    expect(preview).to_contain_text("The survey has 4 completes")
    expect(preview).to_contain_text(
        "the completes not listed are not approved, none if the list holds all 4, one more for each it misses."
    )
    assert not AaReconciliation.objects.exists()
    preview.get_by_role("button", name="Yes, send the 4 UIDs").click()

    expect(form).to_contain_text("4 UIDs are being sent to the supplier.")
    row = page.locator("#survey-reconciliations tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Complete", timeout=WAIT)
    expect(row).to_contain_text("3 accepted")
    expect(row).to_contain_text("Needs manual review")
    expect(row).to_contain_text("The supplier did not approve 1 of the 4 completes.")
    assert AaReconciliation.objects.get().request_uids == [*(f"aa-complete-{i}" for i in range(3)), "not-a-complete"]


def test_pm_picks_a_qualification_then_its_answers_and_adds_it(live_survey, live_server, pm, page):  # noqa: F811
    tg, client = live_survey
    refresh_master_data(tg.project.connection)  # the standard qualifications the form offers

    log_in(page, live_server.url + reverse("quotas:section", args=[tg.pk, "audience-align"]), pm)
    form = page.locator("#aa-qualification-form")
    expect(form.locator("#aa-qualification-answers input")).to_have_count(0)  # no answers before a question
    form.get_by_label("Qualification", exact=True).select_option(label="REGION")
    answers = form.locator("#aa-qualification-answers")
    expect(answers.get_by_label("Northeast")).to_be_visible(timeout=WAIT)
    expect(answers.locator("input[name='q_639']")).to_have_count(0)  # only the chosen question's answers
    answers.get_by_label("West", exact=True).check()
    form.get_by_role("button", name="Add qualification").click()

    expect(page.locator("#aa-panel .badge").first).to_have_text("Applied", timeout=WAIT)
    qualifications = client.list_qualifications(tg.remote_id).data["qualifications_data"]
    region = next(q for q in qualifications if q["title"] == "REGION")
    assert [c["condition_name"] for c in region["conditions"]] == ["West"]
