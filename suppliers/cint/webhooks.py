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
from suppliers.values import decimal, text, when

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


# The largest count the cockpit stores (a positive 32-bit integer).
MAX_COUNT = 2**31 - 1


def parse_event(body):
    """A `WebhookEvent` from a structured-mode CloudEvent's body.

    Every field the cockpit uses is checked (types, ranges, dates, no NUL characters); a
    body that does not pass raises `BadEvent` saying why, so nothing half-read is stored.
    """
    try:
        envelope = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadEvent("the body is not JSON") from None
    if not isinstance(envelope, dict):
        raise BadEvent("the body is not a CloudEvent (a JSON object)")
    if (b"\\u0000" if isinstance(body, bytes) else "\\u0000") in body:
        # JSON can carry a NUL only as the escape \u0000 (a raw one is not JSON): look closer only then.
        _no_nul(envelope, "the event")
    event_id, event_type = envelope.get("id"), envelope.get("type")
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > 200:
        raise BadEvent("the CloudEvent's id must be a text of 1 to 200 characters")
    if not isinstance(event_type, str) or not event_type.strip() or len(event_type) > 200:
        raise BadEvent("the CloudEvent's type must be a text of 1 to 200 characters")
    data = envelope.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadEvent("the CloudEvent's data must be an object")
    for name in ("source", "subject"):
        if envelope.get(name) is not None and not isinstance(envelope[name], str):
            raise BadEvent(f"the CloudEvent's {name} must be a text")
    event = WebhookEvent(
        id=event_id,
        type=event_type,
        name=event_name(event_type),
        source=text(envelope.get("source"), 500),
        subject=text(envelope.get("subject"), 500),
        time=_moment(envelope.get("time"), "time") if envelope.get("time") is not None else None,
        data=data,
        account_id=_account(data.get("account_id")),
    )
    reader = PAYLOADS.get(event.name)
    event.payload = reader(data) if reader else None
    return event


def _account(value):
    """The event's account id (an integer in Cint's examples), as text; "" when the event names none."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | str) or len(str(value)) > 64:
        raise BadEvent("data.account_id must be an account id (a number)")
    return str(value).strip()


def _no_nul(value, where):
    """Refuse NUL characters anywhere (they cannot be stored, and no real event has them)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadEvent(f"{where} contains a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, where)
            _no_nul(item, where)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item, where)


def _moment(value, name):
    """An RFC 3339 timestamp with its offset (a naive or impossible one is refused)."""
    if not isinstance(value, str) or "T" not in value.upper():
        raise BadEvent(f"{name} must be an RFC 3339 date-time, such as 2026-01-01T10:00:00Z")
    moment = when(value)
    if moment is None or not (value.rstrip().upper().endswith("Z") or _has_offset(value)):
        raise BadEvent(f"{name} must be an RFC 3339 date-time with its offset, such as 2026-01-01T10:00:00Z")
    return moment


def _has_offset(value):
    tail = value.strip()[-6:]
    return len(tail) == 6 and tail[0] in "+-" and tail[3] == ":"


def _text(data, name, *, required=True, limit=200):
    value = data.get(name)
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise BadEvent(f"data.{name} must be a non-empty text")
    value = str(value)
    if len(value) > limit:
        raise BadEvent(f"data.{name} is longer than {limit} characters")
    return value


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise BadEvent(f"{name} must be a whole number from 0 to {MAX_COUNT:,}")
    return value


def _quota_fill(data):
    prescreens = data.get("prescreens", data.get("screens"))
    return QuotaFill(
        target_group_id=_text(data, "target_group_id"),
        quota_id=_text(data, "profile_quota_id"),
        completes=_count(data.get("completes"), "data.completes"),
        prescreens=None if prescreens is None else _count(prescreens, "data.prescreens"),
    )


def _bounded_text(limit):
    def read(value, name):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise BadEvent(f"{name} must be a text")
        if len(value) > limit:
            raise BadEvent(f"{name} is longer than {limit} characters")
        return value

    return read


def _number(places, highest):
    """A decimal from 0 to `highest` (inclusive) with `places` decimals."""

    def read(value, name):
        amount = value.get("value") if isinstance(value, dict) else value
        if isinstance(amount, bool):
            amount = None
        number = decimal(amount, places)
        if number is None or not 0 <= number <= highest:
            raise BadEvent(f"{name} must be a number from 0 to {highest}")
        return number

    return read


def _whole(value, name):
    return _count(value, name)


def _flag(value, name):
    if not isinstance(value, bool):
        raise BadEvent(f"{name} must be true or false")
    return value


def _status(value, name):
    if not isinstance(value, str) or not value.strip():
        raise BadEvent(f"{name} must be a status")
    return value.lower()


def _date_time(value, name):
    return None if value is None else _moment(value, name)


# The changelog's change objects -> (the cockpit's target group field, how to read the new value).
TG_CHANGES = {
    "name_change": ("name", _bounded_text(255)),
    "status_change": ("status", _status),
    "filling_goal_change": ("filling_goal", _whole),
    "expected_length_of_interview_minutes_change": ("expected_length_of_interview_minutes", _whole),
    "expected_incidence_rate_change": ("expected_incidence_rate", _number(2, 1)),
    "live_url_change": ("live_url", _bounded_text(2000)),
    "test_url_change": ("test_url", _bounded_text(2000)),
    "project_manager_change": ("project_manager_id", _bounded_text(64)),
    "business_unit_change": ("business_unit_id", _bounded_text(64)),
    "study_type_change": ("study_type_code", _bounded_text(40)),
    "industry_lockout_code_change": ("industry_lockout_code", _bounded_text(40)),
    "collects_pii_change": ("collects_pii", _flag),
    "locale_change": ("locale", _bounded_text(12)),
    "currency_change": ("cpi_currency", _bounded_text(3)),
    "cpi_change": ("cpi", _number(4, 999_999)),
    "fielding_period_start_date_change": ("fielding_start_at", _date_time),
    "fielding_period_end_date_change": ("fielding_end_at", _date_time),
}


def _target_group_changes(data):
    changes = data.get("changes")
    if changes is None:
        changes = []
    if not isinstance(changes, list) or not all(isinstance(change, dict) for change in changes):
        raise BadEvent("data.changes must be a list of change objects")
    fields, skipped = {}, []
    for number, change in enumerate(changes, start=1):
        mapping = TG_CHANGES.get(change.get("object"))
        if mapping is None:
            skipped.append(str(change.get("object"))[:60])
            continue
        field, read = mapping
        fields[field] = read(change.get("new_value"), f"data.changes[{number}].new_value ({change['object']})")
    return TargetGroupChanges(target_group_id=_text(data, "target_group_id"), fields=fields, skipped=skipped)


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
