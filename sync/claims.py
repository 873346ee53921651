"""A target group's queue of changes: one at a time, in the order asked.

A change is claimed by one conditional UPDATE (`claim`: still pending, nothing earlier unsettled on its
target group), and its outcome is recorded under the target group's lock (`settle`), which lets the next
change of the queue go: claimed in the same transaction for the worker that settled this one when it
goes on (`SYNC_CHANGES_PER_TASK` in a row), otherwise enqueued for any worker.
"""

import copy

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from config.tasks import task

from .intents import unsettled
from .locks import lock_target_group, retry_transient, writing_target_group
from .models import RemoteChange

State = RemoteChange.State


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


def settle(change, state, message, response=None, status=None, waiting=None):
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
    head = next(iter(waiting), None) if waiting is not None else head_of_queue(change)
    if head is None or head.state != State.PENDING:
        return  # nothing waits, or another worker has the next one in hand
    if head.next_attempt_at is not None and head.next_attempt_at > timezone.now():
        return  # a retry with its own countdown
    if getattr(change, "goes_on", False):
        taken = _take_over(head, change)
        if taken is None:  # the run's list was out of date (a change removed): read it anew, under the lock
            change.behind = None
            lock_target_group(change.target_group_id)
            head = head_of_queue(change)
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


def head_of_queue(change):
    """The first unsettled change of `change`'s target group after it (with its profile), or None.

    The changes behind are read once for a run (`change.behind`, handed from change to change): they
    only wait, so the list stays true, but for changes asked since, looked for when it runs out.
    """
    behind = getattr(change, "behind", None)
    if not behind:
        waiting = unsettled(change.target_group_id).exclude(pk=change.pk).select_related("profile").order_by("pk")
        behind = change.behind = list(waiting[: settings.SYNC_CHANGES_PER_TASK])
    return behind[0] if behind else None
