"""The sandbox's signed webhooks reach the receiver on a live server and update the mirror."""

import random

import pytest
from django.urls import reverse

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Quota
from sandbox import simulation
from sandbox.events import deliver_pending
from sandbox.faults import set_faults
from sandbox.models import Quota as SandboxQuota
from sandbox.models import Webhook, WebhookDelivery
from sandbox.seed import ensure_account
from sync.intents import request_change
from sync.models import WebhookEvent
from sync.pull import sync_connection
from sync.tests.sandbox import launch_target_groups
from sync.tests.sandbox import supplier_client as client_for
from sync.webhooks import register_webhook

pytestmark = pytest.mark.django_db(transaction=True)
ACCOUNT_ID = "1001"


@pytest.fixture
def live_connection(live_server, settings):
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = ACCOUNT_ID
    settings.SANDBOX_JOB_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    ensure_account(ACCOUNT_ID)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, latency_ms=0)
    connection = ConnectionFactory(account_id=ACCOUNT_ID)
    client = client_for(connection)
    launch_target_groups(client, 1)
    client.transport.session.close()
    sync_connection(connection)
    url = live_server.url + reverse("sync:webhook", args=["cint", connection.pk])
    register_webhook(connection, url)
    return connection


def test_register_webhook_subscribes_the_connection_at_the_sandbox(live_connection):
    connection = live_connection

    webhook = Webhook.objects.get(pk=connection.webhook_id)

    assert webhook.secret == connection.webhook_secret
    assert set(webhook.events) == {"target-group-updated", "quota-fill-registered"}
    register_webhook(connection, webhook.url)
    assert Webhook.objects.count() == 1


def test_quota_fills_sent_by_the_sandbox_update_the_mirrored_quotas(live_connection):
    rng = random.Random(4)
    for _ in range(3):
        simulation.simulate_step(rng=rng)

    assert WebhookDelivery.objects.exists()
    assert not WebhookDelivery.objects.exclude(status="sent").exists()
    assert WebhookEvent.objects.filter(type="com.cint.quota-fill.registered", outcome__startswith="Quota").exists()
    for quota in Quota.objects.filter(profile__target_group__project__connection=live_connection):
        supplier = SandboxQuota.objects.get(pk=quota.remote_id)
        assert (quota.completes, quota.prescreens) == (supplier.completes, supplier.prescreens)


def test_target_group_updated_sent_by_the_sandbox_updates_the_target_group(live_connection):
    tg = TargetGroup.objects.get(project__connection=live_connection)

    change = request_change(
        "set_target_group_filling_goal", connection=live_connection, target_group=tg, payload={"filling_goal": 321}
    )

    change.refresh_from_db()
    assert change.state == "applied"
    event = WebhookEvent.objects.get(type="com.cint.target-group.updated")
    assert "filling_goal = 321" in event.outcome
    tg.refresh_from_db()
    assert tg.filling_goal == 321


def test_a_late_status_event_does_not_undo_a_status_change_the_supplier_applied_since(live_connection):
    """Pause, then resume: the pause's event arrives after the resume was applied; the target group stays live."""
    from fielding.runs.actions import request_run_action

    tg = TargetGroup.objects.get(project__connection=live_connection)
    assert tg.status == TargetGroup.Status.LIVE
    webhook = Webhook.objects.get(pk=live_connection.webhook_id)
    url = webhook.url
    Webhook.objects.filter(pk=webhook.pk).update(url="http://127.0.0.1:9/unreachable/")  # the pause's event is held
    pause = request_run_action(tg, "pause", by=None)
    pause.refresh_from_db()
    assert pause.state == "applied"
    assert WebhookDelivery.objects.filter(status="pending").exists()
    Webhook.objects.filter(pk=webhook.pk).update(url=url)
    WebhookDelivery.objects.filter(status="pending").update(url=url)
    tg.refresh_from_db()
    resume = request_run_action(tg, "resume", by=None)
    resume.refresh_from_db()
    assert resume.state == "applied"

    deliver_pending()  # the held "live → paused" event arrives last

    tg.refresh_from_db()
    assert tg.status == TargetGroup.Status.LIVE
    late = WebhookEvent.objects.filter(type="com.cint.target-group.updated", outcome__contains="status paused").get()
    assert "applied since" in late.outcome
