"""Webhook notifications: CloudEvents 1.0 envelopes, signed with the webhook's
secret, recorded as `WebhookDelivery` rows first and sent after.

Signature (from the contract's WebhookSecret description):
`Cint-Signature: t=<unix ts>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>`.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid

import requests
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from config.tasks import task

from ..ids import iso
from ..models import ChangelogEntry, Webhook, WebhookDelivery

log = logging.getLogger(__name__)

# Subscription names (the contract's WebhookEvents) -> CloudEvents `type`.
EVENT_TYPES = {
    "target-group-updated": "com.cint.target-group.updated",
    "quota-fill-registered": "com.cint.quota-fill.registered",
    "session-updated": "com.cint.session.updated",
}
TIMEOUT_SECONDS = 3


def sign(secret, timestamp, body):
    """The `Cint-Signature` header value for this body at this time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def envelope(event, account_id, subject, data, *, now=None, source=None):
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source or f"/demand/accounts/{account_id}",
        "type": EVENT_TYPES[event],
        "subject": subject,
        "time": iso(now or timezone.now()),
        "datacontenttype": "application/json",
        "data": data,
    }


def emit(account_id, event, subject, data, *, now=None, source=None, enqueue=True):
    """Record one delivery per webhook subscribed to `event`; send after commit.

    With `enqueue=False` the caller sends the deliveries itself (the simulation
    sends all of a step's at its end, instead of one task per quota).
    """
    deliveries = []
    for webhook in Webhook.objects.filter(account_id=account_id):
        if event not in webhook.events:
            continue
        payload = envelope(event, account_id, subject, data, now=now, source=source)
        deliveries.append(
            WebhookDelivery.objects.create(
                webhook=webhook,
                url=webhook.url,
                event_id=payload["id"],
                event_type=event,
                subject=subject,
                body=json.dumps(payload, separators=(",", ":")),
            )
        )
    if deliveries and enqueue:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _enqueue(ids):
    try:
        # By name: the task module imports this one to run its step.
        task("sandbox.tasks.deliver_webhooks").delay(ids)
    except Exception:  # a broker hiccup must not break the API call; the next simulation step sends them
        log.warning("sandbox: could not enqueue webhook deliveries %s", ids, exc_info=True)


def deliver(delivery, *, session=None, now=None):
    """Send one delivery and record the outcome; never raises."""
    claimed = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    delivery.refresh_from_db()
    secret = delivery.webhook.secret if delivery.webhook else ""
    timestamp = int((now or timezone.now()).timestamp())
    signature = sign(secret, timestamp, delivery.body)
    headers = {"Content-Type": "application/cloudevents+json; charset=utf-8", "Cint-Signature": signature}
    delivery.signature = signature
    try:
        response = (session or requests).post(
            delivery.url, data=delivery.body.encode(), headers=headers, timeout=TIMEOUT_SECONDS
        )
    except Exception as exc:  # connection refused, timeout, bad URL...
        delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
        delivery.response_status = None
        ok = False
    else:
        delivery.response_status = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.error = "" if ok else response.text[:2000]
    if ok:
        delivery.status = WebhookDelivery.Status.SENT
        delivery.sent_at = timezone.now()
    else:
        retry = delivery.attempts < WebhookDelivery.MAX_ATTEMPTS
        delivery.status = WebhookDelivery.Status.PENDING if retry else WebhookDelivery.Status.FAILED
    delivery.save(update_fields=["status", "response_status", "error", "signature", "sent_at"])
    return ok


def deliver_pending(ids=None, *, session=None, limit=200):
    """Send pending deliveries (these ids, or all); returns how many were sent."""
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).order_by("id")
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = 0
    for delivery in pending.select_related("webhook")[:limit]:
        sent += deliver(delivery, session=session)
    return sent


def record_tg_change(tg, changes, *, user_id=None, now=None):
    """Log changes to a target group in its changelog and notify `target-group-updated`.

    `changes` is a list of (object, old_value, new_value), e.g.
    ("status_change", "live", "paused").
    """
    # A null old_value is left out: the contract's allOf[nullable, <type>] rejects null.
    changes = [
        {"object": obj, "new_value": new, **({"old_value": old} if old is not None else {})}
        for obj, old, new in changes
        if old != new
    ]
    if not changes:
        return None
    now = now or timezone.now()
    entry = ChangelogEntry.objects.create(target_group=tg, occurred_at=now, user_id=user_id, changes=changes)
    project = tg.project
    user = {"type": "las_user", "las_user_id": str(user_id)} if user_id else {"type": "system_marketplace_user"}
    emit(
        project.account_id,
        "target-group-updated",
        tg.id,
        {
            "id": str(uuid.uuid4()),
            "account_id": project.account_id,
            "project_id": project.id,
            "target_group_id": tg.id,
            "occurred_at": iso(now),
            "user": user,
            "changes": [{"object": c["object"], "new_value": c["new_value"]} for c in changes],
        },
        now=now,
        source=f"/demand/accounts/{project.account_id}/projects/{project.id}/target-groups/{tg.id}",
    )
    return entry


def quota_fill(tg, quotas, *, now=None):
    """Notify `quota-fill-registered` once per quota that changed."""
    project = tg.project
    for quota in quotas:
        emit(
            project.account_id,
            "quota-fill-registered",
            tg.id,
            {
                "account_id": project.account_id,
                "target_group_id": tg.id,
                "profile_quota_id": quota.id,
                "screens": quota.prescreens,
                "prescreens": quota.prescreens,
                "completes": quota.completes,
                "completes_goal": quota.completes_goal,
            },
            now=now,
            source=f"/demand/accounts/{project.account_id}/projects/{project.id}/target-groups/{tg.id}",
            enqueue=False,
        )


def stuck_deliveries(older_than_seconds=60):
    """Deliveries left in `sending` by a crashed worker go back to pending."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return WebhookDelivery.objects.filter(Q(status=WebhookDelivery.Status.SENDING) & Q(created_at__lt=cutoff)).update(
        status=WebhookDelivery.Status.PENDING
    )
