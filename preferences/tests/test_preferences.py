import pytest
from django.urls import reverse

from preferences.models import Preference

pytestmark = pytest.mark.django_db


def test_a_pm_chooses_a_time_zone_and_every_page_uses_it(pm_client, pm):
    response = pm_client.post(reverse("preferences:preferences"), {"time_zone": "Europe/Berlin"}, follow=True)

    assert Preference.objects.get(user=pm).time_zone == "Europe/Berlin"
    html = response.content.decode()
    assert "Times are now shown in Europe/Berlin." in html
    assert "Times are shown in Europe/Berlin now." in html
    assert 'data-zone-chosen="true"' in html  # the browser's zone no longer overrides it


def test_an_unknown_zone_is_refused_next_to_the_field(pm_client, pm):
    response = pm_client.post(reverse("preferences:preferences"), {"time_zone": "Europe/Atlantis"})

    assert response.status_code == 400
    assert "That is not a time zone the cockpit knows" in response.content.decode()
    assert not Preference.objects.filter(user=pm).exists()


def test_going_back_to_the_browsers_zone(pm_client, pm):
    Preference.objects.create(user=pm, time_zone="Asia/Tokyo")
    pm_client.cookies["tz"] = "America/Chicago"

    response = pm_client.post(reverse("preferences:preferences"), {"time_zone": ""}, follow=True)

    assert "Times are now shown in America/Chicago." in response.content.decode()
    assert Preference.objects.get(user=pm).time_zone == ""


def test_a_viewer_chooses_their_own_time_zone_too(viewer_client, viewer):
    viewer_client.post(reverse("preferences:preferences"), {"time_zone": "Europe/Paris"})

    assert Preference.objects.get(user=viewer).time_zone == "Europe/Paris"
