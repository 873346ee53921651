import hashlib
import hmac
import json
import time
import uuid

import pytest
from django.urls import reverse

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import InterlockCellFactory, QuotaFactory
from suppliers.records import QuotaFill, payload_to_json
from sync.intents import request_change
from sync.models import WebhookEvent

pytestmark = pytest.mark.django_db

SECRET = "FP7UPZpATKBcYJj4va95PYud+a3gCidRERiLO+9MoFE="
LITERAL_DIGEST = "b711b2629b83acc9cbdb88ffb395663d0fd8e3e2ddc2c7b75dd66978dd841e67"


def sign(secret, timestamp, body):
    """`Cint-Signature` as the contract's WebhookSecret describes it, written here independently of the
    cockpit's own code: HMAC-SHA256 of "<t>.<body>" with the secret, hex, as ``t=…,v1=…``."""
    body = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def test_the_signature_matches_a_literal_vector():
    # Computed once with `printf '1700000000.{"id":"e1"}' | openssl dgst -sha256 -hmac <SECRET>`.
    expected = "t=1700000000,v1=" + LITERAL_DIGEST
    assert sign(SECRET, 1700000000, '{"id":"e1"}') == expected


@pytest.fixture
def connection():
    return ConnectionFactory(webhook_id="01JPVZD75DW4KRP7MPFMF6KGZX", webhook_secret=SECRET)


@pytest.fixture
def tg(connection):
    return TargetGroupFactory(project__connection=connection, filling_goal=500)


def cloud_event(event_type, data, *, event_id=None, subject=""):
    return {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": "/demand/accounts/1001",
        "type": event_type,
        "subject": subject,
        "time": "2030-01-01T10:00:00.000Z",
        "datacontenttype": "application/json",
        "data": data,
    }


def deliver(client, connection, event, *, secret=SECRET, timestamp=None, signature=None):
    body = json.dumps(event, separators=(",", ":"))
    timestamp = int(time.time()) if timestamp is None else timestamp
    return client.post(
        reverse("sync:webhook", args=["cint", connection.pk]),
        data=body,
        content_type="application/cloudevents+json; charset=utf-8",
        headers={"Cint-Signature": signature or sign(secret, timestamp, body)},
    )


def quota_fill(tg, quota_id, completes=73, screens=113):
    return cloud_event(
        "com.cint.quota-fill.registered",
        {
            "account_id": int(tg.project.connection.account_id),  # the account the target group is in
            "target_group_id": tg.remote_id,
            "screens": screens,
            "completes": completes,
            "profile_quota_id": quota_id,
        },
        subject=tg.remote_id,
    )


def test_signed_quota_fill_updates_the_quotas_completes_and_prescreens(client, connection, tg):
    quota = QuotaFactory(profile__target_group=tg, completes=10, prescreens=20)

    response = deliver(client, connection, quota_fill(tg, quota.remote_id))

    assert response.status_code == 200
    quota.refresh_from_db()
    assert (quota.completes, quota.prescreens) == (73, 113)
    event = WebhookEvent.objects.get()
    assert event.type == "com.cint.quota-fill.registered"
    assert event.processed_at is not None


def test_quota_fill_of_an_interlock_cell_updates_the_cell(client, connection, tg):
    cell = InterlockCellFactory(interlocked_profile__target_group=tg, completes=0)

    deliver(client, connection, quota_fill(tg, cell.remote_id, completes=5, screens=9))

    cell.refresh_from_db()
    assert (cell.completes, cell.prescreens) == (5, 9)


def test_bad_signature_is_rejected_with_401_and_nothing_is_stored(client, connection, tg):
    response = deliver(client, connection, quota_fill(tg, "Q"), secret="not-the-secret")

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_missing_signature_is_rejected(client, connection, tg):
    body = json.dumps(quota_fill(tg, "Q"))
    url = reverse("sync:webhook", args=["cint", connection.pk])
    response = client.post(url, data=body, content_type="application/json")

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_signature_older_than_five_minutes_is_rejected(client, connection, tg):
    six_minutes_ago = int(time.time()) - 6 * 60

    response = deliver(client, connection, quota_fill(tg, "Q"), timestamp=six_minutes_ago)

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_signature_from_the_future_is_rejected(client, connection, tg):
    six_minutes_ahead = int(time.time()) + 6 * 60

    response = deliver(client, connection, quota_fill(tg, "Q"), timestamp=six_minutes_ahead)

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_an_event_of_one_connection_never_touches_another_connections_quotas(client, connection, tg):
    other = ConnectionFactory(account_id="2002", webhook_id="01OTHER", webhook_secret="another-secret")
    twin_tg = TargetGroupFactory(project__connection=other, remote_id=tg.remote_id)
    # The other account's quota with the same ids comes first in the table.
    theirs = QuotaFactory(profile__target_group=twin_tg, remote_id="Q-SAME", completes=1)
    mine = QuotaFactory(profile__target_group=tg, remote_id="Q-SAME", completes=1)

    first = deliver(client, connection, quota_fill(tg, "Q-SAME", completes=40))
    second = deliver(client, other, quota_fill(twin_tg, "Q-SAME", completes=7), secret="another-secret")

    assert (first.status_code, second.status_code) == (200, 200)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.completes, theirs.completes) == (40, 7)


def test_signature_within_five_minutes_is_accepted(client, connection, tg):
    four_minutes_ago = int(time.time()) - 4 * 60

    response = deliver(client, connection, quota_fill(tg, "Q"), timestamp=four_minutes_ago)

    assert response.status_code == 200


def test_body_changed_after_signing_is_rejected(client, connection, tg):
    event = quota_fill(tg, "Q", completes=1)
    timestamp = int(time.time())
    signature = sign(SECRET, timestamp, json.dumps(event, separators=(",", ":")))
    event["data"]["completes"] = 9999

    response = deliver(client, connection, event, timestamp=timestamp, signature=signature)

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_connection_without_a_secret_rejects_everything(client, tg):
    connection = tg.project.connection
    connection.webhook_secret = ""
    connection.save()

    response = deliver(client, connection, quota_fill(tg, "Q"), secret="")

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_signed_body_that_is_not_a_cloudevent_is_rejected_with_400(client, connection):
    body = "not json"
    timestamp = int(time.time())
    response = client.post(
        reverse("sync:webhook", args=["cint", connection.pk]),
        data=body,
        content_type="application/json",
        headers={"Cint-Signature": sign(SECRET, timestamp, body)},
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_replayed_event_id_answers_200_and_changes_nothing(client, connection, tg):
    quota = QuotaFactory(profile__target_group=tg, completes=10)
    event = quota_fill(tg, quota.remote_id, completes=50)
    deliver(client, connection, event)
    quota.refresh_from_db()
    quota.completes = 51  # a later event or sync moved it on
    quota.save()

    replay = deliver(client, connection, event)

    assert replay.status_code == 200
    assert replay.json()["received"] is False
    assert WebhookEvent.objects.count() == 1
    quota.refresh_from_db()
    assert quota.completes == 51


def test_target_group_updated_sets_the_fields_it_names(client, connection, tg):
    event = cloud_event(
        "com.cint.target-group.updated",
        {
            "id": str(uuid.uuid4()),
            "account_id": "1001",
            "project_id": tg.project.remote_id,
            "target_group_id": tg.remote_id,
            "occurred_at": "2030-01-01T10:00:00.000Z",
            "user": {"type": "system_marketplace_user"},
            "changes": [
                {"object": "status_change", "new_value": "paused"},
                {"object": "filling_goal_change", "new_value": 110},
                {"object": "live_url_change", "new_value": "https://example.com/test1?RID=[%RID%]"},
                {"object": "pacing_assistance_change", "new_value": True},
            ],
        },
    )

    response = deliver(client, connection, event)

    assert response.status_code == 200
    tg.refresh_from_db()
    assert (tg.status, tg.filling_goal, tg.live_url) == ("paused", 110, "https://example.com/test1?RID=[%RID%]")
    assert "pacing_assistance_change" in WebhookEvent.objects.get().outcome


def test_target_group_updated_keeps_a_pending_filling_goal_change_shown(
    client, connection, tg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request_change(
            "set_target_group_filling_goal", connection=connection, target_group=tg, payload={"filling_goal": 900}
        )
    event = cloud_event(
        "com.cint.target-group.updated",
        {"target_group_id": tg.remote_id, "changes": [{"object": "filling_goal_change", "new_value": 110}]},
    )

    deliver(client, connection, event)

    tg.refresh_from_db()
    assert tg.filling_goal == 900


def test_unknown_event_type_is_stored_and_ignored(client, connection, tg):
    event = cloud_event("com.cint.session.updated", {"target_group_id": tg.remote_id, "changes": []})

    response = deliver(client, connection, event)

    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.type == "com.cint.session.updated"
    assert stored.outcome.startswith("Ignored")


def test_webhook_needs_no_login_and_no_csrf_token(connection, tg):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = deliver(strict, connection, quota_fill(tg, "Q"))

    assert response.status_code == 200


def test_webhook_answers_only_post(client, connection):
    response = client.get(reverse("sync:webhook", args=["cint", connection.pk]))

    assert response.status_code == 405


def test_unknown_connection_is_rejected_like_a_bad_signature(client, connection, tg):
    event = quota_fill(tg, "Q")
    body = json.dumps(event)
    timestamp = int(time.time())

    response = client.post(
        reverse("sync:webhook", args=["cint", connection.pk + 100]),
        data=body,
        content_type="application/json",
        headers={"Cint-Signature": sign(SECRET, timestamp, body)},
    )

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_a_late_target_group_update_does_not_overwrite_a_newer_read(client, connection, tg):
    from datetime import UTC, datetime

    tg.status, tg.synced_at = "paused", datetime(2030, 1, 1, 11, 0, tzinfo=UTC)  # read an hour after the event
    tg.save()
    event = cloud_event(
        "com.cint.target-group.updated",
        {"target_group_id": tg.remote_id, "changes": [{"object": "status_change", "new_value": "live"}]},
    )

    response = deliver(client, connection, event)

    assert response.status_code == 200
    tg.refresh_from_db()
    assert tg.status == "paused"
    assert "read after this event" in WebhookEvent.objects.get().outcome


def test_binary_mode_events_are_refused_because_their_id_is_not_signed(client, connection, tg):
    body = json.dumps({"target_group_id": tg.remote_id, "changes": []})
    response = client.post(
        reverse("sync:webhook", args=["cint", connection.pk]),
        data=body,
        content_type="application/json",
        headers={
            "Cint-Signature": sign(SECRET, int(time.time()), body),
            "ce-id": str(uuid.uuid4()),
            "ce-type": "com.cint.target-group.updated",
        },
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def stored_fill(connection, tg, quota, *, completes, minute):
    """A fill the receiver stored whose apply task has not run (or was lost with its worker)."""
    event = quota_fill(tg, quota.remote_id, completes=completes)
    return WebhookEvent.objects.create(
        connection=connection,
        event_id=f"e{minute}",
        type="com.cint.quota-fill.registered",
        subject=tg.remote_id,
        time=f"2030-01-01T10:0{minute}:00Z",
        data=event["data"],
        # what the receiver read of it, as it stores it
        payload=payload_to_json(QuotaFill(tg.remote_id, quota.remote_id, completes=completes, prescreens=113)),
    )


def test_events_whose_apply_task_was_lost_are_applied_by_the_sweep(connection, tg):
    from sync.tasks import recover_stuck_changes

    quota = QuotaFactory(profile__target_group=tg, completes=10)
    stored_fill(connection, tg, quota, completes=40, minute=1)

    recover_stuck_changes()

    quota.refresh_from_db()
    assert quota.completes == 40
    assert WebhookEvent.objects.get().processed_at is not None


def test_the_newest_stored_fill_wins_whatever_order_the_fills_arrived_in(connection, tg):
    from sync.webhooks import apply_pending

    quota = QuotaFactory(profile__target_group=tg, completes=0)
    for minute, completes in ((3, 30), (1, 10), (2, 20)):  # arrival order
        stored_fill(connection, tg, quota, completes=completes, minute=minute)

    assert apply_pending() == 3

    quota.refresh_from_db()
    assert quota.completes == 30
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_webhook_answer_starts_no_session_and_sets_no_cookie(connection, tg):
    from django.test import Client

    response = deliver(Client(), connection, quota_fill(tg, "Q"))

    assert response.status_code == 200
    assert not response.cookies


def test_a_fill_stamped_years_ahead_does_not_hide_the_real_fills_after_it(client, connection, tg):
    from datetime import timedelta

    from django.utils import timezone

    quota = QuotaFactory(profile__target_group=tg, completes=10)
    ahead = cloud_event(
        "com.cint.quota-fill.registered", quota_fill(tg, quota.remote_id, completes=50)["data"], subject=tg.remote_id
    )  # stamped 2030
    assert deliver(client, connection, ahead).status_code == 200
    real = quota_fill(tg, quota.remote_id, completes=60)
    real["time"] = (timezone.now() + timedelta(seconds=5)).isoformat().replace("+00:00", "Z")

    assert deliver(client, connection, real).status_code == 200

    quota.refresh_from_db()
    assert quota.completes == 60
    assert WebhookEvent.objects.get(event_id=ahead["id"]).time <= timezone.now()


def test_a_fill_about_another_account_is_refused_and_changes_nothing(client, connection, tg):
    quota = QuotaFactory(profile__target_group=tg, completes=10)
    event = quota_fill(tg, quota.remote_id, completes=99)
    event["data"]["account_id"] = 4242

    response = deliver(client, connection, event)

    assert response.status_code == 422
    assert "account 4242" in response.content.decode()
    quota.refresh_from_db()
    assert quota.completes == 10
    assert not WebhookEvent.objects.exists()


def test_the_applier_applies_what_the_receiver_read_without_reading_the_event_again(client, connection, tg):
    from django.core.cache import cache

    from sync.webhooks import APPLY_PENDING_KEY, apply_pending

    quota = QuotaFactory(profile__target_group=tg, completes=10, prescreens=20)
    cache.set(APPLY_PENDING_KEY, 1, 60)  # an apply task is on its way already: the receiver starts none
    assert deliver(client, connection, quota_fill(tg, quota.remote_id, completes=73)).status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.payload["record"] == "QuotaFill" and stored.processed_at is None
    WebhookEvent.objects.filter(pk=stored.pk).update(data={"not": "a quota fill"})  # the raw body is kept, not read

    assert apply_pending() == 1

    quota.refresh_from_db()
    assert (quota.completes, quota.prescreens) == (73, 113)
