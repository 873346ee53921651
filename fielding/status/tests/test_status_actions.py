"""Suppliers that take status changes as one verb: only the actions offered from the current status show,
and one asked from another status is refused in words with nothing recorded."""

import pytest
from django.urls import reverse

from projects.models import SupplierKind, TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from suppliers.adapter import Capabilities, StatusAction, SupplierAdapter
from suppliers.registry import ADAPTERS
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db

LIVE, PAUSED, CLOSED = TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED, TargetGroup.Status.CLOSED


class Statuses(SupplierAdapter):
    kind = SupplierKind.PURESPECTRUM
    capabilities = Capabilities(
        status_actions=(
            StatusAction("pause", "Pause", PAUSED, frozenset({LIVE})),
            StatusAction("resume", "Resume", LIVE, frozenset({PAUSED})),
            StatusAction("close", "Close", CLOSED, frozenset({LIVE, PAUSED}), warning="Closing is final."),
        )
    )


@pytest.fixture
def tg(monkeypatch):
    monkeypatch.setitem(ADAPTERS, Statuses.kind, Statuses)
    connection = ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="5")
    return TargetGroupFactory(project__connection=connection, status=LIVE)


def test_the_page_offers_the_actions_of_the_current_status_and_warns_before_a_final_one(pm_client, tg):
    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert 'id="status-pause"' in html and 'id="status-close"' in html
    assert 'id="status-resume"' not in html
    assert "Closing is final." in html
    assert 'id="fielding-panel"' not in html  # Cint's fielding runs are not this supplier's


def test_a_status_action_shows_its_intent_at_once_and_is_sent_through_the_outbox(
    pm_client, tg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = pm_client.post(
            reverse("fielding:status_action", args=[tg.pk, "pause"]), headers={"HX-Request": "true"}
        )

    change = RemoteChange.objects.get()
    tg.refresh_from_db()
    assert (change.kind, change.payload, change.state) == (
        "change_status",
        {"action": "pause", "to_status": PAUSED},
        "pending",
    )
    assert tg.status == PAUSED
    html = response.content.decode()
    assert 'id="status-resume"' in html and f'id="change-{change.pk}"' in html


def test_an_action_not_offered_from_the_status_is_refused_in_words(pm_client, tg):
    response = pm_client.post(reverse("fielding:status_action", args=[tg.pk, "resume"]), headers={"HX-Request": "true"})

    assert "A live survey cannot be resumed" in response.content.decode()
    assert "possible now: pause, close" in response.content.decode()
    assert not RemoteChange.objects.exists()


def test_viewers_cannot_change_the_status(viewer_client, tg):
    response = viewer_client.post(reverse("fielding:status_action", args=[tg.pk, "pause"]))

    assert response.status_code == 403
    assert not RemoteChange.objects.exists()


def test_closing_asks_first_with_what_will_happen_and_sends_nothing_until_confirmed(pm_client, tg):
    url = reverse("fielding:status_action", args=[tg.pk, "close"])

    inline = pm_client.post(url, headers={"HX-Request": "true"}).content.decode()
    page = pm_client.post(url)  # without JavaScript: a page of its own, with a real form

    assert 'id="confirm-box"' in inline and "Closing is final." in inline
    assert 'id="status-close"' not in inline  # the box replaces the buttons until answered
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{url}"' in html and 'name="confirmed" value="1"' in html and "<!doctype html>" in html.lower()
    assert not RemoteChange.objects.exists()
    tg.refresh_from_db()
    assert tg.status == LIVE

    pm_client.post(url, {"confirmed": "1"})
    assert RemoteChange.objects.get().payload["action"] == "close"
