"""A live PureSpectrum survey's fielding dates and pace: its start is PureSpectrum's launch (the
performance read's ``survey_launch_*``), its end the close or the launch plus its field time; where
PureSpectrum gives no launch, its pace runs from when the cockpit first saw it live, over the
completes since. Read through the real client from the sandbox in-process, and at the wire."""

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.utils import timezone

from projects.demo_purespectrum import ensure_sandbox_buyer, launch_surveys
from projects.inprocess import in_process_session
from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from sandbox.models import PsSurvey
from sandbox.purespectrum.simulation import step
from suppliers.purespectrum import PureSpectrumTransport
from suppliers.purespectrum.client import CLOSED
from sync.adapters import adapter_for
from sync.pull import sync_connection, sync_target_group

pytestmark = pytest.mark.django_db
PACE = re.compile(r"At this pace \(([\d,.]+)/day over the last ([^)]+)\)")


@pytest.fixture
def adapter(settings):
    ensure_sandbox_buyer()
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="sandbox", label="PureSpectrum")
    adapter = adapter_for(connection, session=in_process_session())
    adapter.connection = connection
    return adapter


def sync(adapter):
    run = sync_connection(adapter.connection, adapter=adapter)
    assert run.error_count == 0, run.errors
    return run


def fielded_since(survey_id, launched_at, hours):
    """At the supplier, `survey_id` went live at `launched_at` and respondents came every few hours since."""
    PsSurvey.objects.filter(pk=survey_id).update(launched_at=launched_at)
    dice = random.Random(3)
    for hour in range(1, hours, 3):
        step(launched_at + timedelta(hours=hour), dice)
    return PsSurvey.objects.get(pk=survey_id)


def page(client, tg):
    return client.get(tg.get_absolute_url()).content.decode()


def test_a_live_survey_shows_purespectrums_launch_as_its_start_and_paces_from_it(adapter, pm_client):
    (sid,) = launch_surveys(adapter.client, 1, prefix="Launched", goal=2000)
    launched = timezone.now().replace(microsecond=0) - timedelta(days=3)
    at_supplier = fielded_since(sid, launched, 70)
    assert at_supplier.completes >= 10

    sync(adapter)

    tg = TargetGroup.objects.get(remote_id=str(sid))
    assert tg.fielding_start_at == launched
    assert tg.fielding_end_at == launched + timedelta(days=at_supplier.field_time)  # 14 days in field
    html = page(pm_client, tg)
    assert "Not scheduled" not in html and "No start date is known" not in html
    header = html[html.index('id="tg-header"') : html.index("</section>")]
    assert timezone.localtime(launched).strftime("%-d %b %Y %H:%M") in header
    # The pace is the supplier's completes over the time since its launch.
    per_day, window = PACE.search(html).groups()
    elapsed_days = (timezone.now() - launched) / timedelta(days=1)
    assert float(per_day.replace(",", "")) == pytest.approx(at_supplier.completes / elapsed_days, abs=0.06)
    assert window == "3 days"


def test_a_closed_survey_ends_when_purespectrum_closed_it(adapter):
    (sid,) = launch_surveys(adapter.client, 1, prefix="Closing")
    sync(adapter)
    adapter.client.set_status(sid, CLOSED)

    sync(adapter)

    tg = TargetGroup.objects.get(remote_id=str(sid))
    at_supplier = PsSurvey.objects.get(pk=sid)
    assert tg.status == "closed"
    # PureSpectrum's times are to the millisecond.
    assert abs(tg.fielding_start_at - at_supplier.launched_at) < timedelta(milliseconds=1)
    assert abs(tg.fielding_end_at - at_supplier.closed_at) < timedelta(milliseconds=1)


def test_a_survey_first_read_live_is_noted_with_its_completes_then(adapter):
    (sid,) = launch_surveys(adapter.client, 1, prefix="Noted")
    step(timezone.now(), random.Random(5))
    completes = PsSurvey.objects.get(pk=sid).completes

    before = timezone.now()
    sync(adapter)

    tg = TargetGroup.objects.get(remote_id=str(sid))
    assert tg.seen_live_at >= before and tg.completes_when_seen_live == completes
    seen = tg.seen_live_at
    sync_target_group(tg, adapter=adapter)
    tg.refresh_from_db()
    assert tg.seen_live_at == seen  # the first time only


# --- PureSpectrum answers without a launch -------------------------------------------------------

BASE = "https://ps.test/buyers/v2"


@pytest.fixture
def ps_wire(settings, monkeypatch):
    settings.PURESPECTRUM_BASE_URL = BASE
    monkeypatch.setattr(PureSpectrumTransport, "backoff_seconds", 0)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def survey_at_the_wire(wire, *, completes, performance_extra=None, status=22):
    body = {
        "ps_survey_id": 7654, "survey_title": "Wire survey", "ps_survey_status": status,
        "survey_localization": "en_US", "completes_required": 400, "offer_price": 2.5,
        "expected_ir": 50, "expected_loi": 10, "field_time": 10, "crtd_on": 1490011568138,
        "mod_on": 1490012784439 + completes, "qualifications": [], "quotas": [],
    }  # fmt: skip
    performance = {
        "ps_survey_id": 7654, "ps_survey_status": status, "completes_fielded": completes,
        "completes_required": 400, "current_cpi": 2.5, "starts": completes * 2,
        **(performance_extra or {}),
    }  # fmt: skip
    for url, json in (
        (f"{BASE}/surveys/7654", body),
        (f"{BASE}/surveys/7654/performance", performance),
        (f"{BASE}/surveys/7654/quotas", []),
    ):
        wire.upsert(responses.GET, url, json=json)


@pytest.fixture
def wire_survey(db):
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="wire", label="PureSpectrum")
    return TargetGroupFactory(
        project__connection=connection, project__remote_id="surveys", remote_id="7654", name="Wire survey",
        status="live", current_completes=0, filling_goal=400, fielding_start_at=None, fielding_end_at=None,
    )  # fmt: skip


def test_without_a_launch_the_pace_runs_from_when_the_cockpit_first_saw_it_live(ps_wire, wire_survey, pm_client):
    survey_at_the_wire(ps_wire, completes=40)
    sync_target_group(wire_survey)
    wire_survey.refresh_from_db()
    assert (wire_survey.fielding_start_at, wire_survey.completes_when_seen_live) == (None, 40)
    # Five hours later PureSpectrum counts 100: 60 of them since the cockpit first saw it live.
    TargetGroup.objects.filter(pk=wire_survey.pk).update(seen_live_at=timezone.now() - timedelta(hours=5))
    survey_at_the_wire(ps_wire, completes=100)
    sync_target_group(wire_survey)

    html = page(pm_client, wire_survey)

    assert "Not scheduled" not in html and "No start date is known" not in html
    assert 'id="seen-live">live since' in html and "PureSpectrum gives no start" in html
    per_day, window = PACE.search(html).groups()
    assert (per_day, window) == ("288.0", "5 hours")  # 60 completes in 5 hours, not 100
    assert "when the cockpit first saw it live, over the completes since" in html


def test_a_launch_read_later_replaces_the_first_sight(ps_wire, wire_survey, pm_client):
    survey_at_the_wire(ps_wire, completes=40)
    sync_target_group(wire_survey)
    launched = datetime(2026, 12, 1, 9, 25, 1, 876000, tzinfo=UTC)
    survey_at_the_wire(
        ps_wire,
        completes=41,
        performance_extra={"survey_launch_ts": 1, "survey_launch_iso_date": "2026-12-01T09:25:01.876Z"},
    )

    sync_target_group(wire_survey)

    wire_survey.refresh_from_db()
    assert wire_survey.fielding_start_at == launched  # the ISO date wins over the timestamp
    assert wire_survey.fielding_end_at == launched + timedelta(days=10)
    assert 'id="seen-live"' not in page(pm_client, wire_survey)


@pytest.mark.parametrize(
    "extra",
    [
        {"survey_launch_ts": 10**30},
        {"survey_launch_ts": "soon", "survey_launch_iso_date": "yesterday"},
        {"survey_launch_ts": True, "survey_close_ts": -(10**20)},
        {"survey_launch_iso_date": "9999-12-31T23:59:59Z"},
    ],
)
def test_unreadable_launch_times_are_left_out_not_a_failure(ps_wire, wire_survey, pm_client, extra):
    survey_at_the_wire(ps_wire, completes=40, performance_extra=extra)

    run = sync_target_group(wire_survey)

    assert run.error_count == 0, run.errors
    assert pm_client.get(wire_survey.get_absolute_url()).status_code == 200
