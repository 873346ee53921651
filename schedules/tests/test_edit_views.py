"""A PM edits a target group's scheduled change in its section until it runs: the form filled in with what was
asked, its time on the editing PM's clock; checked as when it was asked, with the reasons next to the fields
and what was typed kept; the PM who edits becomes the one who asked. Once it has started running it can no
longer be edited, and says so. Viewers change nothing; unknown ids are 404 with the layout."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from preferences.models import Preference
from projects.models import Role
from schedules.models import ScheduledChange
from schedules.running import run_due
from sync.models import RemoteChange

from .helpers import BERLIN, ask, purespectrum_tg, quota_of
from .study_helpers import ask_on_study, male_study, move_data

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def colleague(db):
    """Another project manager, who asked for the schedules a PM edits."""
    user = User.objects.create_user(username="sam", first_name="Sam", last_name="Colleague")
    Role.grant(user, Role.PROJECT_MANAGERS)
    return user


@pytest.fixture
def berlin_client(client, pm):
    Preference.objects.create(user=pm, time_zone=BERLIN)
    client.force_login(pm)
    return client


def _typed(delta, zone="UTC"):
    """A time `delta` from now, as the form's field takes it on a clock in `zone`."""
    at = timezone.now().replace(second=0, microsecond=0) + delta
    return at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def _cap(tg, by, value, at, **extra):
    quota = quota_of(tg, goal=500, cap=100)
    data = {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "value": value, "at": at, **extra}
    form, schedule = ask(tg, by, data, now=timezone.now(), zone="UTC")
    assert schedule is not None, form.errors
    return quota, schedule


def _edit_url(schedule):
    return reverse("schedules:edit", args=[schedule.pk])


def test_each_waiting_schedule_has_an_edit_button_for_a_pm(pm_client, pm):
    tg = purespectrum_tg()
    _, schedule = _cap(tg, pm, "40", _typed(dt.timedelta(days=1)))

    html = pm_client.get(reverse("schedules:list", args=[tg.pk]), **HTMX).content.decode()

    assert f'id="edit-schedule-{schedule.pk}"' in html and f'href="{_edit_url(schedule)}"' in html


def test_the_form_is_filled_with_what_was_asked_and_its_time_on_the_editing_pms_clock(berlin_client, colleague):
    tg = purespectrum_tg()
    quota, schedule = _cap(tg, colleague, "40", _typed(dt.timedelta(days=1)), repeat="hours", every_hours="6")

    html = berlin_client.get(_edit_url(schedule), **HTMX).content.decode()

    berlin = schedule.run_at.astimezone(zoneinfo.ZoneInfo(BERLIN))  # asked in UTC, edited in Berlin
    assert f'value="{berlin:%Y-%m-%dT%H:%M}"' in html and "When (Europe/Berlin)" in html
    assert f'<option value="quota-{quota.pk}" selected>' in html
    assert '<option value="traffic_cap" selected>' in html and '<option value="hours" selected>' in html
    assert 'name="value" value="40"' in html and 'name="every_hours" value="6"' in html
    assert f'action="{_edit_url(schedule)}"' in html and "Save the change" in html


def test_a_stepped_schedule_comes_back_with_its_step_and_limit(pm_client, pm):
    tg = purespectrum_tg()
    _, schedule = _cap(tg, pm, "", _typed(dt.timedelta(days=1)), step="50", limit="400", repeat="daily")

    html = pm_client.get(_edit_url(schedule), **HTMX).content.decode()

    assert 'name="step" value="50"' in html and 'name="limit" value="400"' in html
    assert 'name="value" value=' not in html  # a new value or a step, not both


def test_an_edit_is_saved_and_runs_as_the_pm_who_edited_it(pm_client, pm, colleague):
    tg = purespectrum_tg()
    quota, schedule = _cap(tg, colleague, "40", _typed(dt.timedelta(days=1)))
    later = _typed(dt.timedelta(days=2))

    response = pm_client.post(
        _edit_url(schedule), {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "value": "60", "at": later}, **HTMX
    )

    assert "Changed: Set a quota&#x27;s current target: “AGE: 18-24” to 60" in response.content.decode()
    schedule.refresh_from_db()
    assert ScheduledChange.objects.count() == 1
    assert (schedule.requested_by, f"{schedule.local_date}T{schedule.local_time:%H:%M}") == (pm, later)
    assert not RemoteChange.objects.exists()  # nothing is sent until its (new) time

    assert run_due(now=schedule.run_at - dt.timedelta(days=1)) == 0  # the first time asked has no run
    assert run_due(now=schedule.run_at) == 1
    change = RemoteChange.objects.get()
    assert (change.payload["traffic_cap"], change.requested_by) == (60, pm)
    assert "scheduled by Pat Manager" in change.summary


def test_an_edit_the_supplier_would_refuse_is_said_next_to_its_field_as_typed_and_nothing_changes(pm_client, pm):
    tg = purespectrum_tg()
    quota, schedule = _cap(tg, pm, "40", _typed(dt.timedelta(days=1)))
    data = {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "value": "777", "at": _typed(dt.timedelta(days=2))}

    response = pm_client.post(_edit_url(schedule), data, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_value_error"' in html and "above the quota&#x27;s quantity (500)" in html
    assert 'value="777"' in html and f'action="{_edit_url(schedule)}"' in html
    before = schedule.payload, schedule.run_at
    schedule.refresh_from_db()
    assert (schedule.payload, schedule.run_at) == before


def test_a_time_that_has_passed_is_refused_when_edited_too(pm_client, pm):
    tg = purespectrum_tg()
    quota, schedule = _cap(tg, pm, "40", _typed(dt.timedelta(days=1)))
    data = {"action": "traffic_cap", "quota": f"quota-{quota.pk}", "value": "40", "at": _typed(-dt.timedelta(hours=1))}

    response = pm_client.post(_edit_url(schedule), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed: correct the fields marked below." in html and "That time has passed" in html


def test_without_javascript_an_edit_redirects_to_the_target_group_with_what_changed(pm_client, pm):
    tg = purespectrum_tg()
    _, schedule = ask(tg, pm, {"action": "status:pause", "at": _typed(dt.timedelta(days=1))}, now=timezone.now())

    response = pm_client.post(_edit_url(schedule), {"action": "status:close", "at": _typed(dt.timedelta(days=3))})

    assert (response.status_code, response["Location"]) == (302, tg.get_absolute_url())
    schedule.refresh_from_db()
    assert (schedule.action, schedule.payload["action"]) == ("status:close", "close")
    page = pm_client.get(response["Location"]).content.decode()
    assert f"Changed: {schedule.summary}," in page


def test_a_schedule_that_has_started_running_can_no_longer_be_edited_and_says_so(pm_client, pm):
    tg = purespectrum_tg()
    at = _typed(dt.timedelta(days=1))
    _, schedule = ask(tg, pm, {"action": "status:pause", "at": at, "repeat": "daily"}, now=timezone.now(), zone="UTC")
    run_due(now=schedule.run_at)  # its first run: it repeats tomorrow
    schedule.refresh_from_db()
    assert schedule.state == "running"

    listed = pm_client.get(reverse("schedules:list", args=[tg.pk]), **HTMX).content.decode()
    opened = pm_client.get(_edit_url(schedule), **HTMX).content.decode()
    posted = pm_client.post(_edit_url(schedule), {"action": "status:close", "at": _typed(dt.timedelta(days=3))}, **HTMX)

    assert f'id="edit-schedule-{schedule.pk}"' not in listed and f'id="cancel-schedule-{schedule.pk}"' in listed
    said = "has started running: it can no longer be edited. Cancel it and schedule the new change instead."
    assert said in opened and 'id="schedule-form"' not in opened
    assert said in posted.content.decode()
    before = schedule.action, schedule.run_at
    schedule.refresh_from_db()
    assert (schedule.action, schedule.run_at) == before


def test_a_cancelled_schedule_is_too_late_to_edit(pm_client, pm):
    tg = purespectrum_tg()
    _, schedule = ask(tg, pm, {"action": "status:pause", "at": _typed(dt.timedelta(days=1))}, now=timezone.now())
    pm_client.post(reverse("schedules:cancel", args=[schedule.pk]))

    response = pm_client.post(_edit_url(schedule), {"action": "status:close", "at": _typed(dt.timedelta(days=3))})

    assert response.status_code == 302
    assert "“Pause” is cancelled: too late to edit it." in pm_client.get(response["Location"]).content.decode()
    schedule.refresh_from_db()
    assert (schedule.state, schedule.action) == ("cancelled", "status:pause")


def test_a_viewer_cannot_edit_nor_sees_the_button(viewer_client, pm):
    tg = purespectrum_tg()
    _, schedule = ask(tg, pm, {"action": "status:pause", "at": _typed(dt.timedelta(days=1))}, now=timezone.now())

    posted = viewer_client.post(_edit_url(schedule), {"action": "status:close", "at": _typed(dt.timedelta(days=3))})
    opened = viewer_client.get(_edit_url(schedule), **HTMX).content.decode()
    listed = viewer_client.get(reverse("schedules:list", args=[tg.pk]), **HTMX).content.decode()

    assert posted.status_code == 403
    assert 'id="schedule-form"' not in opened and "edit-schedule-" not in listed
    schedule.refresh_from_db()
    assert (schedule.action, schedule.requested_by) == ("status:pause", pm)


def test_an_unknown_schedule_or_a_studys_is_a_404_with_the_layout(pm_client, pm):
    study, cell, cint, ps = male_study(field_end=timezone.now() + dt.timedelta(days=5))
    _, on_study = ask_on_study(study, pm, move_data(cell, cint, ps, 10, _typed(dt.timedelta(days=1))), now=None)

    for pk in (999, on_study.pk):
        response = pm_client.get(reverse("schedules:edit", args=[pk]))
        assert response.status_code == 404
        assert 'class="topbar"' in response.content.decode()
    assert pm_client.post(reverse("schedules:edit", args=[999]), {}).status_code == 404
