"""The pages around the app: the refusal a viewer meets, and the icon every page's tab asks for."""

import pytest
from django.urls import reverse

from projects.tests.factories import TargetGroupFactory

pytestmark = pytest.mark.django_db


def test_a_refused_change_gets_the_layout_and_says_what_to_do(viewer_client):
    tg = TargetGroupFactory()

    response = viewer_client.post(reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": "10"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "cockpit.css" in html and 'class="topbar"' in html
    assert "Only project managers can change supplier data." in html
    assert "ask an" in html and "administrator to add you to the project managers" in html


def test_every_page_gets_its_icon_without_logging_in(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\x00\x00\x01\x00"
