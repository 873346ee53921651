"""Webhooks from Cint: verify, store once, apply; and register the cockpit's webhook.

Cint sends CloudEvents 1.0 (structured JSON; binary mode with ``ce-*`` headers is read
too) signed in ``Cint-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over
``f"{t}.{body}"`` with the webhook's secret. An event is stored once per CloudEvents
``id`` and applied in the same transaction, so a replay (or a retry after our answer
was lost) changes nothing.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from ulid import ULID

from projects.models import TargetGroup
from suppliers.cint import errors

from .models import WebhookEvent
from .outbox import close_client, reapply_intents
from .upsert import decimal, when, whole

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Cint-Signature"
TOLERANCE_SECONDS = 5 * 60
EVENTS = ["target-group-updated", "quota-fill-registered"]


class BadSignature(Exception):
    """The request was not signed with this connection's secret, or too long ago."""


class BadEvent(Exception):
    """The body is not a CloudEvent we can read."""


# --- signature -----------------------------------------------------------------------------


def sign(secret, timestamp, body):
    """The `Cint-Signature` value for `body` (bytes or str) at `timestamp` (for tests and benches)."""
    body = body if isinstance(body, bytes) else body.encode()
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret, header, body, *, now=None, tolerance=TOLERANCE_SECONDS):
    """Raise BadSignature unless `header` signs `body` (bytes) with `secret` within `tolerance` seconds."""
    if not secret:
        raise BadSignature("no webhook secret is stored for this connection")
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1":
            signatures.append(value)
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise BadSignature("the signature has no timestamp") from None
    if abs((now if now is not None else time.time()) - sent_at) > tolerance:
        raise BadSignature("the signature is too old (or from the future)")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise BadSignature("the signature does not match")


# --- events --------------------------------------------------------------------------------


@dataclass
class Event:
    id: str
    type: str
    source: str
    subject: str
    time: str
    data: dict

    @property
    def name(self):
        """``com.cint.quota-fill.registered`` -> ``quota-fill-registered`` (the subscription name)."""
        name = self.type.lower()
        name = name.removeprefix("com.cint.")
        return name.replace(".", "-")


def parse_event(body, headers):
    """A CloudEvent in structured mode: the whole envelope is in the signed body.

    Binary mode (``ce-*`` headers) is refused: the signature covers only the body, so
    the event's id and type would not be signed, and a captured body could be replayed
    under a new id.
    """
    try:
        envelope = json.loads(body or b"null")
    except ValueError:
        raise BadEvent("the body is not JSON") from None
    if not isinstance(envelope, dict):
        raise BadEvent("the body is not a CloudEvent")
    if not envelope.get("id") or not envelope.get("type"):
        raise BadEvent("the CloudEvent has no id or type")
    data = envelope.get("data")
    return Event(
        id=str(envelope["id"])[:200],
        type=str(envelope["type"])[:200],
        source=str(envelope.get("source") or "")[:500],
        subject=str(envelope.get("subject") or "")[:500],
        time=envelope.get("time") or "",
        data=data if isinstance(data, dict) else {},
    )


def ingest(connection, event):
    """Store and apply `event` once. Returns (row, created): created is False for a replay.

    The event is applied first and stored last, in one transaction: a second delivery of
    the same id breaks the unique constraint, which rolls its application back.
    """
    at = when(event.time) if isinstance(event.time, str) else None
    try:
        with transaction.atomic():
            outcome = apply_event(connection, event, at or timezone.now())
            row = WebhookEvent.objects.create(
                connection=connection,
                event_id=event.id,
                type=event.type,
                source=event.source,
                subject=event.subject,
                time=at,
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


def handles(name):
    def decorate(function):
        HANDLERS[name] = function
        return function

    return decorate


def apply_event(connection, event, at):
    """Apply an event to the mirrored rows; returns what was done, in words."""
    handler = HANDLERS.get(event.name)
    if handler is None:
        return f"Ignored: the cockpit does not use {event.type} events."
    return handler(connection, event.data, at)


def _target_group(connection, data):
    remote_id = data.get("target_group_id")
    if not remote_id:
        return None
    return TargetGroup.objects.filter(project__connection=connection, remote_id=str(remote_id)).order_by().first()


# The changelog's change objects -> (TargetGroup field, how to read the new value).
TG_CHANGES = {
    "name_change": ("name", lambda v: str(v or "")[:255]),
    "status_change": ("status", lambda v: str(v or "").lower()),
    "filling_goal_change": ("filling_goal", whole),
    "expected_length_of_interview_minutes_change": ("expected_length_of_interview_minutes", whole),
    "expected_incidence_rate_change": ("expected_incidence_rate", lambda v: decimal(v, 2)),
    "live_url_change": ("live_url", lambda v: str(v or "")),
    "test_url_change": ("test_url", lambda v: str(v or "")),
    "project_manager_change": ("project_manager_id", lambda v: str(v or "")),
    "business_unit_change": ("business_unit_id", lambda v: str(v or "")),
    "study_type_change": ("study_type_code", lambda v: str(v or "")),
    "industry_lockout_code_change": ("industry_lockout_code", lambda v: str(v or "")),
    "collects_pii_change": ("collects_pii", bool),
    "locale_change": ("locale", lambda v: str(v or "")),
    "currency_change": ("cpi_currency", lambda v: str(v or "")[:3]),
    "cpi_change": ("cpi", lambda v: decimal(v.get("value") if isinstance(v, dict) else v, 4)),
    "fielding_period_start_date_change": ("fielding_start_at", when),
    "fielding_period_end_date_change": ("fielding_end_at", when),
}


@handles("target-group-updated")
def apply_target_group_update(connection, data, at):
    """The target group fields the changelog names; changes the cockpit does not mirror are listed as skipped."""
    tg = _target_group(connection, data)
    if tg is None:
        return "Ignored: the target group is not mirrored yet; the next sync will bring it."
    if tg.synced_at is not None and tg.synced_at > at:
        return "Ignored: the target group was read after this event (a late or repeated delivery)."
    statuses = set(TargetGroup.Status.values)
    changed, skipped = {}, []
    for change in data.get("changes") or []:
        mapping = TG_CHANGES.get(change.get("object"))
        if mapping is None:
            skipped.append(str(change.get("object")))
            continue
        field, read = mapping
        value = read(change.get("new_value"))
        if field == "status" and value not in statuses:
            skipped.append(f"status {value}")
            continue
        if value is None and not TargetGroup._meta.get_field(field).null:
            skipped.append(str(change.get("object")))
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
    return base + reverse("sync:cint_webhook", args=[connection.pk])


def register_webhook(connection, url=None, client=None):
    """Create (or point at `url`) the supplier webhook of `connection`; store its id and secret.

    Reuses the stored webhook, or one the supplier already has for this URL, so running
    it again does not subscribe twice. The secret is only ever returned on creation or
    regeneration, so a webhook whose secret the cockpit lost gets a new one.
    """
    from .cint import client_for

    url = url or webhook_url(connection)
    if client is None:
        client = client_for(connection)
        try:
            return register_webhook(connection, url, client)
        finally:
            close_client(client)
    body = {"url": url, "events": EVENTS}
    webhook_id = connection.webhook_id
    if not webhook_id:
        webhook_id = next((w.get("id") for w in client.iter_webhooks() if w.get("url") == url), "")
    if webhook_id:
        try:
            client.update_webhook(webhook_id, body, idempotency_key=str(uuid.uuid4()))
        except errors.NotFound:
            webhook_id = ""
        else:
            if connection.webhook_id != webhook_id or not connection.webhook_secret:
                answer = client.regenerate_webhook_secret(webhook_id, idempotency_key=str(uuid.uuid4()))
                connection.webhook_secret = (answer.data or {}).get("secret") or ""
            connection.webhook_id = webhook_id
    if not webhook_id:
        answer = client.create_webhook({"id": str(ULID()), **body}, idempotency_key=str(uuid.uuid4()))
        connection.webhook_id = (answer.data or {}).get("id") or ""
        connection.webhook_secret = (answer.data or {}).get("secret") or ""
    connection.save(update_fields=["webhook_id", "webhook_secret"])
    log.info("webhook %s of %s points at %s", connection.webhook_id, connection, url)
    return connection
