"""The outcomes of sending a change, in words a PM understands.

* applied: the supplier's answer mirrored on the local rows (`send`, `store_carried` for a run);
* 412: re-read the resource, and either find the change no longer needed (`applied` or `conflict`,
  with the reason) or re-send it once (`after_precondition_failed`);
* 429 / 5xx / timeouts: back to pending and retried later with the same key, after the project's
  backoff; after `SYNC_MAX_ATTEMPTS` tries, `failed` and the local intent reverted (`retry_later`);
* 400 / 404 / 422 / 401 / 403: `failed`, the supplier's words kept, the local intent replaced by
  the supplier's truth (`refused`);
* unknown (an error of ours, or past the last try): the supplier is asked before anything is sent
  again, so nothing is applied twice (`outcome_unknown`, `last_check`, `already_done`).

What a kind's `read_back` saw goes on as a value: to its `verdict`, then its `send` and `mirror`. Each
outcome returns the next change of the queue when it was claimed for this worker's run (`sync.claims.Run`),
else None.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.tasks import task
from projects.models import TargetGroup
from suppliers import errors
from suppliers.backoff import backoff_seconds

from .claims import hand_on, head_of_queue, is_due, settle, settle_and_take
from .intents import reapply_intents
from .locks import lock_target_group, retry_transient
from .models import RemoteChange
from .wording import OUTCOME_UNKNOWN, refusal_message

log = logging.getLogger(__name__)

State = RemoteChange.State


def retry_delay(attempts, retry_after=None):
    """Seconds before the next try of a change: the project's backoff with the outbox's base and cap."""
    return backoff_seconds(
        attempts,
        base=settings.SYNC_BACKOFF_BASE_SECONDS,
        cap=settings.SYNC_BACKOFF_MAX_SECONDS,
        retry_after=retry_after,
    )


def last_check(kind, adapter, change, run):
    """Past its last try (its worker died on it): ask the supplier whether it has the change, never apply it anew.

    Where the supplier replays a key (or the write is a repeatable PUT), sending it once more is that
    question; otherwise the kind's re-read and verdict answer it.
    """
    tries = change.attempts - 1
    try:
        if not kind.verifies:
            return send(kind, adapter, change, run)
        seen = read_back(kind, adapter, change)
    except errors.SupplierError as exc:
        if change.target_group_id:
            change.target_group.needs_full_read()
        _revert(kind, adapter, change)
        return settle(
            change,
            State.FAILED,
            f"This change was tried {tries} times and the supplier could not confirm it ({exc.message}), so the "
            "cockpit stopped trying. The target group is read again at the next sync: check it there, and ask "
            "again only if the change is not applied.",
            response=exc.body,
            status=exc.status,
            run=run,
        )
    verdict = kind.verdict(change, seen)
    if not verdict.needed:
        return settle(change, verdict.state, verdict.reason, run=run)
    _revert(kind, adapter, change)
    return settle(
        change,
        State.FAILED,
        f"This change was tried {tries} times without an answer from the supplier, and the supplier does not "
        "have it, so the cockpit stopped trying. Ask again if it is still needed.",
        run=run,
    )


def outcome_unknown(change):
    """After an internal error: back in the queue for a try that reads the supplier first (or settle, out of tries).
    The run ends here."""
    send_change = task("sync.tasks.send_change")

    try:
        row = RemoteChange.objects.get(pk=change.pk)
        if row.is_settled:
            return
        if row.attempts >= settings.SYNC_MAX_ATTEMPTS:
            if row.target_group_id:
                TargetGroup.objects.filter(pk=row.target_group_id).update(synced_at=None)
            settle(
                row,
                State.FAILED,
                f"The cockpit could not confirm this change with the supplier after {row.attempts} tries; it may "
                "or may not have been applied. The target group is read again at the next sync: check it there, "
                "and ask again only if it is not applied. The error was logged for the team.",
            )
            return
        delay = retry_delay(row.attempts)
        RemoteChange.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            message=OUTCOME_UNKNOWN,
            updated_at=timezone.now(),
        )
        transaction.on_commit(lambda: send_change.apply_async((row.pk,), countdown=delay))
    except Exception:  # the database itself is unreachable: the stuck-change sweep takes it within a minute
        log.exception("change %s could not be put back in the queue; the recovery sweep will", change.pk)


def read_back(kind, adapter, change):
    """Re-read what the change is about; the other unsettled changes' intents stay shown. Returns what the
    kind saw (for its `verdict`, `send` and `mirror`)."""
    seen = kind.read_back(adapter, change)
    _reapply_others(change)
    return seen


def _reapply_others(change):
    """Show the other unsettled changes' intents again; returns those changes (None without a target group)."""
    if change.target_group_id:
        return reapply_intents(change.target_group, exclude=change)
    return None


def still_needed(kind, change, seen):
    """After a re-read that saw `seen`: None if the change still stands (its intent is shown again, for the
    re-read showed the supplier's values), else the `Verdict` to settle it by (the supplier already holds it,
    or it no longer applies)."""
    verdict = kind.verdict(change, seen)
    if verdict.needed:
        kind.record_intent(change)
        return None
    return verdict


def send(kind, adapter, change, run, seen=None):
    """Send the change (`seen`: what a re-read just before saw, or None) and store the supplier's answer."""
    answer = kind.send(adapter, change, kind.version(change), seen)
    return _store_answer(kind, change, answer, run.carried, seen, run)


@retry_transient
def _store_answer(kind, change, answer, carried, seen, run):
    """The supplier applied the change: its answer on the local rows and the change settled, in one transaction.

    In a run of changes, a kind that can carries the answer along (`ChangeKind.carry`) while a change
    follows, and the run's last answer is stored with all it carried, once; a kind that cannot stores what
    was carried and then its own answer. `carried` is what the run carried up to this change (given, so a
    retry of this transaction starts from it again); `run.carried` is set once the outcome is recorded.
    """
    goes_on = run.goes_on and bool(change.target_group_id)
    data = getattr(answer, "data", None)
    status = getattr(answer, "status", None)
    known = run.behind if goes_on else None
    together = kind.carry(change, answer, carried) if known else None
    if together is not None and is_due(known[0]):
        # The next change is known from the run's list, and nothing is written but the two change rows (this
        # outcome, the next one's claim): one statement, with no lock of the target group. Nothing is stored
        # on the target group's rows, so the intents of the changes behind still show.
        taken = settle_and_take(change, State.APPLIED, "", data, status, following=known[0])
        run.carried = together
        if taken is None:  # the run's list was out of date: the queue's head is read anew, under the lock
            run.behind = None
            try:
                taken = hand_on(change, run)
            except Exception:  # recorded all the same; the run ends, and the recovery sweep starts the queue
                log.exception("the change after %s could not be handed on; the recovery sweep will", change.pk)
        return taken
    with transaction.atomic():
        lock_target_group(change.target_group_id)
        head = head_of_queue(change, run) if goes_on else None
        together = kind.carry(change, answer, carried) if head is not None or carried is not None else None
        message = ""
        if together is not None and head is not None:
            still_carried, waiting = together, [head]  # the intents of the changes behind still show
        else:
            still_carried = None
            if together is not None:
                together.store(change.target_group)
            else:
                if carried is not None:
                    carried.store(change.target_group)
                message = kind.mirror(change, answer, seen) or ""
            # The other unsettled changes' intents shown again, unless none was found behind just now.
            waiting = [] if goes_on and head is None else _reapply_others(change)
            run.behind = waiting
        following = settle(change, State.APPLIED, message, response=data, status=status, waiting=waiting, run=run)
    run.carried = still_carried
    return following


def store_carried(change, run):
    """Store the answers the run carried to `change` (once), and show the unsettled changes' intents again."""
    carried, run.carried = run.carried, None
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


def after_precondition_failed(kind, adapter, change, run):
    """412: someone changed the resource since we read it. Re-read, re-check, re-send once."""
    try:
        seen = read_back(kind, adapter, change)
        verdict = still_needed(kind, change, seen)
        if verdict is not None:
            return settle(change, verdict.state, verdict.reason, status=412, run=run)
        return send(kind, adapter, change, run, seen)
    except errors.PreconditionFailed as exc:
        _revert(kind, adapter, change)
        return settle(
            change,
            State.CONFLICT,
            "The target group kept changing at the supplier while this change was sent, so it was not applied. "
            "Check the current values and ask again if it is still needed.",
            response=exc.body,
            status=412,
            run=run,
        )
    except errors.SupplierError as exc:
        if exc.retryable:
            return retry_later(kind, adapter, change, exc, run)
        return refused(kind, adapter, change, exc, run)


def retry_later(kind, adapter, change, exc, run):
    send_change = task("sync.tasks.send_change")

    if change.attempts >= settings.SYNC_MAX_ATTEMPTS:
        # Nothing reached the supplier: show its values again (best effort, it may still be down).
        _revert(kind, adapter, change)
        return settle(
            change,
            State.FAILED,
            f"The supplier could not be reached after {change.attempts} tries ({exc.message}). "
            "The change was probably not applied; the cockpit shows the supplier's values again at the next "
            "sync. Ask again later if it is still needed.",
            response=exc.body,
            status=exc.status,
            run=run,
        )
    delay = retry_delay(change.attempts, getattr(exc, "retry_after", None))
    change.state = State.PENDING
    change.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    change.message = f"Will retry in {delay:.0f} s: {exc.message}"
    change.response_status = exc.status
    change.save(update_fields=["state", "next_attempt_at", "message", "response_status", "updated_at"])
    pk = change.pk
    transaction.on_commit(lambda: send_change.apply_async((pk,), countdown=delay))
    return None  # the queue waits for this change's retry


def refused(kind, adapter, change, exc, run):
    _revert(kind, adapter, change, exc)  # the refusal given: some kinds word it on their own rows
    return settle(change, State.FAILED, refusal_message(exc), response=exc.body, status=exc.status, run=run)


def _revert(kind, adapter, change, error=None):
    kind.revert(adapter, change, error)
    _reapply_others(change)
