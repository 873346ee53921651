"""A PM schedules, sees and cancels changes in the target group's "Scheduled changes" section, in their own
zone; what the supplier would refuse is said next to its field, as typed; a viewer cannot schedule."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from preferences.models import Preference
from projects.tests.factories import TargetGroupFactory
from schedules.models import ScheduledChange
from schedules.running import run_due
from sync.models import RemoteChange

from .helpers import BERLIN, ask, purespectrum_tg, quota_of, utc

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = utc(2026, 6, 1, 9, 0)


@pytest.fixture
def berlin_pm(pm):
    Preference.objects.create(user=pm, time_zone=BERLIN)
    return pm


def _in_berlin(delta):
    return (timezone.now() + delta).astimezone(zoneinfo.ZoneInfo(BERLIN)).strftime("%Y-%m-%dT%H:%M")


def test_a_pm_schedules_a_pause_in_their_zone_and_sees_it_listed(client, berlin_pm):
    client.force_login(berlin_pm)
    tg = purespectrum_tg()
    typed = _in_berlin(dt.timedelta(days=2))

    response = client.post(reverse("schedules:create", args=[tg.pk]), {"action": "status:pause", "at": typed}, **HTMX)

    schedule = ScheduledChange.objects.get()
    assert (schedule.time_zone, f"{schedule.local_date}T{schedule.local_time:%H:%M}") == (BERLIN, typed)
    wall = dt.datetime.fromisoformat(typed).replace(tzinfo=zoneinfo.ZoneInfo(BERLIN))
    assert schedule.run_at == wall
    html = response.content.decode()
    assert "Scheduled: Pause" in html
    assert "Pat Manager" in html
    assert f"{wall:%H:%M} Europe/Berlin" in html
    assert not RemoteChange.objects.exists()  # nothing is sent until its time


def test_the_section_is_on_the_target_group_page(pm_client):
    tg = purespectrum_tg()

    html = pm_client.get(reverse("quotas:section", args=[tg.pk, "schedules"])).content.decode()

    assert "Scheduled changes" in html
    assert 'id="new-schedule"' in html
    assert 'id="schedule-form"' not in html  # drawn when asked for: it lists every quota
    form = pm_client.get(reverse("schedules:list", args=[tg.pk]), {"form": "1"}, **HTMX).content.decode()
    assert 'id="schedule-form"' in form and "Pause" in form


@pytest.mark.parametrize(
    ("data", "field", "said"),
    [
        (
            {"action": "status:pause", "at": "2026-06-01T10:59"},
            "at",
            "That time has passed (it is 01 Jun 2026 11:00 in Europe/Berlin)",
        ),
        (
            {"action": "status:pause", "at": "2026-06-09T12:00"},
            "at",
            "ends fielding at 08 Jun 2026 20:00, before this time",
        ),
        ({"action": "traffic_cap", "at": "2026-06-02T08:00", "value": "40"}, "quota", "Choose the quota to change."),
        (
            {"action": "traffic_cap", "quota": "Q", "at": "2026-06-02T08:00", "value": "501"},
            "value",
            "The current target cannot be above the quota's quantity (500)",
        ),
        (
            {"action": "traffic_cap", "quota": "Q", "at": "2026-06-02T08:00", "step": "50", "repeat": "daily"},
            "limit",
            "A repeated change needs a limit, such as 400",
        ),
        (
            {"action": "traffic_cap", "quota": "Q", "at": "2026-06-02T08:00", "step": "50", "limit": "900"},
            "limit",
            "The current target cannot be above the quota's quantity (500)",
        ),
        ({"action": "cpi", "at": "2026-06-02T08:00", "value": "cheap"}, "value", "Enter an amount, such as 2.50."),
        (
            {"action": "filling_goal", "at": "2026-06-02T08:00", "value": "0"},
            "value",
            "The filling goal must be at least 1.",
        ),
        (
            {"action": "status:pause", "at": "2026-06-02T08:00", "repeat": "hours"},
            "every_hours",
            "Say every how many hours",
        ),
        ({"action": "status:pause", "at": "2026-06-02T08:00", "value": "5"}, "value", "takes no figure"),
        ({"action": "run:pause", "at": "2026-06-02T08:00"}, "action", "Select a valid choice"),
    ],
)
def test_what_the_supplier_would_refuse_is_said_next_to_its_field(pm, data, field, said):
    tg = purespectrum_tg(fielding_end_at=utc(2026, 6, 8, 18, 0))
    quota = quota_of(tg, goal=500, cap=100)
    data = {key: (f"quota-{quota.pk}" if value == "Q" else value) for key, value in data.items()}

    form, schedule = ask(tg, pm, data, now=NOW)

    assert schedule is None
    assert any(said in error for error in form.errors[field]), form.errors


def test_a_finished_target_group_takes_no_schedule(pm):
    tg = purespectrum_tg(status="completed")

    form, _ = ask(tg, pm, {"action": "status:close", "at": "2026-06-02T08:00"}, now=NOW)

    assert "is completed: nothing can be scheduled on it" in form.errors["action"][0]


def test_refused_input_is_shown_next_to_the_field_as_typed_and_nothing_is_stored(pm_client):
    tg = purespectrum_tg()
    quota = quota_of(tg, goal=500, cap=100)

    response = pm_client.post(
        reverse("schedules:create", args=[tg.pk]),
        {
            "action": "traffic_cap",
            "quota": f"quota-{quota.pk}",
            "value": "777",
            "at": _in_berlin(dt.timedelta(hours=3)),
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_value_error"' in html and "above the quota&#x27;s quantity (500)" in html
    assert 'value="777"' in html
    assert not ScheduledChange.objects.exists()


def test_a_pm_cancels_a_schedule_and_it_never_runs(pm_client, pm):
    tg = purespectrum_tg()
    _, schedule = ask(tg, pm, {"action": "status:pause", "at": _in_berlin(dt.timedelta(hours=3))}, now=timezone.now())

    response = pm_client.post(reverse("schedules:cancel", args=[schedule.pk]), **HTMX)

    assert "Cancelled: Pause." in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.state == "cancelled"
    run_due(now=schedule.run_at + dt.timedelta(minutes=1))
    assert not RemoteChange.objects.exists()


def test_a_viewer_can_neither_schedule_nor_cancel(viewer_client, pm):
    tg = purespectrum_tg()
    _, schedule = ask(tg, pm, {"action": "status:pause", "at": "2026-06-02T08:00"}, now=NOW)

    created = viewer_client.post(
        reverse("schedules:create", args=[tg.pk]), {"action": "status:pause", "at": "2030-01-01T08:00"}
    )
    cancelled = viewer_client.post(reverse("schedules:cancel", args=[schedule.pk]))

    assert (created.status_code, cancelled.status_code) == (403, 403)
    assert ScheduledChange.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.state == "scheduled"
    html = viewer_client.get(reverse("schedules:list", args=[tg.pk]), {"form": "1"}, **HTMX).content.decode()
    assert "schedule-form" not in html and "new-schedule" not in html and "Cancel" not in html


def test_the_list_costs_the_same_queries_for_one_schedule_or_many(pm_client, pm):
    def queries(count):
        tg = TargetGroupFactory()
        for _ in range(count):
            ask(tg, pm, {"action": "filling_goal", "value": "600", "at": "2026-06-02T08:00"}, now=NOW)
        run_due(now=utc(2026, 6, 2, 6, 0))  # each has run: its change's state is shown
        with CaptureQueriesContext(connection) as captured:
            html = pm_client.get(reverse("schedules:list", args=[tg.pk]), **HTMX).content.decode()
        assert html.count('class="badge pending"') == count
        return len(captured)

    assert queries(1) == queries(6)


def test_without_javascript_a_refusal_comes_back_on_a_page_of_its_own_and_a_schedule_redirects(pm_client):
    tg = purespectrum_tg()
    url = reverse("schedules:create", args=[tg.pk])

    refused = pm_client.post(url, {"action": "status:pause", "at": "2020-01-01T08:00"})
    stored = pm_client.post(url, {"action": "status:pause", "at": _in_berlin(dt.timedelta(days=1))})

    assert refused.status_code == 400
    assert "Nothing was scheduled: correct the fields marked below." in refused.content.decode()
    assert "That time has passed" in refused.content.decode()
    assert (stored.status_code, stored["Location"]) == (302, tg.get_absolute_url())
    assert ScheduledChange.objects.count() == 1
