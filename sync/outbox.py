"""The outbox: every change a PM asks for is recorded, then sent by Celery.

A change kind (enable quotas, pause a fielding run, ...) is a `ChangeKind`
registered under its name by the app that owns the data it touches; this module
knows nothing of profiles or fielding runs. The loop for one change:

1. `request_change` writes the local intent and a pending `RemoteChange` in one
   transaction and enqueues `send_change` when that transaction commits.
2. `process_change` claims the row, sends it through the adapter of the connection's
   supplier (`sync.adapters.adapter_for`) with its idempotency key and the target
   group's current version (ETag), and records the outcome in words a PM understands:
   * 429 / 5xx / timeouts: back to pending and retried later with the same key;
     after `SYNC_MAX_ATTEMPTS` tries, `failed` and the local intent reverted;
   * 412: re-read the resource, and either find the change no longer needed
     (`applied` or `conflict`, with the reason) or re-send it once;
   * 400 / 404 / 422 / 401 / 403: `failed`, the supplier's words kept, the local
     intent replaced by the supplier's truth;
   * a re-send of an operation the supplier does not de-duplicate by idempotency key
     (its capabilities say which do) first re-reads and checks the verdict, so a write
     whose answer was lost is never applied twice.
3. Changes to one target group go out one at a time, in the order asked: a
   change waits while an earlier one of the same TG is unsettled (only the first
   of a queue is enqueued when asked), and each outcome's transaction claims the
   next one for the same worker, which sends it at once (`SYNC_CHANGES_PER_TASK`
   in a row; past that, or when another worker must take it, it is enqueued).
4. Whatever writes the supplier's values on a target group's rows (pull sync,
   webhooks, and here a kind's `applied` and `refresh`) calls `reapply_intents` once
   afterwards, so the intent of a change still on its way stays shown. Kinds and the
   mirror functions never call it themselves.

A change the connection's supplier cannot take (no adapter, or no capability for it)
is refused by `request_change` with `Unsupported`, before anything is recorded.
"""

import copy
import logging
import os
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from config.tasks import task
from projects.models import TargetGroup
from projects.queries import FINISHED_STATUSES
from suppliers import errors
from suppliers.adapter import Unsupported
from suppliers.registry import adapter_class

from .locks import lock_target_group, retry_transient, writing_target_group
from .models import RemoteChange

log = logging.getLogger(__name__)

State = RemoteChange.State

_kinds = {}


@dataclass
class Verdict:
    """What a re-read (after a 412, or before a re-send) says about a change."""

    needed: bool
    state: str = State.APPLIED  # when not needed: APPLIED (already so) or CONFLICT
    reason: str = ""


class ChangeKind:
    """How one kind of change is recorded, sent and reconciled with the supplier.

    Subclasses set `name` and `label` and implement `send`; the other hooks have
    sensible defaults. `capability` names the `Capabilities` field the supplier must
    have; `operation` is what the supplier's `idempotent_operations` are checked for.
    """

    name = ""
    label = ""
    capability = ""
    operation = ""
    # Re-read and check the verdict before the first send too, not only before a re-send: for a
    # write the supplier guards with no version (If-Match), so values changed there since the
    # page was drawn are seen before they are overwritten.
    reread_before_send = False
    # A change of what fills (quotas, goals, prices): refused once the target group has finished
    # (completed, closed, archived), where the pages offer it no more either.
    while_open = False

    @property
    def verifies(self) -> bool:
        """Whether `refresh` + `verdict` tell if the supplier already holds the change (a kind that has both).

        Where the supplier does not de-duplicate the operation by key, a re-send is preceded by
        them; a kind without them must be safe to send twice (a PUT of the whole resource, say).
        """
        cls = type(self)
        return cls.refresh is not ChangeKind.refresh and cls.verdict is not ChangeKind.verdict

    def check(self, change, capabilities) -> None:
        """Raise `Unsupported` (in words) if the supplier cannot take this change; nothing is recorded then."""
        if self.capability and not capabilities.allows(self.capability):
            raise Unsupported(
                f"{change.connection.get_kind_display()} does not offer this change ({self.label.lower()}), "
                "so nothing was sent. Make it in the supplier's own site if it is needed."
            )

    def describe(self, change) -> str:
        """One line for the changes panel, e.g. "Disable quotas on AGE"."""
        return self.label

    def touches(self, change) -> list:
        """The page blocks this change affects (`sync.blocks`), the one that shows its badge first."""
        return []

    def record_intent(self, change) -> None:
        """Show the wanted state locally, in the same transaction as the change row.

        Must be idempotent: a pull sync writes the supplier's values and then calls it
        again for every change still unsettled (`reapply_intents`), so a pending change
        never looks undone. Write with queryset updates; `change.target_group` is the
        caller's instance, so set its attributes too when changing the target group.
        """

    def intent_key(self, change):
        """What the intent sets, when it sets it whole (e.g. ``("quotas_enabled", profile id)``), or None.

        Two unsettled changes with the same key write the same fields of the same rows with values of
        their own, so only the later one's intent shows: `reapply_intents` records just that one.
        """
        return None

    def version(self, change) -> str:
        """The version sent in If-Match: the target group's latest by default."""
        return change.target_group.version if change.target_group_id else ""

    def send(self, adapter, change, version):  # pragma: no cover - abstract
        """Send the change through `adapter` (its verbs, or `adapter.client` for one supplier's features)."""
        raise NotImplementedError

    def applied(self, change, answer) -> None:
        """Store what the supplier answered on the local rows."""

    def carry(self, change, answer, carried):
        """In a run of changes: write nothing, keep on the instances what the next send needs (the target
        group's new version), and return `carried` (None for the first) with this answer added, an object
        whose ``store(target_group)`` writes all it holds once, after the run's last answer (the waiting
        changes' intents are shown again then). None (the default): `applied` stores the answer now.

        A run of changes asked in a burst is so mirrored once, not once per change.
        """
        return None

    def applied_message(self, change) -> str:
        """What the PM should know about an applied change (shown beside "Applied"), or ""."""
        return ""

    def refresh(self, adapter, change) -> None:
        """Re-read the resource from the supplier, so `version` and the local rows are current."""

    def verdict(self, change) -> Verdict:
        """After `refresh`: is the change still needed?"""
        return Verdict(needed=True)

    def revert(self, adapter, change) -> None:
        """After a refusal: bring the local rows back to the supplier's truth.

        When the supplier cannot be read either, the target group is marked for a full
        read at the next pull, which replaces the intent with the supplier's values.
        """
        try:
            self.refresh(adapter, change)
        except errors.SupplierError as exc:  # the refusal is what the PM must see; log the rest
            log.warning("could not re-read after a refused change %s: %s", change.pk, exc)
            if change.target_group_id:
                change.target_group.needs_full_read()


def register(kind_cls):
    """Class decorator: make a change kind known to the outbox."""
    kind = kind_cls()
    if kind.name in _kinds:
        raise ValueError(f"change kind {kind.name!r} registered twice")
    _kinds[kind.name] = kind
    return kind_cls


def reapply_intents(target_group, exclude=None):
    """Show again the local intent of every unsettled change of `target_group`, oldest first.

    Called after writing the supplier's values on the target group's rows. `exclude` is the
    change being reconciled right now, whose rows must show the supplier's truth. Returns those
    unsettled changes, oldest first.
    """
    changes = _unsettled(target_group.pk)
    if exclude is not None and exclude.pk:
        changes = changes.exclude(pk=exclude.pk)
    changes = list(changes.select_related("profile").order_by("pk"))
    latest = {}  # intent key: the last change with it, the one whose intent shows
    for change in changes:
        change.target_group = target_group
        kind = _kinds.get(change.kind)
        key = kind.intent_key(change) if kind is not None else None
        if key is not None:
            latest[key] = change.pk
    for change in changes:
        kind = _kinds.get(change.kind)
        if kind is None:
            continue
        key = kind.intent_key(change)
        if key is None or latest[key] == change.pk:
            kind.record_intent(change)
    return changes


def kind_of(change) -> ChangeKind:
    return _kinds[change.kind]


def describe(change) -> str:
    """The change in words: as recorded when it was asked, else as its kind words it now."""
    if change.summary:
        return change.summary
    kind = _kinds.get(change.kind)
    return kind.describe(change) if kind else change.kind


def request_change(kind_name, *, connection, target_group=None, profile=None, payload=None, by=None):
    """Record a change and its local intent; it is sent once the transaction commits.

    Raises `Unsupported` (recording nothing) when the connection's supplier cannot take it.
    """
    send_change = task("sync.tasks.send_change")

    kind = _kinds[kind_name]
    change = RemoteChange(
        kind=kind_name,
        connection=connection,
        target_group=target_group,
        profile=profile,
        payload=payload or {},
        requested_by=by if by is not None and by.is_authenticated else None,
    )
    check_supported(kind, change)
    if _record(kind, change):
        transaction.on_commit(lambda: send_change.delay(change.pk))
    return change


@retry_transient
def _record(kind, change):
    """The change row and its local intent, in one transaction (the target group's row locked first).

    Returns whether the change is first in its target group's queue, so it must be enqueued; one
    behind others goes when the change before it settles (`_next_in_line`, under the same lock).
    """
    with transaction.atomic():
        lock_target_group(change.target_group_id)
        change.summary = kind.describe(change)[:300]
        change.save()
        kind.record_intent(change)
        if not change.target_group_id:
            return True
        return not _unsettled(change.target_group_id).filter(pk__lt=change.pk).exists()


def _unsettled(target_group_id):
    return RemoteChange.objects.filter(target_group_id=target_group_id, state__in=[State.PENDING, State.SENDING])


def check_supported(kind, change):
    """Raise `Unsupported` unless the change's supplier has an adapter and the kind's capability."""
    if adapter_class(change.connection.kind) is None:
        raise Unsupported(
            f"The cockpit cannot send changes to {change.connection.get_kind_display()} yet, so nothing was "
            "recorded. Make the change in the supplier's own site."
        )
    capabilities = change.connection.capabilities
    tg = change.target_group
    if tg is not None and tg.status in capabilities.final_statuses:
        raise Unsupported(
            f"This survey is {tg.status_text.lower()} at {change.connection.get_kind_display()} and takes no more "
            "changes, so nothing was sent."
        )
    if tg is not None and kind.while_open and tg.status in FINISHED_STATUSES:
        raise Unsupported(
            f"This target group is {tg.status_text.lower()}: nothing fills any more, so nothing was sent. "
            "Relaunch or reactivate it first to change its quotas, goals or price."
        )
    kind.check(change, capabilities)


def operation_of(kind):
    return kind.operation or kind.name


@retry_transient
def claim(change_id, worker=""):
    """Mark a pending change `sending` if it is next in its TG's queue; return it or None.

    One conditional UPDATE takes it (it must still be pending, with nothing earlier unsettled on its
    target group: of two workers, the second finds the row no longer pending), then one read brings
    it with what sending it needs.
    """
    earlier = RemoteChange.objects.filter(
        target_group_id=OuterRef("target_group_id"), state__in=[State.PENDING, State.SENDING], pk__lt=OuterRef("pk")
    )
    now = timezone.now()
    taken = (
        RemoteChange.objects.filter(pk=change_id, state=State.PENDING)
        .filter(~Exists(earlier))
        .update(state=State.SENDING, attempts=F("attempts") + 1, sent_at=now, claimed_by=worker, updated_at=now)
    )
    if not taken:
        return None
    return RemoteChange.objects.select_related("target_group__project", "profile", "connection").get(pk=change_id)


def process_change(change_id, adapter=None, worker=""):
    """Send one change and record the outcome, then the changes waiting behind it on its target group,
    each claimed in the transaction of the outcome before it (up to `SYNC_CHANGES_PER_TASK` in all).

    Returns the first change, or None if it was not ours to send. `worker` names the Celery worker
    node sending it (see `release_claims_of`).
    """
    from .adapters import adapter_for

    first = change = claim(change_id, worker=f"{worker}/{os.getpid()}" if worker else "")
    if change is None:
        return None
    own_adapter = adapter is None
    try:
        for turn in range(1, settings.SYNC_CHANGES_PER_TASK + 1):
            change.goes_on = turn < settings.SYNC_CHANGES_PER_TASK
            carried = getattr(change, "carried", None)
            try:
                adapter = adapter or adapter_for(change.connection)
                _attempt(kind_of(change), adapter, change)
            except Unsupported as exc:
                _settle(change, State.FAILED, str(exc))
            except Exception:
                # A database error that would not pass, or a bug of ours, at any step (the send, the 412
                # verdict, a retry's bookkeeping): the supplier may or may not hold the change, so it is
                # neither failed nor left `sending` — it is tried again, and the next try reads first.
                log.exception("change %s (%s) met an internal error", change.pk, change.kind)
                change.next_change = None  # claimed in the transaction that failed, so not claimed
                change.carried = carried
                _outcome_unknown(change)
            if getattr(change, "next_change", None) is None:
                _store_carried(change)  # the run ends here: what it carried is stored now
                break
            change = change.next_change
    finally:
        if own_adapter and adapter is not None:
            adapter.close()
    return first


def _attempt(kind, adapter, change):
    """One try: check first where a re-send could apply twice, send, and settle by the supplier's answer.

    The answers the run carried so far (`ChangeKind.carry`) are stored before anything reads the supplier
    again, so what is read then is written over them, not under.
    """
    if change.attempts > settings.SYNC_MAX_ATTEMPTS:
        _store_carried(change)
        _last_check(kind, adapter, change)
        return
    try:
        # An earlier try may have reached the supplier (a lost answer, a 5xx after applying, a
        # worker that died mid-send, an answer we could not store); where the supplier would
        # apply a re-send again, read first.
        resend = change.attempts > 1 and not adapter.deduplicates(operation_of(kind))
        if (resend and kind.verifies) or kind.reread_before_send:
            _store_carried(change)
            if _already_done(kind, adapter, change):
                return
        _send(kind, adapter, change)
    except errors.PreconditionFailed:
        _store_carried(change)
        _after_precondition_failed(kind, adapter, change)
    except errors.SupplierError as exc:
        _store_carried(change)
        if exc.retryable:
            _retry_later(kind, adapter, change, exc)
        else:
            _refused(kind, adapter, change, exc)


def _last_check(kind, adapter, change):
    """Past its last try (its worker died on it): ask the supplier whether it has the change, never apply it anew.

    Where the supplier replays a key (or the write is a repeatable PUT), sending it once more is that
    question; otherwise the kind's re-read and verdict answer it.
    """
    tries = change.attempts - 1
    try:
        if not kind.verifies:
            _send(kind, adapter, change)
            return
        _refresh(kind, adapter, change)
    except errors.SupplierError as exc:
        if change.target_group_id:
            change.target_group.needs_full_read()
        _revert(kind, adapter, change)
        _settle(
            change,
            State.FAILED,
            f"This change was tried {tries} times and the supplier could not confirm it ({exc.message}), so the "
            "cockpit stopped trying. The target group is read again at the next sync: check it there, and ask "
            "again only if the change is not applied.",
            response=exc.body,
            status=exc.status,
        )
        return
    verdict = kind.verdict(change)
    if not verdict.needed:
        _settle(change, verdict.state, verdict.reason)
        return
    _revert(kind, adapter, change)
    _settle(
        change,
        State.FAILED,
        f"This change was tried {tries} times without an answer from the supplier, and the supplier does not "
        "have it, so the cockpit stopped trying. Ask again if it is still needed.",
    )


OUTCOME_UNKNOWN = (
    "The cockpit could not record what happened to this change; it checks with the supplier before trying "
    "again, so it is never applied twice."
)


def _outcome_unknown(change):
    """After an internal error: back in the queue for a try that reads the supplier first (or settle, out of tries)."""
    send_change = task("sync.tasks.send_change")

    try:
        row = RemoteChange.objects.get(pk=change.pk)
        if row.is_settled:
            return
        if row.attempts >= settings.SYNC_MAX_ATTEMPTS:
            if row.target_group_id:
                TargetGroup.objects.filter(pk=row.target_group_id).update(synced_at=None)
            _settle(
                row,
                State.FAILED,
                f"The cockpit could not confirm this change with the supplier after {row.attempts} tries; it may "
                "or may not have been applied. The target group is read again at the next sync: check it there, "
                "and ask again only if it is not applied. The error was logged for the team.",
            )
            return
        delay = backoff_seconds(row.attempts)
        RemoteChange.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            message=OUTCOME_UNKNOWN,
            updated_at=timezone.now(),
        )
        transaction.on_commit(lambda: send_change.apply_async((row.pk,), countdown=delay))
    except Exception:  # the database itself is unreachable: the stuck-change sweep takes it within a minute
        log.exception("change %s could not be put back in the queue; the recovery sweep will", change.pk)


def _refresh(kind, adapter, change):
    """Re-read what the change is about; the other unsettled changes' intents stay shown."""
    kind.refresh(adapter, change)
    _reapply_others(change)


def _reapply_others(change):
    """Show the other unsettled changes' intents again; returns those changes (None without a target group)."""
    if change.target_group_id:
        return reapply_intents(change.target_group, exclude=change)
    return None


def _already_done(kind, adapter, change):
    """Before a re-send: re-read, and settle the change if the supplier already holds it. True if settled."""
    _refresh(kind, adapter, change)
    verdict = kind.verdict(change)
    if verdict.needed:
        kind.record_intent(change)  # the re-read showed the supplier's values; the change still stands
        return False
    _settle(change, verdict.state, verdict.reason)
    return True


def _send(kind, adapter, change):
    answer = kind.send(adapter, change, kind.version(change))
    _store_answer(kind, change, answer, getattr(change, "carried", None))


@retry_transient
def _store_answer(kind, change, answer, carried):
    """The supplier applied the change: its answer on the local rows and the change settled, in one transaction.

    In a run of changes, a kind that can carries the answer along (`ChangeKind.carry`) while a change
    follows, and the run's last answer is stored with all it carried, once; a kind that cannot stores what
    was carried and then its own answer. `carried` is what the run carried up to this change (given, so a
    retry of this transaction starts from it again).
    """
    goes_on = getattr(change, "goes_on", False) and change.target_group_id
    with transaction.atomic():
        known = getattr(change, "behind", None) if goes_on else None
        together = kind.carry(change, answer, carried) if known else None
        if together is not None:
            # The next change is known from the run's list, and nothing is written but the two change rows
            # (this outcome, the next one's claim): no lock of the target group is needed for them.
            head = known[0]
        else:
            lock_target_group(change.target_group_id)
            head = _head_of_queue(change) if goes_on else None
            together = kind.carry(change, answer, carried) if head is not None or carried is not None else None
        if together is not None and head is not None:
            change.carried, waiting = together, [head]  # the intents of the changes behind still show
        else:
            change.carried = None
            if together is not None:
                together.store(change.target_group)
            else:
                if carried is not None:
                    carried.store(change.target_group)
                kind.applied(change, answer)
            # The other unsettled changes' intents shown again, unless none was found behind just now.
            waiting = change.behind = [] if goes_on and head is None else _reapply_others(change)
        data = getattr(answer, "data", None)
        status = getattr(answer, "status", None)
        _settle(change, State.APPLIED, kind.applied_message(change), response=data, status=status, waiting=waiting)


def _store_carried(change):
    """Store the answers the run carried to `change` (once), and show the unsettled changes' intents again."""
    carried, change.carried = getattr(change, "carried", None), None
    if carried is None or not change.target_group_id:
        return
    try:
        with transaction.atomic():
            lock_target_group(change.target_group_id)
            carried.store(change.target_group)
            reapply_intents(change.target_group)
    except Exception:  # the changes are settled; their answers' values come with the next sync's full read
        log.exception("the answers before change %s could not be stored; the next sync reads them", change.pk)
        try:
            change.target_group.needs_full_read()
        except Exception:  # the database is unreachable: the periodic full read comes anyway
            log.exception("target group %s could not be marked for a full read", change.target_group_id)


def _after_precondition_failed(kind, adapter, change):
    """412: someone changed the resource since we read it. Re-read, re-check, re-send once."""
    try:
        _refresh(kind, adapter, change)
        verdict = kind.verdict(change)
        if not verdict.needed:
            _settle(change, verdict.state, verdict.reason, status=412)
            return
        kind.record_intent(change)  # the re-read showed the supplier's values; the change still stands
        _send(kind, adapter, change)
    except errors.PreconditionFailed as exc:
        _revert(kind, adapter, change)
        _settle(
            change,
            State.CONFLICT,
            "The target group kept changing at the supplier while this change was sent, so it was not applied. "
            "Check the current values and ask again if it is still needed.",
            response=exc.body,
            status=412,
        )
    except errors.SupplierError as exc:
        if exc.retryable:
            _retry_later(kind, adapter, change, exc)
        else:
            _refused(kind, adapter, change, exc)


def _retry_later(kind, adapter, change, exc):
    send_change = task("sync.tasks.send_change")

    if change.attempts >= settings.SYNC_MAX_ATTEMPTS:
        # Nothing reached the supplier: show its values again (best effort, it may still be down).
        _revert(kind, adapter, change)
        _settle(
            change,
            State.FAILED,
            f"The supplier could not be reached after {change.attempts} tries ({exc.message}). "
            "The change was probably not applied; the cockpit shows the supplier's values again at the next "
            "sync. Ask again later if it is still needed.",
            response=exc.body,
            status=exc.status,
        )
        return
    delay = backoff_seconds(change.attempts, getattr(exc, "retry_after", None))
    change.state = State.PENDING
    change.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    change.message = f"Will retry in {delay:.0f} s: {exc.message}"
    change.response_status = exc.status
    change.save(update_fields=["state", "next_attempt_at", "message", "response_status", "updated_at"])
    pk = change.pk
    transaction.on_commit(lambda: send_change.apply_async((pk,), countdown=delay))


def backoff_seconds(attempts, retry_after=None):
    """Exponential backoff, never sooner than the supplier's Retry-After."""
    base = settings.SYNC_BACKOFF_BASE_SECONDS
    delay = min(settings.SYNC_BACKOFF_MAX_SECONDS, base * 2 ** max(0, attempts - 1))
    return max(delay, retry_after or 0)


def _refused(kind, adapter, change, exc):
    change.error = exc  # for kinds whose revert words the refusal on their own rows
    _revert(kind, adapter, change)
    _settle(change, State.FAILED, refusal_message(exc), response=exc.body, status=exc.status)


def _revert(kind, adapter, change):
    kind.revert(adapter, change)
    _reapply_others(change)


def refusal_message(exc) -> str:
    """Plain words for a change the supplier refused, with what to do next."""
    if isinstance(exc, errors.NotFound):
        return (
            "The supplier no longer has what this change was about (it may have been removed or replaced). "
            "Refresh from the supplier to see the current state."
        )
    if isinstance(exc, errors.AuthFailed):
        return (
            "The supplier refused the cockpit's credentials, so nothing was changed. "
            "Ask an administrator to check this supplier's credentials in the environment, then try again."
        )
    said = exc.said
    if not said:
        return f"{exc.message} The cockpit shows the supplier's values again."
    said = said if said.endswith(".") else f"{said}."
    return (
        f"The supplier refused this change: {said} "
        "The cockpit shows the supplier's values again; correct the change and ask again if it is still needed."
    )


def _settle(change, state, message, response=None, status=None, waiting=None):
    """Record the outcome and let the next change of the target group go.

    `waiting` is the target group's other unsettled changes when the caller has just read them
    (`reapply_intents`), so the next one need not be looked up again.
    """
    now = timezone.now()
    outcome = {
        "state": state,
        "message": message,
        "response": response,
        "response_status": status,
        "finished_at": now,
        "next_attempt_at": None,
        "updated_at": now,
    }
    for field, value in outcome.items():
        setattr(change, field, value)
    # Under the target group's lock, as the recording of a change is: a change asked meanwhile is
    # either seen here as the next one, or sees this one settled and is enqueued itself.
    with writing_target_group(change.target_group_id):
        RemoteChange.objects.filter(pk=change.pk).update(**outcome)
        _next_in_line(change, waiting)


def _next_in_line(change, waiting=None):
    """The change after this one on the same target group goes now.

    The worker that settled this one goes on with it where it may (`goes_on`): claimed here, in the
    outcome's transaction, so it is `sending` before it is sent and the claim stands or falls with the
    outcome; `change.next_change` is it. Otherwise it is enqueued for any worker.
    """
    send_change = task("sync.tasks.send_change")

    change.next_change = None
    if not change.target_group_id:
        return
    head = next(iter(waiting), None) if waiting is not None else _head_of_queue(change)
    if head is None or head.state != State.PENDING:
        return  # nothing waits, or another worker has the next one in hand
    if head.next_attempt_at is not None and head.next_attempt_at > timezone.now():
        return  # a retry with its own countdown
    if getattr(change, "goes_on", False):
        taken = _take_over(head, change)
        if taken is None:  # the run's list was out of date (a change removed): read it anew, under the lock
            change.behind = None
            lock_target_group(change.target_group_id)
            head = _head_of_queue(change)
            taken = _take_over(head, change) if head is not None and head.state == State.PENDING else None
        if taken is not None:
            change.next_change = taken
            return
        if head is None:
            return
    transaction.on_commit(lambda: send_change.delay(head.pk))


def _take_over(following, change):
    """Claim `following` for the worker of `change` (a conditional UPDATE, as `claim` does); returns it as
    claimed (a copy: the run's list keeps it as read, for a transaction tried again), or None.

    Its attempts are as read in this run: a waiting change is tried by nobody else (it is not first).
    """
    now = timezone.now()
    claimed = {
        "state": State.SENDING,
        "attempts": following.attempts + 1,
        "sent_at": now,
        "claimed_by": change.claimed_by,
        "updated_at": now,
    }
    if not RemoteChange.objects.filter(pk=following.pk, state=State.PENDING).update(**claimed):
        return None
    taken = copy.copy(following)
    for field, value in claimed.items():
        setattr(taken, field, value)
    taken.target_group = change.target_group
    if taken.connection_id == change.connection_id:
        taken.connection = change.connection
    taken.carried, change.carried = getattr(change, "carried", None), None
    behind = getattr(change, "behind", None)
    taken.behind = behind[1:] if behind and behind[0] is following else None
    return taken


def _head_of_queue(change):
    """The first unsettled change of `change`'s target group after it (with its profile), or None.

    The changes behind are read once for a run (`change.behind`, handed from change to change): they
    only wait, so the list stays true, but for changes asked since, looked for when it runs out.
    """
    behind = getattr(change, "behind", None)
    if not behind:
        waiting = _unsettled(change.target_group_id).exclude(pk=change.pk).select_related("profile").order_by("pk")
        behind = change.behind = list(waiting[: settings.SYNC_CHANGES_PER_TASK])
    return behind[0] if behind else None


def release_claims_of(node):
    """A worker node that starts again: the changes its previous run left `sending` go back to `pending`
    at once (they may or may not have reached the supplier; their next try reads first). Returns how many."""
    if not node:
        return 0
    return RemoteChange.objects.filter(state=State.SENDING, claimed_by__startswith=f"{node}/").update(
        state=State.PENDING, updated_at=timezone.now()
    )


def recover_stuck(older_than=None, idle=None):
    """Put back what a dead worker left, and start every queue whose head waits with nothing in flight.

    * A change `sending` for longer than `older_than` (``SYNC_STUCK_AFTER_SECONDS``) belonged to a
      worker that died: it goes back to `pending`. It may or may not have reached the supplier, so
      its next try re-reads first wherever a re-send could apply twice (and one past its last try
      only checks, never sends).
    * The first unsettled change of each target group, pending and due, that nobody touched for
      `idle` (default 10 s), is enqueued (a task lost with a worker, or never enqueued).

    Returns the ids enqueued.
    """
    send_change = task("sync.tasks.send_change")

    now = timezone.now()
    stuck_after = older_than if older_than is not None else timedelta(seconds=settings.SYNC_STUCK_AFTER_SECONDS)
    idle = idle if idle is not None else timedelta(seconds=settings.SYNC_QUEUE_IDLE_SECONDS)
    RemoteChange.objects.filter(state=State.SENDING, sent_at__lt=now - stuck_after).update(
        state=State.PENDING, updated_at=now - idle - timedelta(seconds=1)
    )
    unsettled = RemoteChange.objects.filter(state__in=[State.PENDING, State.SENDING]).order_by("pk")
    heads = {}
    for pk, tg_id, state, next_at, updated_at in unsettled.values_list(
        "pk", "target_group_id", "state", "next_attempt_at", "updated_at"
    ):
        heads.setdefault(tg_id or f"change-{pk}", (pk, state, next_at, updated_at))
    due = [
        pk
        for pk, state, next_at, updated_at in heads.values()
        if state == State.PENDING and (next_at is None or next_at <= now) and updated_at <= now - idle
    ]
    for pk in due:
        send_change.delay(pk)
    return sorted(due)
