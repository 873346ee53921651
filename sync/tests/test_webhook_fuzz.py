"""Signed but oddly shaped events are refused in words (400/415), never a 500, and store nothing."""

import hashlib
import hmac
import json
import random
import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.models import Quota
from quotas.tests.factories import QuotaFactory
from sync.models import WebhookEvent

pytestmark = pytest.mark.django_db

SECRET = "fuzz-secret"
FUZZ_EVENTS = 5000


def signed(secret, body):
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@pytest.fixture
def connection():
    return ConnectionFactory(webhook_id="01FUZZ", webhook_secret=SECRET)


@pytest.fixture
def quota(connection):
    tg = TargetGroupFactory(project__connection=connection, remote_id="TG-F")
    return QuotaFactory(profile__target_group=tg, remote_id="Q-F", completes=5)


def post(client, connection, body, *, secret=SECRET, content_type="application/cloudevents+json"):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Cint-Signature": signed(secret, body)} if secret else {}
    url = reverse("sync:webhook", args=["cint", connection.pk])
    return client.post(url, data=body, content_type=content_type, headers=headers)


def fill(**data):
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "type": "com.cint.quota-fill.registered",
        "time": "2030-01-01T10:00:00Z",
        "data": {"target_group_id": "TG-F", "profile_quota_id": "Q-F", "completes": 9, **data},
    }


def update(changes, **envelope):
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "type": "com.cint.target-group.updated",
        "time": "2030-01-01T10:00:00Z",
        "data": {"target_group_id": "TG-F", "changes": changes},
        **envelope,
    }


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({**fill(), "time": "2026-02-30T10:00:00Z"}, "time must be an RFC 3339 date-time"),
        ({**fill(), "time": "2026-01-01T10:00:00"}, "with its offset"),
        ({**fill(), "time": 1700000000}, "time must be an RFC 3339 date-time"),
        (update([{"object": "fielding_period_end_date_change", "new_value": "2026-13-45T00:00:00Z"}]), "date-time"),
        (update("status_change"), "data.changes must be a list of change objects"),
        (update(["status_change", 3]), "data.changes must be a list of change objects"),
        (fill(completes=10**30), "data.completes must be a whole number from 0 to 2,147,483,647"),
        (fill(completes=-1), "data.completes must be a whole number"),
        (fill(completes=True), "data.completes must be a whole number"),
        (fill(completes="9"), "data.completes must be a whole number"),
        (update([{"object": "expected_incidence_rate_change", "new_value": 10**12}]), "a number from 0 to 1"),
        (update([{"object": "name_change", "new_value": "x" * 300}]), "longer than 255 characters"),
        (update([{"object": "collects_pii_change", "new_value": "yes"}]), "must be true or false"),
        (fill(profile_quota_id="Q\x00F"), "NUL character"),
        ({**fill(), "data": "not an object"}, "data must be an object"),
        ({**fill(), "id": ""}, "id must be a text"),
        ({**fill(), "id": {"not": "text"}}, "id must be a text"),
        (fill(target_group_id=None), "data.target_group_id must be a non-empty text"),
        ([fill()], "not a CloudEvent"),
    ],
)
def test_an_oddly_shaped_signed_event_is_refused_with_the_reason(client, connection, quota, event, reason):
    response = post(client, connection, event)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not WebhookEvent.objects.exists()
    quota.refresh_from_db()
    assert quota.completes == 5


def test_a_body_that_is_not_json_is_refused_as_unsupported(client, connection, quota):
    response = post(client, connection, b"completes=9", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert not WebhookEvent.objects.exists()


JUNK = [
    None,
    "",
    "x" * 3000,
    -1,
    0,
    10**30,
    -(10**30),
    1.5,
    float("1e308"),
    True,
    False,
    [],
    {},
    [1, "a"],
    {"value": 10**12},
    "\x00",
    "a\x00b",
    "2026-13-01T00:00:00Z",
    "2026-01-01T10:00:00",
    "2026-02-30T10:00:00Z",
    "not a date",
    "\u202e",
    "Zm9v",
    {"nested": {"deep": [None, {"x": "\x00"}]}},
]
PATHS = [
    ("id",),
    ("type",),
    ("time",),
    ("source",),
    ("subject",),
    ("data",),
    ("data", "target_group_id"),
    ("data", "profile_quota_id"),
    ("data", "completes"),
    ("data", "prescreens"),
    ("data", "screens"),
    ("data", "changes"),
]
CHANGE_OBJECTS = [
    "name_change",
    "status_change",
    "filling_goal_change",
    "expected_incidence_rate_change",
    "cpi_change",
    "collects_pii_change",
    "fielding_period_start_date_change",
    "fielding_period_end_date_change",
    "live_url_change",
    "currency_change",
    "unknown_change",
]


def mutated(rng):
    """A valid event with one to three fields replaced by junk (or a change list full of it)."""
    event = fill() if rng.random() < 0.5 else update([{"object": "status_change", "new_value": "paused"}])
    for _ in range(rng.randint(1, 3)):
        if isinstance(event.get("data"), dict) and str(event.get("type")).endswith("updated") and rng.random() < 0.5:
            event["data"]["changes"] = [
                {"object": rng.choice(CHANGE_OBJECTS), "new_value": rng.choice(JUNK)} for _ in range(rng.randint(1, 3))
            ]
            continue
        path = rng.choice(PATHS)
        target = event
        for key in path[:-1]:
            target = target.setdefault(key, {}) if isinstance(target.get(key), dict) else target
        if isinstance(target, dict):
            target[path[-1]] = rng.choice(JUNK)
    return event


def test_thousands_of_malformed_events_never_answer_5xx_and_rejected_ones_store_nothing(connection, quota):
    rng = random.Random(20261201)  # a fixed seed: a failure replays
    client = Client(raise_request_exception=False)
    outcomes, accepted_ids = {}, set()
    for number in range(FUZZ_EVENTS):
        event = mutated(rng)
        secret = SECRET if number % 4 else rng.choice(["", "wrong-secret"])  # a quarter unsigned or badly signed
        try:
            body = json.dumps(event).encode()
        except (TypeError, ValueError):  # e.g. a float JSON cannot carry: send it as text
            body = repr(event).encode()
        response = post(client, connection, body, secret=secret)
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        assert response.status_code < 500, (response.status_code, body[:300])
        if response.status_code == 200:
            accepted_ids.add(response.json()["id"])

    stored = set(WebhookEvent.objects.values_list("event_id", flat=True))
    assert stored == accepted_ids  # only accepted events were stored
    assert outcomes.get(400, 0) > FUZZ_EVENTS // 4 and outcomes.get(401, 0) > FUZZ_EVENTS // 8, outcomes
    assert Quota.objects.get(pk=quota.pk).completes <= 2**31 - 1
