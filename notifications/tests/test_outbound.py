"""Posts to a user's webhook at the wire: what is sent, what is tried again, and what is never called."""

import json

import pytest
import requests
import responses

from notifications.models import Delivery
from notifications.outbound import Refused, check_url, post_webhook

from .conftest import HOOK

pytestmark = pytest.mark.django_db


def test_a_post_sends_the_json_and_records_what_came_back(hooks, pm):
    hooks.add(responses.POST, HOOK, body="ok", status=200)

    delivery = post_webhook(HOOK, {"text": "The quota “18-24” is full."}, user=pm)

    assert len(hooks.calls) == 1
    call = hooks.calls[0].request
    assert json.loads(call.body) == {"text": "The quota “18-24” is full."}
    assert call.headers["Content-Type"] == "application/json"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status, delivery.response_body) == (
        Delivery.State.SENT,
        1,
        200,
        "ok",
    )
    assert delivery.address == HOOK and json.loads(delivery.body) == {"text": "The quota “18-24” is full."}


def test_a_503_is_tried_again_until_the_receiver_takes_it(hooks, pm):
    hooks.add(responses.POST, HOOK, status=503, body="busy")
    hooks.add(responses.POST, HOOK, status=503, body="busy")
    hooks.add(responses.POST, HOOK, status=200, body="ok")

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert len(hooks.calls) == 3
    assert (delivery.state, delivery.attempts, delivery.response_status) == (Delivery.State.SENT, 3, 200)


def test_a_receiver_down_every_time_ends_failed_with_its_last_answer(hooks, pm, settings):
    settings.NOTIFY_WEBHOOK_TRIES = 3
    hooks.add(responses.POST, HOOK, status=503, body="busy")

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert len(hooks.calls) == 3
    assert (delivery.state, delivery.attempts, delivery.response_status) == (Delivery.State.FAILED, 3, 503)
    assert "503" in delivery.error


def test_a_timeout_is_tried_again(hooks, pm):
    hooks.add(responses.POST, HOOK, body=requests.ConnectTimeout("timed out"))
    hooks.add(responses.POST, HOOK, status=200)

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert len(hooks.calls) == 2 and delivery.state == Delivery.State.SENT


def test_a_400_is_not_tried_again(hooks, pm):
    hooks.add(responses.POST, HOOK, status=400, body="invalid_payload")

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert len(hooks.calls) == 1
    assert (delivery.state, delivery.attempts, delivery.response_status, delivery.response_body) == (
        Delivery.State.FAILED,
        1,
        400,
        "invalid_payload",
    )


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://hooks.example.com/services/x", "https://"),
        ("https://127.0.0.1/hook", "this server itself"),
        ("https://localhost/hook", "this server itself"),
        ("https://[::1]/hook", "this server itself"),
        ("https://10.0.0.5/hook", "a private network"),
        ("https://192.168.1.1/hook", "a private network"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://intranet.example.com/hook", "a private network"),
        ("https://metadata.example.com/hook", "link-local"),
        ("https://mapped.example.com/hook", "this server itself"),
    ],
)
def test_addresses_inside_the_network_are_refused_and_never_called(hooks, pm, url, words):
    with pytest.raises(Refused) as refused:
        check_url(url)
    assert words in refused.value.message

    delivery = post_webhook(url, {"text": "x"}, user=pm)

    assert len(hooks.calls) == 0
    assert delivery.state == Delivery.State.REFUSED and words in delivery.error


def test_a_redirect_to_a_private_address_is_refused(hooks, pm):
    hooks.add(responses.POST, HOOK, status=307, headers={"Location": "https://intranet.example.com/admin"})
    hooks.add(responses.POST, "https://intranet.example.com/admin", status=200)

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert [call.request.url for call in hooks.calls] == [HOOK]
    assert delivery.state == Delivery.State.REFUSED and "private network" in delivery.error


def test_a_redirect_to_a_public_address_is_followed(hooks, pm):
    moved = "https://other.example.org/hook"
    hooks.add(responses.POST, HOOK, status=308, headers={"Location": moved})
    hooks.add(responses.POST, moved, status=200)

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert [call.request.url for call in hooks.calls] == [HOOK, moved]
    assert delivery.state == Delivery.State.SENT


def test_endless_redirects_stop_after_three(hooks, pm):
    hooks.add(responses.POST, HOOK, status=302, headers={"Location": HOOK})

    delivery = post_webhook(HOOK, {"text": "x"}, user=pm)

    assert len(hooks.calls) == 4
    assert delivery.state == Delivery.State.REFUSED and "redirected more than 3 times" in delivery.error
