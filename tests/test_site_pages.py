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


def test_every_page_carries_a_content_security_policy_that_allows_no_inline_script(pm_client):
    tg = TargetGroupFactory()

    for url in (reverse("projects:dashboard"), tg.get_absolute_url(), reverse("login")):
        policy = pm_client.get(url)["Content-Security-Policy"]

        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in directives["style-src"]


def test_no_template_carries_an_inline_script_or_event_handler():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    for path in templates:
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{path}: an inline <script>"
        assert not re.search(r"\son[a-z]+=", html), f"{path}: an inline event handler"
        assert "hx-on" not in html, f"{path}: hx-on runs inline script"
