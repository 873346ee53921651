"""Scheduling on a study's page: each thing the suppliers would refuse, or that makes no sense, said next to
its field with what was typed kept; the list with who asked; editing and cancelling until it runs; viewers
change nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from preferences.models import Preference
from schedules.models import ScheduledChange
from studies.tests.builders import study_over

from .helpers import utc
from .study_helpers import ask_on_study, male_study, move_data, quota

pytestmark = pytest.mark.django_db

ASKED = utc(2026, 6, 1, 9, 0)


@pytest.fixture
def male():
    return male_study()


def errors_of(study, pm, data):
    form, schedule = ask_on_study(study, pm, data, now=ASKED)
    assert schedule is None
    return {name: " ".join(errors) for name, errors in form.errors.items()}


def test_a_time_that_has_passed_is_refused_next_to_the_time(male, pm):
    study, cell, cint, ps = male
    errors = errors_of(study, pm, move_data(cell, cint, ps, 10, "2026-06-01T10:59"))  # 08:59 UTC
    assert errors == {"at": "That time has passed (it is 01 Jun 2026 11:00 in Europe/Berlin); choose a later one."}


def test_a_time_after_the_studys_end_is_refused(male, pm):
    study, cell, cint, ps = male
    errors = errors_of(study, pm, move_data(cell, cint, ps, 10, "2026-06-30T02:00"))  # 00:00 UTC: the end
    assert errors["at"].startswith("The study ends fielding at 30 Jun 2026 02:00, before this time.")
    assert ask_on_study(study, pm, move_data(cell, cint, ps, 10, "2026-06-30T01:59"), now=ASKED)[1] is not None


def test_a_cell_or_target_group_of_another_study_is_refused(male, pm):
    study, cell, cint, ps = male
    other_quota = quota("cint", 100, 0)
    _, other_cells = study_over({"Female": (100, [other_quota])})
    errors = errors_of(
        study, pm, {**move_data(cell, cint, ps, 10, "2026-06-02T10:00"), "cell": other_cells["Female"].pk}
    )
    assert errors == {"cell": "That cell is not in this study's plan."}
    errors = errors_of(study, pm, move_data(cell, cint, other_quota, 10, "2026-06-02T10:00"))
    assert errors == {"to_tg": "That target group does not field this study; choose one listed."}


def test_a_move_below_what_the_supplier_achieved_is_refused_next_to_the_count(male, pm):
    study, cell, cint, ps = male
    errors = errors_of(study, pm, move_data(cell, cint, ps, 181, "2026-06-02T10:00"))
    assert errors == {
        "n": "cint US (Cint Exchange) has achieved 120 of its 300 in “Male”: its goal cannot go below that, so at "
        "most 180 can be moved now."
    }
    assert ask_on_study(study, pm, move_data(cell, cint, ps, 180, "2026-06-02T10:00"), now=ASKED)[1] is not None


def test_a_cell_is_closed_once_not_on_a_repeat(male, pm):
    study, cell, _, _ = male
    errors = errors_of(
        study, pm, {"action": "study:close_cell", "cell": cell.pk, "at": "2026-06-02T10:00", "repeat": "daily"}
    )
    assert errors == {"repeat": "A closed cell stays closed until its goals are raised: close it once."}


def test_the_page_lists_the_schedule_with_who_asked_and_a_bad_post_keeps_what_was_typed(male, pm_client):
    study, cell, cint, ps = male
    at = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    study.field_end = timezone.now() + dt.timedelta(days=5)
    study.save()
    url = reverse("schedules:study_create", args=[study.pk])

    refused = pm_client.post(url, move_data(cell, cint, ps, 999, at), HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'id="id_n_error"' in html and "at most 180 can be moved now" in html
    assert 'value="999"' in html and not ScheduledChange.objects.exists()

    assert pm_client.post(url, move_data(cell, cint, ps, 40, at)).status_code == 302
    page = pm_client.get(study.get_absolute_url()).content.decode()
    assert reverse("schedules:study", args=[study.pk]) in page  # the section, drawn when the page opens
    section = pm_client.get(reverse("schedules:study", args=[study.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Move 40 of Male from cint US (Cint Exchange) to purespectrum US (PureSpectrum)" in section
    assert "Pat Manager" in section and "Scheduled" in section


def test_a_waiting_schedule_is_edited_and_cancelled_until_it_runs(male, pm, pm_client):
    study, cell, cint, ps = male
    study.field_end = timezone.now() + dt.timedelta(days=5)
    study.save()
    at = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    _, schedule = ask_on_study(study, pm, move_data(cell, cint, ps, 40, at), now=timezone.now(), zone="UTC")

    form = pm_client.get(reverse("schedules:study_edit", args=[schedule.pk])).content.decode()
    assert 'value="40"' in form
    edited = pm_client.post(reverse("schedules:study_edit", args=[schedule.pk]), move_data(cell, cint, ps, 60, at))
    assert edited.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.payload["n"], schedule.summary[:10]) == (60, "Move 60 of")

    pm_client.post(reverse("schedules:study_cancel", args=[schedule.pk]))
    schedule.refresh_from_db()
    assert schedule.state == "cancelled"
    late = pm_client.post(reverse("schedules:study_edit", args=[schedule.pk]), move_data(cell, cint, ps, 70, at))
    assert late.status_code == 302
    schedule.refresh_from_db()
    assert schedule.payload["n"] == 60


def test_a_viewer_cannot_schedule_edit_or_cancel(male, pm, viewer_client):
    study, cell, cint, ps = male
    _, schedule = ask_on_study(study, pm, move_data(cell, cint, ps, 40, "2026-06-02T10:00"), now=ASKED)
    data = move_data(cell, cint, ps, 60, "2026-06-02T10:00")
    assert viewer_client.post(reverse("schedules:study_create", args=[study.pk]), data).status_code == 403
    assert viewer_client.post(reverse("schedules:study_edit", args=[schedule.pk]), data).status_code == 403
    assert viewer_client.post(reverse("schedules:study_cancel", args=[schedule.pk])).status_code == 403
    schedule.refresh_from_db()
    assert (schedule.state, schedule.payload["n"], ScheduledChange.objects.count()) == ("scheduled", 40, 1)


def test_an_unknown_study_or_schedule_is_a_404_with_the_layout(pm_client):
    response = pm_client.get(reverse("schedules:study", args=[999]))
    assert response.status_code == 404
    assert pm_client.get(reverse("schedules:study_edit", args=[999])).status_code == 404


def test_the_edit_form_shows_the_time_on_the_editing_pms_clock(male, pm, client):
    study, cell, cint, ps = male
    study.field_end = timezone.now() + dt.timedelta(days=5)
    study.save()
    at = (timezone.now() + dt.timedelta(days=1)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
    _, schedule = ask_on_study(study, pm, move_data(cell, cint, ps, 40, at), now=timezone.now(), zone="UTC")
    Preference.objects.create(user=pm, time_zone="Asia/Tokyo")
    client.force_login(pm)

    form = client.get(reverse("schedules:study_edit", args=[schedule.pk])).content.decode()

    tokyo = dt.datetime.fromisoformat(at) + dt.timedelta(hours=9)  # Tokyo keeps no summer time
    assert f'value="{tokyo:%Y-%m-%dT%H:%M}"' in form and "When (Asia/Tokyo)" in form
