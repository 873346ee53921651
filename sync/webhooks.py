"""Webhooks from suppliers: verify, store once, apply soon after; and register the cockpit's webhook.

The connection's adapter checks the signature and reads the event into a
`suppliers.records.WebhookEvent`, whose `payload` says what the event means in the
cockpit's words (a `QuotaFill`, `TargetGroupChanges`). The receiver stores the event
with one INSERT (once per supplier event id: a replay, or a retry after our answer was
lost, changes nothing) and answers; `apply_pending` applies the stored events in the
order they happened, in batches, from a task the receiver starts (at most one waiting
at a time) and from the stuck-change sweep. Fills are absolute counts stamped with
their time, so the newest wins whatever order they arrive in. Apps register what they
apply per payload type (`@applies(QuotaFill)` in `quotas.webhooks`), and may apply a
batch's events of a type together in a few statements (`@applies_in_sets(QuotaFill)`),
with the same result as one by one.
"""

import logging
import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.tasks import enqueue
from projects.models import SupplierConnection, TargetGroup
from suppliers.records import TargetGroupChanges, payload_from_json, payload_to_json

from .adapters import adapter_for
from .bulk import insert_one, update_each
from .intents import reapply_intents
from .locks import lock_target_group, retry_transient
from .models import WebhookEvent

log = logging.getLogger(__name__)


# A task applying stored events is started at most once in this many seconds, and runs that
# long after: whatever is stored meanwhile is committed before it looks, shared cache or not.
APPLY_DEBOUNCE_SECONDS = 1
APPLY_PENDING_KEY = "webhooks:apply-pending"
# An event stamped further ahead of the cockpit's clock than this is stamped with its arrival instead:
# fills are applied newest first, so a moment in the future would hide every real fill after it.
CLOCK_SKEW = timedelta(minutes=1)
BATCH = 500
CHUNK = 500  # events applied in one transaction, the fills among them together


@retry_transient
def ingest(connection, event):
    """Store `event` once (one INSERT) and see that it is applied. Returns (row, created).

    `created` is False for a replay: the first delivery's row is returned and nothing more happens.
    """
    now = timezone.now()
    stamped = event.time or now
    if stamped > now + CLOCK_SKEW:
        log.warning(
            "webhook event %s of %s is stamped %s, ahead of the clock: taken as received",
            event.id,
            connection,
            stamped.isoformat(),
        )
        stamped = now
    values = {
        "connection": connection,
        "event_id": event.id,
        "type": event.type,
        "source": event.source,
        "subject": event.subject,
        "time": stamped,
        "data": event.data,
        "payload": payload_to_json(event.payload),
    }
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a replay's failed INSERT must not spoil the caller's transaction
                row = insert_one(WebhookEvent(**values))
        else:  # the receiver: one INSERT, in autocommit
            row = insert_one(WebhookEvent(**values))
    except IntegrityError:
        existing = WebhookEvent.objects.filter(connection=connection, event_id=event.id).first()
        if existing is None:
            raise
        return existing, False
    apply_soon()
    return row, True


def apply_soon():
    """Start a task that applies the stored events, unless one is already on its way.

    A task queue that cannot take the task changes nothing for the sender: its event is stored
    already, and the stuck-change sweep applies whatever is left unapplied."""
    if not cache.add(APPLY_PENDING_KEY, 1, APPLY_DEBOUNCE_SECONDS):
        return
    if not enqueue("sync.tasks.apply_webhook_events", countdown=APPLY_DEBOUNCE_SECONDS):
        cache.delete(APPLY_PENDING_KEY)  # the next event tries again


def apply_pending(limit=BATCH):
    """Apply the stored events not applied yet, oldest first; returns how many were applied."""
    cache.delete(APPLY_PENDING_KEY)  # in the receiver's process (or a shared cache): the next event starts a task
    applied = 0
    while applied < limit:
        size = min(CHUNK, limit - applied)
        done = _apply_chunk(size)
        applied += done
        if done < size:  # none waits any more (or another task has them)
            break
    return applied


@retry_transient
def _apply_chunk(size):
    """Up to `size` events in one transaction, marked, in words, with what was done; the events and their
    marks commit together. Rows another task is applying are skipped (PostgreSQL), so two tasks never
    apply the same event."""
    with transaction.atomic():
        rows = list(
            WebhookEvent.objects.filter(processed_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("time", "pk")
            .values_list(*Stored._fields)[:size]
        )
        if not rows:
            return 0
        now = timezone.now()
        connections = SupplierConnection.objects.in_bulk({row[1] for row in rows})
        rows = [Stored(*row)._replace(connection=connections[row[1]]) for row in rows]
        outcomes = apply_events(rows)
        marks = ((pk, words[:300], now) for pk, words in outcomes.items())
        update_each(WebhookEvent, ("outcome", "processed_at"), marks)
    return len(rows)


class Stored(NamedTuple):
    """A stored event as the applier reads it: what the receiver read of it (its payload), not its raw body."""

    pk: int
    connection: SupplierConnection  # read as its id
    event_id: str
    type: str
    time: datetime
    payload: dict | None


def apply_events(rows):
    """Apply stored events (in the order they happened: time, then arrival); returns {pk: words}.

    The events of a payload type an app applies in sets (`@applies_in_sets`) are applied together, in a
    few statements, as if one by one; the others one by one, each in a savepoint of its own. Events of
    different types touch different rows, so their order across types does not matter."""
    outcomes, together = {}, {}
    for row in rows:
        record = payload_from_json(row.payload)
        if type(record) in SET_HANDLERS:
            together.setdefault(type(record), []).append((row, record))
        else:
            outcomes[row.pk] = _apply_row(row, record)
    for payload_type, group in together.items():
        outcomes.update(_apply_set(SET_HANDLERS[payload_type], group))
    return outcomes


def _apply_set(handler, group):
    rows = [row for row, _ in group]
    events = [(row.connection, record, row.time or timezone.now()) for row, record in group]
    try:
        with transaction.atomic():
            return dict(zip((row.pk for row in rows), handler(events), strict=True))
    except DatabaseError:
        raise  # the whole chunk is tried again
    except Exception:  # one event the cockpit cannot apply must not hold back the others: one by one, then
        log.exception("webhook events could not be applied together; applying them one by one")
        return {row.pk: _apply_row(row, record) for row, record in group}


def _apply_row(row, record):
    """Apply what the receiver read of the event (its payload record), as it read it: nothing is parsed again."""
    try:
        with transaction.atomic():
            return apply_event(row.connection, record, row.type, row.time or timezone.now())
    except DatabaseError:
        raise  # the whole chunk is tried again
    except Exception:  # one event the cockpit cannot apply must not hold back those after it
        log.exception("webhook event %s of %s could not be applied", row.event_id, row.connection)
        return "Not applied: the cockpit failed on this event (logged); the next sync reads the current counts."


HANDLERS = {}
SET_HANDLERS = {}


def applies(payload_type):
    """Decorator: `function(connection, payload, at)` applies payloads of `payload_type`, returns words."""

    def decorate(function):
        HANDLERS[payload_type] = function
        return function

    return decorate


def applies_in_sets(payload_type):
    """Decorator: `function(events)` applies many payloads of `payload_type` at once, exactly as its
    `@applies` function would one by one in the order given; `events` are (connection, payload, at)
    and it returns the words of each, in their order."""

    def decorate(function):
        SET_HANDLERS[payload_type] = function
        return function

    return decorate


def apply_event(connection, payload, event_type, at):
    """Apply an event's payload record to the mirrored rows; returns what was done, in words."""
    handler = HANDLERS.get(type(payload))
    if payload is None or handler is None:
        return f"Ignored: the cockpit does not use {event_type} events."
    return handler(connection, payload, at)


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
    status_applied_later = _status_applied_after(tg, at)
    for field, value in changes.fields.items():
        if field == "status" and value not in statuses:
            skipped.append(f"status {value}")
            continue
        if field == "status" and status_applied_later:
            # A status change the PM asked for was applied after this event happened: the event is older news.
            skipped.append(f"status {value} (older than the {status_applied_later} applied since)")
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


def _status_applied_after(tg, at):
    """The description of a status change of `tg` the supplier applied after `at`, or ""."""
    from .kinds import kind_of
    from .models import RemoteChange
    from .wording import describe

    later = RemoteChange.objects.filter(target_group=tg, state="applied", finished_at__gt=at).order_by("-pk")
    for change in later.select_related("target_group")[:20]:
        try:
            touched = kind_of(change).touches(change)
        except KeyError:
            continue
        if "status" in touched or "fielding" in touched:
            return f"“{describe(change)}”"
    return ""


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
