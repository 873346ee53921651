"""The send loop: claim a change, send it through the adapter of its connection's supplier with its
idempotency key and the target group's current version (ETag), and record the outcome (`sync.outcomes`);
then the changes waiting behind it on its target group, each claimed in the transaction of the outcome
before it (`sync.claims`).

A re-send of an operation the supplier does not de-duplicate by idempotency key (its capabilities say
which do) first reads the supplier back and checks the verdict, so a write whose answer was lost is
never applied twice.
"""

import logging
import os

from django.conf import settings

from suppliers import errors
from suppliers.adapter import Unsupported

from .claims import Run, claim, settle
from .kinds import kind_of
from .models import RemoteChange
from .outcomes import (
    after_precondition_failed,
    last_check,
    outcome_unknown,
    read_back,
    refused,
    retry_later,
    send,
    still_needed,
    store_carried,
)

log = logging.getLogger(__name__)

State = RemoteChange.State


def operation_of(kind):
    return kind.operation or kind.name


def process_change(change_id, adapter=None, worker=""):
    """Send one change and record the outcome, then the changes waiting behind it on its target group,
    each claimed in the transaction of the outcome before it (up to `SYNC_CHANGES_PER_TASK` in all).

    Returns the first change, or None if it was not ours to send. `worker` names the Celery worker
    node sending it (see `release_claims_of`).
    """
    from .adapters import adapter_for

    run = Run()
    first = change = claim(change_id, worker=f"{worker}/{os.getpid()}" if worker else "", run=run)
    if change is None:
        return None
    own_adapter = adapter is None
    try:
        for turn in range(1, settings.SYNC_CHANGES_PER_TASK + 1):
            run.goes_on = turn < settings.SYNC_CHANGES_PER_TASK
            carried = run.carried
            try:
                adapter = adapter or adapter_for(change.connection)
                following = attempt(kind_of(change), adapter, change, run)
            except Unsupported as exc:
                following = settle(change, State.FAILED, str(exc), run=run)
            except Exception:
                # A database error that would not pass, or a bug of ours, at any step (the send, the 412
                # verdict, a retry's bookkeeping): the supplier may or may not hold the change, so it is
                # neither failed nor left `sending` — it is tried again, and the next try reads first.
                log.exception("change %s (%s) met an internal error", change.pk, change.kind)
                following = None  # claimed in the transaction that failed, so not claimed
                run.carried = carried
                outcome_unknown(change)
            if following is None:
                store_carried(change, run)  # the run ends here: what it carried is stored now
                break
            run.moved_to(following)
            change = following
    finally:
        if own_adapter and adapter is not None:
            adapter.close()
    return first


def attempt(kind, adapter, change, run):
    """One try: check first where a re-send could apply twice, send, and settle by the supplier's answer.
    Returns the next change of the queue when it was claimed for this run, else None.

    The answers the run carried so far (`ChangeKind.carry`) are stored before anything reads the supplier
    again, so what is read then is written over them, not under.
    """
    if change.attempts > settings.SYNC_MAX_ATTEMPTS:
        store_carried(change, run)
        return last_check(kind, adapter, change, run)
    try:
        # An earlier try may have reached the supplier (a lost answer, a 5xx after applying, a
        # worker that died mid-send, an answer we could not store); where the supplier would
        # apply a re-send again, read first.
        resend = change.attempts > 1 and not adapter.deduplicates(operation_of(kind))
        seen = None
        if (resend and kind.verifies) or kind.reread_before_send:
            store_carried(change, run)
            seen = read_back(kind, adapter, change)
            verdict = still_needed(kind, change, seen)
            if verdict is not None:
                return settle(change, verdict.state, verdict.reason, run=run)
        return send(kind, adapter, change, run, seen)
    except errors.PreconditionFailed:
        store_carried(change, run)
        return after_precondition_failed(kind, adapter, change, run)
    except errors.SupplierError as exc:
        store_carried(change, run)
        if exc.retryable:
            return retry_later(kind, adapter, change, exc, run)
        return refused(kind, adapter, change, exc, run)
