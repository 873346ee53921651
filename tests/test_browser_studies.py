"""A project manager in a real browser makes a study fielded at three suppliers, against the sandboxes behind
`live_server`: a Cint target group, a PureSpectrum survey and an Audience-Align survey, each with a quota per
gender and respondents already in. The PM makes the study, types its plan, attaches the three with the
picker, confirms the proposed mapping, reads the combined grid (a cell's combined achieved is the sum of the
suppliers'), moves goal from Cint to PureSpectrum, sees both parts applied, and the test reads both goals back
from their sandboxes. Goals half typed in "Allocate" meanwhile are still there when the parts have settled.
Skips like `test_browser.py` without Chromium."""

import datetime
import random
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox.audience_align.wire import ensure_client
from sandbox.models import PsQuota
from sandbox.models import Quota as CintQuota
from sandbox.simulation import simulate_parts
from studies.models import Study
from suppliers.audience_align import AudienceAlignTransport
from sync.adapters import adapter_for
from sync.pull import sync_connection
from sync.tests.sandbox import launch_target_groups, supplier_client

from .test_browser import WAIT, log_in, page, sandbox, screenshot  # noqa: F401  (fixtures and helpers)
from .test_browser_audience_align import CLIENT_ID, GENDER, KEY
from .test_browser_purespectrum import purespectrum  # noqa: F401  (a fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the page fixture skips
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CINT_GENDER = 43  # Cint's gender question


@pytest.fixture
def audience_align(live_server, settings, monkeypatch):
    """An active Audience-Align survey with a quota of 100 per gender, at the sandbox and in the cockpit."""
    settings.AUDIENCE_ALIGN_BASE_URL = live_server.url + "/sandbox/audience-align/v1"
    settings.AUDIENCE_ALIGN_CLIENT_ID, settings.AUDIENCE_ALIGN_KEY = CLIENT_ID, KEY
    monkeypatch.setattr(AudienceAlignTransport, "backoff_seconds", 0)
    ensure_client(CLIENT_ID, KEY)
    connection = ConnectionFactory(kind=SupplierKind.AUDIENCE_ALIGN, account_id=CLIENT_ID, label="Audience-Align")
    adapter = adapter_for(connection)
    today = timezone.localdate()
    spec = {
        "name": "AA study survey", "country_id": "229", "language_id": "5", "audience": "b2c",
        "incidence_rate": 40, "loi": 10, "cpi": "2.50", "completes": 200, "start": today.isoformat(),
        "end": (today + datetime.timedelta(days=20)).isoformat(),
        "live_url": "https://s.example.com/?uid=[identifier]", "test_url": "https://s.example.com/?uid=[identifier]",
        "qualifications": [GENDER],
        "quotas": [{"question_id": 43, "condition": option, "goal": 100} for option in ("1", "2")],
    }  # fmt: skip
    survey = adapter.create_survey(spec).target_group
    adapter.client.set_survey_status(survey.remote_id, "1")
    adapter.close()
    return connection


@pytest.fixture
def three(sandbox, purespectrum, audience_align):  # noqa: F811
    """A live target group at each supplier with a quota per gender, respondents let in for a while at all
    three, and each mirrored by a sync: {supplier: target group}."""
    cint_client = supplier_client(sandbox)
    launch_target_groups(cint_client, 1, prefix="Study Cint")
    cint_client.transport.session.close()  # no idle keep-alive connection left for the live server to trip on
    rng, start = random.Random(22), timezone.now() + datetime.timedelta(hours=3)
    for step in range(10):  # the Cint target group's fielding starts a moment after it is launched
        simulate_parts(start + datetime.timedelta(seconds=10 * step), rng, deliver=False,
                       suppliers=["cint", "purespectrum", "audience_align"])  # fmt: skip
    for connection in (sandbox, purespectrum, audience_align):
        run = sync_connection(connection)
        assert run.error_count == 0, run.errors
    return {
        "cint": TargetGroup.objects.get(name="Study Cint 1"),
        "purespectrum": TargetGroup.objects.get(name="Browser wave 1"),
        "audience_align": TargetGroup.objects.get(name="AA study survey"),
    }


def figures_of(row):
    """The numbers in a grid row's cells, "–" kept as None: [Study goal, (Goal, Achieved, Pace, Finish) per
    target group…, Combined achieved, Need, …]."""
    texts = row.locator("td").all_inner_texts()
    return [int(text.replace(",", "")) if re.fullmatch(r"[\d,]+", text.strip()) else None for text in texts]


def test_pm_makes_a_study_of_three_suppliers_moves_goal_and_reads_it_back(three, live_server, pm, page):  # noqa: F811
    cint, ps, aa = three["cint"], three["purespectrum"], three["audience_align"]
    cint_male = Quota.objects.get(profile__target_group=cint, profile__question_id=CINT_GENDER, text="Male")
    assert cint_male.completes_goal == 100 and cint_male.completes > 0

    # The study: name, goal, field dates; then its plan, a cell per gender.
    log_in(page, live_server.url + reverse("studies:create"), pm)
    form = page.locator("#study-form")
    form.locator("#id_name").fill("US adults by gender")
    form.locator("#id_goal").fill("600")
    now = timezone.now()
    form.locator("#id_field_start").fill(now.strftime("%Y-%m-%dT%H:%M"))
    form.locator("#id_field_end").fill((now + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Make the study").click()
    expect(page.get_by_role("heading", name="Quota plan of “US adults by gender”")).to_be_visible()
    page.get_by_label("Dimensions and their bands").fill("Gender: Male, Female")
    page.get_by_role("button", name="Show the cells").click()
    page.get_by_label("Male", exact=True).fill("300")
    page.get_by_label("Female", exact=True).fill("300")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("heading", name="US adults by gender")).to_be_visible()
    expect(page.locator("#study-plan")).to_contain_text("2 cells")

    # The three target groups, each found by the picker and attached.
    for tg in (cint, ps, aa):
        page.locator("#attach-q").fill(tg.name)
        row = page.locator("#attach-results tr", has_text=tg.name)
        row.get_by_role("button", name="Attach").click()
        expect(page.locator("#study-target-groups li", has_text=tg.name)).to_be_visible()

    # The mapping the cockpit proposed: each supplier's gender quotas count for the gender cells.
    page.locator("#study-mapping-section > summary").click()
    rows = page.locator("#mapping-rows tbody tr")
    expect(rows.first).to_be_visible()
    for tg in (cint, ps, aa):
        for gender in ("Male", "Female"):
            mapped = rows.filter(has_text=tg.name).filter(has_text=f": {gender}")
            expect(mapped.locator("select[name=cell] option:checked")).to_have_text(gender)
    page.locator("#confirm-all").click()
    expect(page.locator("#confirm-all")).to_have_count(0)
    for tg in (cint, ps, aa):
        expect(rows.filter(has_text=tg.name).filter(has_text=": Male")).to_contain_text("confirmed")

    # The combined grid: per cell each supplier's goal and achieved as mirrored, and their sum combined.
    page.reload()
    male = Study.objects.get(name="US adults by gender").cells.get(label="Male")
    male_row = page.locator(f"#cell-{male.pk}")
    figures = figures_of(male_row)
    goals, achieved = figures[1:13:4], figures[2:13:4]
    male_quotas = [
        Quota.objects.get(profile__target_group=tg, text="Male", profile__question_id__in=[CINT_GENDER, 211])
        for tg in (cint, ps, aa)
    ]
    assert goals == [q.completes_goal for q in male_quotas] == [100, 100, 100]
    assert achieved == [q.completes for q in male_quotas] and all(done > 0 for done in achieved)
    assert figures[13] == sum(achieved)  # combined achieved
    assert figures[14] == 300 - sum(achieved)  # need
    screenshot(page, "study-grid.png")

    # Goals half typed in "Allocate": nothing below may wipe them.
    page.locator("#study-allocate-section > summary").click()
    typed = page.locator(f"#id_goal-{male.pk}-{aa.pk}")
    expect(typed).to_have_value("100")
    typed.fill("135")

    # Move 20 of Male from Cint to PureSpectrum: Cint's lowering, then PureSpectrum's raise, both applied.
    page.locator("#study-move-section > summary").click()
    move = page.locator("#move-form")
    move.locator("#move-n").fill("20")
    move.locator("#move-cell").select_option(label="Male")
    move.locator("#move-from_tg").select_option(label=f"{cint.name} (Cint Exchange)")
    move.locator("#move-to_tg").select_option(label=f"{ps.name} (PureSpectrum)")
    move.get_by_role("button", name="Move").click()
    expect(page.locator("#move-message")).to_contain_text("Plan change asked: Move 20 of Male")
    plan = page.locator("#study-plan-changes article").first
    expect(plan).to_contain_text("Move 20 of Male")
    parts = plan.locator("li")
    expect(parts).to_have_count(2)
    expect(parts.nth(0)).to_contain_text("Lower")
    expect(parts.nth(1)).to_contain_text("Raise")
    for part in (parts.nth(0), parts.nth(1)):
        expect(part.locator(".badge")).to_have_text("Applied", timeout=WAIT)
    expect(plan.locator("h3 .badge")).to_have_text("Applied", timeout=WAIT)
    # A change settling re-draws the plan changes from fresh data; what is typed in "Allocate" stays.
    with page.expect_response(lambda answer: answer.url.endswith(reverse("studies:plans", args=[male.study_id]))):
        page.evaluate("htmx.trigger(document.body, 'change-settled')")
    expect(page.locator("#study-plan-changes article").first.locator("h3 .badge")).to_have_text("Applied")
    expect(typed).to_have_value("135")
    screenshot(page, "study-move.png")

    # Read back from each sandbox: Cint's male quota lowered by 20, PureSpectrum's raised by 20.
    assert CintQuota.objects.get(pk=cint_male.remote_id).completes_goal == 80
    ps_male = PsQuota.objects.get(survey_id=ps.remote_id, buyer_quota_id="male")
    assert ps_male.required_count == 120
