"""Webhooks from suppliers: verify, store once, apply; and register the cockpit's webhook.

The connection's adapter checks the signature and reads the event into a
`suppliers.records.WebhookEvent`, whose `payload` says what the event means in the
cockpit's words (a `QuotaFill`, `TargetGroupChanges`). An event is stored once per
supplier event id and applied in the same transaction, so a replay (or a retry after
our answer was lost) changes nothing. Apps register what they apply per payload type
(`@applies(QuotaFill)` in `quotas.webhooks`).
"""

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import TargetGroup
from suppliers.records import TargetGroupChanges

from .locks import lock_target_group, retry_transient
from .models import WebhookEvent
from .outbox import reapply_intents
from .suppliers import adapter_for

log = logging.getLogger(__name__)


@retry_transient
def ingest(connection, event):
    """Store and apply `event` once. Returns (row, created): created is False for a replay.

    The event is applied first and stored last, in one transaction: a second delivery of
    the same id breaks the unique constraint, which rolls its application back.
    """
    try:
        with transaction.atomic():
            outcome = apply_event(connection, event, event.time or timezone.now())
            row = WebhookEvent.objects.create(
                connection=connection,
                event_id=event.id,
                type=event.type,
                source=event.source,
                subject=event.subject,
                time=event.time,
                data=event.data,
                processed_at=timezone.now(),
                outcome=outcome[:300],
            )
    except IntegrityError:
        existing = WebhookEvent.objects.filter(connection=connection, event_id=event.id).first()
        if existing is None:
            raise
        return existing, False
    return row, True


HANDLERS = {}


def applies(payload_type):
    """Decorator: `function(connection, payload, at)` applies payloads of `payload_type`, returns words."""

    def decorate(function):
        HANDLERS[payload_type] = function
        return function

    return decorate


def apply_event(connection, event, at):
    """Apply an event to the mirrored rows; returns what was done, in words."""
    handler = HANDLERS.get(type(event.payload))
    if event.payload is None or handler is None:
        return f"Ignored: the cockpit does not use {event.type} events."
    return handler(connection, event.payload, at)


def target_group_of(connection, remote_id):
    if not remote_id:
        return None
    return TargetGroup.objects.filter(project__connection=connection, remote_id=str(remote_id)).order_by().first()


@applies(TargetGroupChanges)
def apply_target_group_changes(connection, changes, at):
    """The target group fields the event names; what the cockpit does not mirror is listed as skipped."""
    tg = target_group_of(connection, changes.target_group_id)
    if tg is None:
        return "Ignored: the target group is not mirrored yet; the next sync will bring it."
    lock_target_group(tg.pk)
    if tg.synced_at is not None and tg.synced_at > at:
        return "Ignored: the target group was read after this event (a late or repeated delivery)."
    statuses = set(TargetGroup.Status.values)
    changed, skipped = {}, list(changes.skipped)
    for field, value in changes.fields.items():
        if field == "status" and value not in statuses:
            skipped.append(f"status {value}")
            continue
        if value is None and not TargetGroup._meta.get_field(field).null:
            skipped.append(field)
            continue
        changed[field] = value
    if changed:
        TargetGroup.objects.filter(pk=tg.pk).update(**changed)
        tg.refresh_from_db()
        reapply_intents(tg)
    words = ", ".join(f"{field} = {value}" for field, value in changed.items()) or "nothing the cockpit mirrors"
    return f"Updated {words}" + (f"; skipped {', '.join(skipped)}." if skipped else ".")


# --- registration --------------------------------------------------------------------------


def webhook_url(connection, base_url=None):
    """Where the supplier should send this connection's events."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("sync:webhook", args=[connection.kind, connection.pk])


def register_webhook(connection, url=None, adapter=None):
    """Create (or point at `url`) the supplier webhook of `connection`; store its id and secret.

    Running it again does not subscribe twice; a webhook whose secret the cockpit lost
    gets a new one.
    """
    url = url or webhook_url(connection)
    own_adapter = adapter is None
    adapter = adapter or adapter_for(connection)
    try:
        webhook_id, secret = adapter.register_webhook(
            url,
            webhook_id=connection.webhook_id,
            has_secret=bool(connection.webhook_secret),
            new_key=lambda: str(uuid.uuid4()),
        )
    finally:
        if own_adapter:
            adapter.close()
    connection.webhook_id = webhook_id
    if secret:  # the supplier only says the secret when it makes a new one
        connection.webhook_secret = secret
    connection.save(update_fields=["webhook_id", "webhook_secret"])
    log.info("webhook %s of %s points at %s", connection.webhook_id, connection, url)
    return connection
