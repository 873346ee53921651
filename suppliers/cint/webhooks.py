"""Cint's webhooks: the signature, the CloudEvents it sends, and registering the cockpit's webhook.

Cint sends CloudEvents 1.0 in structured mode, signed in
``Cint-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over ``f"{t}.{body}"`` with the
webhook's secret. Binary mode (``ce-*`` headers) is refused: the signature covers only
the body, so the event's id and type would not be signed.
"""

import hashlib
import hmac
import json
import os
import time

from suppliers.errors import BadEvent, BadSignature, NotFound
from suppliers.records import QuotaFill, TargetGroupChanges, WebhookEvent
from suppliers.values import decimal, text, when, whole

SIGNATURE_HEADER = "Cint-Signature"
TOLERANCE_SECONDS = 5 * 60
EVENTS = ["target-group-updated", "quota-fill-registered"]


def sign(secret, timestamp, body):
    """The `Cint-Signature` value for `body` (bytes or str) at `timestamp`."""
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


def event_name(event_type):
    """``com.cint.quota-fill.registered`` -> ``quota-fill-registered`` (the subscription name)."""
    return event_type.lower().removeprefix("com.cint.").replace(".", "-")


def parse_event(body):
    """A `WebhookEvent` from a structured-mode CloudEvent's body."""
    try:
        envelope = json.loads(body or b"null")
    except ValueError:
        raise BadEvent("the body is not JSON") from None
    if not isinstance(envelope, dict):
        raise BadEvent("the body is not a CloudEvent")
    if not envelope.get("id") or not envelope.get("type"):
        raise BadEvent("the CloudEvent has no id or type")
    data = envelope.get("data")
    data = data if isinstance(data, dict) else {}
    event = WebhookEvent(
        id=str(envelope["id"])[:200],
        type=str(envelope["type"])[:200],
        name=event_name(str(envelope["type"])),
        source=text(envelope.get("source"), 500),
        subject=text(envelope.get("subject"), 500),
        time=when(envelope.get("time")) if isinstance(envelope.get("time"), str) else None,
        data=data,
    )
    reader = PAYLOADS.get(event.name)
    event.payload = reader(data) if reader else None
    return event


def _quota_fill(data):
    prescreens = data.get("prescreens", data.get("screens"))
    return QuotaFill(
        target_group_id=text(data.get("target_group_id")),
        quota_id=text(data.get("profile_quota_id")),
        completes=whole(data.get("completes")),
        prescreens=None if prescreens is None else whole(prescreens),
    )


def _money_value(value):
    return decimal(value.get("value") if isinstance(value, dict) else value, 4)


# The changelog's change objects -> (the cockpit's target group field, how to read the new value).
TG_CHANGES = {
    "name_change": ("name", lambda v: text(v, 255)),
    "status_change": ("status", lambda v: text(v).lower()),
    "filling_goal_change": ("filling_goal", whole),
    "expected_length_of_interview_minutes_change": ("expected_length_of_interview_minutes", whole),
    "expected_incidence_rate_change": ("expected_incidence_rate", lambda v: decimal(v, 2)),
    "live_url_change": ("live_url", text),
    "test_url_change": ("test_url", text),
    "project_manager_change": ("project_manager_id", text),
    "business_unit_change": ("business_unit_id", text),
    "study_type_change": ("study_type_code", text),
    "industry_lockout_code_change": ("industry_lockout_code", text),
    "collects_pii_change": ("collects_pii", bool),
    "locale_change": ("locale", text),
    "currency_change": ("cpi_currency", lambda v: text(v, 3)),
    "cpi_change": ("cpi", _money_value),
    "fielding_period_start_date_change": ("fielding_start_at", when),
    "fielding_period_end_date_change": ("fielding_end_at", when),
}


def _target_group_changes(data):
    fields, skipped = {}, []
    for change in data.get("changes") or []:
        if not isinstance(change, dict):
            continue
        mapping = TG_CHANGES.get(change.get("object"))
        if mapping is None:
            skipped.append(str(change.get("object")))
            continue
        field, read = mapping
        fields[field] = read(change.get("new_value"))
    return TargetGroupChanges(target_group_id=text(data.get("target_group_id")), fields=fields, skipped=skipped)


PAYLOADS = {"quota-fill-registered": _quota_fill, "target-group-updated": _target_group_changes}


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid():
    """A ULID (48 bits of milliseconds, 80 random bits), the id shape the contract's webhooks take."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def register(client, url, *, webhook_id="", has_secret=False, new_key):
    """Create (or point at `url`) the account's webhook; returns ``(webhook id, secret or "")``.

    Reuses `webhook_id`, or one the supplier already has for this URL, so running it again
    does not subscribe twice. The secret is only ever returned on creation or regeneration,
    so a webhook whose secret the cockpit lost (`has_secret` False) gets a new one. An empty
    secret in the answer means "keep the one you have".
    """
    body = {"url": url, "events": EVENTS}
    known = webhook_id
    if not webhook_id:
        webhook_id = next((w.get("id") for w in client.iter_webhooks() if w.get("url") == url), "")
    if webhook_id:
        try:
            client.update_webhook(webhook_id, body, idempotency_key=new_key())
        except NotFound:
            webhook_id = ""
        else:
            if known != webhook_id or not has_secret:
                answer = client.regenerate_webhook_secret(webhook_id, idempotency_key=new_key())
                return webhook_id, (answer.data or {}).get("secret") or ""
            return webhook_id, ""
    answer = client.create_webhook({"id": new_ulid(), **body}, idempotency_key=new_key())
    return (answer.data or {}).get("id") or "", (answer.data or {}).get("secret") or ""
