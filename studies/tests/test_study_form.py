import pytest
from django.urls import reverse

from preferences.models import Preference
from studies.models import Study

from .factories import StudyFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "US adults Dec",
    "client": "Acme",
    "goal": "1000",
    "field_start": "2026-12-07T09:00",
    "field_end": "2026-12-21T18:00",
    "budget": "3000",
    "currency": "USD",
    "when_full": "complete",
    "guard_on": "on",
}


def test_a_pm_makes_a_study_in_their_own_time_zone(client, pm):
    Preference.objects.create(user=pm, time_zone="Europe/Berlin")
    client.force_login(pm)
    response = client.post(reverse("studies:create"), GOOD)

    study = Study.objects.get(name="US adults Dec")
    assert response.status_code == 302 and response["Location"] == reverse("studies:plan", args=[study.pk])
    assert study.field_start.isoformat() == "2026-12-07T08:00:00+00:00"
    assert (study.goal, study.when_full, study.guard_on, study.created_by) == (1000, "complete", True, pm)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("field_end", "2026-12-07T08:00", "The field end must come after the field start."),
        ("goal", "0", "The goal is at least 1 complete."),
        ("budget", "-5", "A budget cannot be below 0."),
        ("goal", "many", "Enter a whole number."),
    ],
)
def test_bad_input_is_said_next_to_its_field_and_kept(pm_client, field, value, message):
    response = pm_client.post(reverse("studies:create"), {**GOOD, field: value})

    html = response.content.decode()
    assert response.status_code == 200
    assert Study.objects.count() == 0
    block = html.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]
    assert message in block
    assert f'value="{value}"' in block
    assert 'value="US adults Dec"' in html


def test_editing_keeps_the_study_and_refuses_an_end_before_the_start(pm_client):
    study = StudyFactory(name="Before")
    response = pm_client.post(reverse("studies:edit", args=[study.pk]), {**GOOD, "field_end": "2026-12-01T00:00"})
    assert "The field end must come after the field start." in response.content.decode()
    study.refresh_from_db()
    assert study.name == "Before"

    pm_client.post(reverse("studies:edit", args=[study.pk]), GOOD)
    study.refresh_from_db()
    assert study.name == "US adults Dec"


def test_a_viewer_cannot_make_or_edit_a_study(viewer_client):
    study = StudyFactory(name="Kept")
    assert viewer_client.post(reverse("studies:create"), GOOD).status_code == 403
    assert viewer_client.post(reverse("studies:edit", args=[study.pk]), GOOD).status_code == 403
    assert list(Study.objects.values_list("name", flat=True)) == ["Kept"]


def test_editing_a_study_that_does_not_exist_is_404_with_the_layout(pm_client):
    response = pm_client.get(reverse("studies:edit", args=[999999]))
    assert response.status_code == 404 and "Quota cockpit" in response.content.decode()
