"""A NUL character in any input is refused in words, and nothing is stored."""

import pytest
from django.urls import reverse

from projects.tests.factories import TargetGroupFactory
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


def test_a_search_with_a_nul_character_is_refused_in_the_layout(pm_client):
    response = pm_client.get(reverse("projects:dashboard"), {"q": "US\x00adults"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="topbar"' in html and "NUL character" in html


def test_a_form_with_a_nul_character_changes_nothing(pm_client):
    tg = TargetGroupFactory(filling_goal=500)

    response = pm_client.post(reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": "600\x00"})

    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    tg.refresh_from_db()
    assert tg.filling_goal == 500
    assert not RemoteChange.objects.exists()


def test_with_htmx_the_refusal_shows_in_the_message_area_and_swaps_nothing_else(pm_client):
    tg = TargetGroupFactory(filling_goal=500)

    response = pm_client.post(
        reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": "700", "note": "\x00"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    html = response.content.decode()
    assert 'id="messages"' in html and 'hx-swap-oob="true"' in html and "NUL character" in html
    assert not RemoteChange.objects.exists()


def test_a_nul_character_in_the_address_is_refused(pm_client):
    tg = TargetGroupFactory()

    response = pm_client.get(f"/target-groups/{tg.pk}/audience-align/exclusions/a%00b/remove/")

    assert response.status_code == 400
