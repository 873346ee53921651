import json

import pytest
import responses
from django.core.management import call_command

from projects.tests.factories import ConnectionFactory
from sync.tests.wire import ACCOUNT, BASE, wire  # noqa: F401
from sync.webhooks import register_webhook

pytestmark = pytest.mark.django_db

WEBHOOKS = f"{BASE}/accounts/{ACCOUNT}/webhooks"
URL = "https://cockpit.example.com/webhooks/cint/1/"


def created(request):
    body = json.loads(request.body)
    answer = {**body, "secret": "new-secret", "created_at": "2025-01-01T00:00:00.000Z"}
    return 201, {}, json.dumps(answer)


def test_register_webhook_creates_one_and_stores_its_id_and_secret(wire):  # noqa: F811
    connection = ConnectionFactory()
    wire.add(responses.GET, WEBHOOKS, json={"webhooks": [], "has_more": False})
    wire.add_callback(responses.POST, WEBHOOKS, created, content_type="application/json")

    register_webhook(connection, URL)

    connection.refresh_from_db()
    assert connection.webhook_secret == "new-secret"
    assert len(connection.webhook_id) == 26
    sent = json.loads(wire.calls[-1].request.body)
    assert sent["url"] == URL
    assert set(sent["events"]) == {"target-group-updated", "quota-fill-registered"}
    assert wire.calls[-1].request.headers["idempotency-key"]


def test_register_webhook_again_updates_the_stored_one_instead_of_creating_another(wire):  # noqa: F811
    connection = ConnectionFactory(webhook_id="01JPVZD75DW4KRP7MPFMF6KGZX", webhook_secret="kept")
    stored = f"{WEBHOOKS}/01JPVZD75DW4KRP7MPFMF6KGZX"
    update = wire.add(responses.PUT, stored, json={"id": "01JPVZD75DW4KRP7MPFMF6KGZX"})
    create = wire.add(responses.POST, WEBHOOKS, json={})

    register_webhook(connection, "https://elsewhere.example.com/hook/")

    connection.refresh_from_db()
    assert update.call_count == 1
    assert create.call_count == 0
    assert connection.webhook_secret == "kept"
    assert json.loads(update.calls[0].request.body)["url"] == "https://elsewhere.example.com/hook/"


def test_register_webhook_command_reports_the_webhook(wire, capsys):  # noqa: F811
    connection = ConnectionFactory()
    wire.add(responses.GET, WEBHOOKS, json={"webhooks": [], "has_more": False})
    wire.add_callback(responses.POST, WEBHOOKS, created, content_type="application/json")

    call_command("register_webhook", URL, "--connection", str(connection.pk))

    connection.refresh_from_db()
    assert connection.webhook_id in capsys.readouterr().out
