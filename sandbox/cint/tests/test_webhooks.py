"""Webhooks: the CRUD API, and signed CloudEvents sent by the simulation and by state changes."""

import hashlib
import hmac
import json
import random

import pytest
import requests
import responses

from sandbox.cint.events import deliver_pending, sign
from sandbox.models import FieldingRun, WebhookDelivery
from sandbox.simulation import simulate_step

from .conftest import tg_url

HOOK_URL = "https://app.example.com/webhooks/cint/"
HOOKS = "/accounts/{account}/webhooks"


@pytest.fixture
def hook(api):
    response = api.post(HOOKS, {"url": HOOK_URL, "events": ["quota-fill-registered", "target-group-updated"]})
    assert response.status_code == 201
    return response.json()


def test_create_returns_a_base64_secret_once(api, hook):
    import base64

    assert len(base64.b64decode(hook["secret"])) == 32
    shown = api.get(f"{HOOKS}/{hook['id']}")
    assert "secret" not in shown.json()
    assert shown["ETag"] == 'W/"1"'


def test_update_and_delete_take_if_match(api, hook):
    path = f"{HOOKS}/{hook['id']}"
    assert api.put(path, {"events": ["target-group-updated"]}, headers={"If-Match": 'W/"1"'}).status_code == 200
    assert api.put(path, {"events": ["quota-fill-registered"]}, headers={"If-Match": 'W/"1"'}).status_code == 412
    assert api.delete(path, headers={"If-Match": 'W/"1"'}).status_code == 412
    assert api.delete(path, headers={"If-Match": 'W/"2"'}).status_code == 204
    assert api.get(path).status_code == 404


def test_regenerate_secret_changes_it(api, hook):
    response = api.post(f"{HOOKS}/{hook['id']}/regenerate-secret")
    assert response.status_code == 200
    assert response.json()["secret"] != hook["secret"]


def test_bad_urls_and_events_are_refused(api):
    response = api.post(HOOKS, {"url": "ftp://example.com", "events": ["nope"]})
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalid_params"]} == {"url", "events"}


def test_signature_matches_the_documented_example():
    secret = "FP7UPZpATKBcYJj4va95PYud+a3gCidRERiLO+9MoFE="
    expected = hmac.new(secret.encode(), b'1732526080.{"foo":"bar"}', hashlib.sha256).hexdigest()
    assert sign(secret, 1732526080, '{"foo":"bar"}') == f"t=1732526080,v1={expected}"


@responses.activate
def test_simulation_sends_signed_quota_fill_cloudevents(api, project_id, live_id, hook):
    responses.add(responses.POST, HOOK_URL, status=204)
    simulate_step(rng=random.Random(2))
    assert responses.calls, "no webhook was sent"
    fills = [c for c in responses.calls if json.loads(c.request.body)["type"] == "com.cint.quota-fill.registered"]
    assert fills
    request = fills[0].request
    event = json.loads(request.body)
    assert event["specversion"] == "1.0"
    assert event["datacontenttype"] == "application/json"
    assert event["subject"] == live_id
    assert {"id", "source", "time"} <= set(event)
    data = event["data"]
    assert data["target_group_id"] == live_id and data["account_id"] == api.account_id
    assert {"profile_quota_id", "screens", "completes"} <= set(data)
    timestamp, v1 = (part.split("=", 1)[1] for part in request.headers["Cint-Signature"].split(","))
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    expected = hmac.new(hook["secret"].encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(v1, expected)
    assert WebhookDelivery.objects.filter(status="sent").count() == len(responses.calls)


@responses.activate
def test_a_status_change_sends_target_group_updated(api, project_id, live_id, hook):
    responses.add(responses.POST, HOOK_URL, status=200)
    run = FieldingRun.objects.get(target_group_id=live_id)
    api.post(tg_url(project_id, live_id, f"/fielding-runs/{run.id}/pause"))
    assert deliver_pending() >= 1
    events = [json.loads(c.request.body) for c in responses.calls]
    updated = [e for e in events if e["type"] == "com.cint.target-group.updated"]
    assert updated[-1]["data"]["changes"] == [{"object": "status_change", "new_value": "paused"}]
    assert updated[-1]["data"]["target_group_id"] == live_id


@responses.activate
def test_failed_deliveries_are_recorded_not_raised(api, project_id, live_id, hook):
    responses.add(responses.POST, HOOK_URL, body=requests.ConnectionError("refused"))
    simulate_step(rng=random.Random(2))
    delivery = WebhookDelivery.objects.first()
    assert delivery.attempts == 1
    assert delivery.status == "pending"  # retried by the next step
    assert "refused" in delivery.error
    deliver_pending()
    deliver_pending()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == WebhookDelivery.MAX_ATTEMPTS


@responses.activate
def test_unsubscribed_events_are_not_sent(api, project_id, live_id):
    api.post(HOOKS, {"url": HOOK_URL, "events": ["target-group-updated"]})
    simulate_step(rng=random.Random(2))
    assert not WebhookDelivery.objects.filter(event_type="quota-fill-registered").exists()
