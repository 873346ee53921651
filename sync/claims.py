"""A target group's queue of changes: one at a time, in the order asked.

A change is claimed by one conditional UPDATE (`claim`: still pending, nothing earlier unsettled on its
target group), and its outcome is recorded under the target group's lock (`settle`), which lets the next
change of the queue go: claimed in the same transaction for the worker that settled this one when it
goes on (`SYNC_CHANGES_PER_TASK` in a row), otherwise enqueued for any worker.
"""

import copy

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from config.tasks import enqueue

from .intents import unsettled
from .locks import lock_target_group, retry_transient, writing_target_group
from .models import RemoteChange
from .news import tell_settled
from .signals import tell_change_settled

State = RemoteChange.State


@retry_transient
def claim(change_id, worker="", run=None):
    """Mark a pending change `sending` if it is next in its TG's queue; return it or None.

    One conditional UPDATE takes it (it must still be pending, with nothing earlier unsettled on its
    target group: of two workers, the second finds the row no longer pending), then one read brings
    it with what sending it needs and, for a `run`, the changes waiting behind it (`Run.behind`).
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
    related = RemoteChange.objects.select_related("target_group__project", "profile", "connection")
    if run is None:
        return related.get(pk=change_id)
    # The changes waiting behind it in the same read: they only wait, so the list stays true (a change asked
    # since comes after them, and is looked for under the lock when the list runs out).
    same_queue = RemoteChange.objects.filter(pk=change_id).values("target_group_id")
    rows = list(
        related.filter(
            Q(pk=change_id)
            | Q(target_group_id=Subquery(same_queue), pk__gt=change_id, state__in=[State.PENDING, State.SENDING])
        ).order_by("pk")[: settings.SYNC_CHANGES_PER_TASK + 1]
    )
    change, run.behind = rows[0], rows[1:]
    for waiting in run.behind:
        waiting.target_group = change.target_group
    return change


class Run:
    """One worker's turn at a target group's queue (`sync.sending.process_change`), handed from step to step.

    * `goes_on`: the change being sent may be followed by the next one of its queue in this task;
    * `behind`: the changes waiting behind it, read once for the run (they only wait, so the list stays
      true, but for changes asked since, looked for when it runs out), or None when not read;
    * `carried`: what the answers so far carried (`ChangeKind.carry`), stored once when the run ends.
    """

    def __init__(self):
        self.goes_on = False
        self.behind = None
        self.carried = None

    def moved_to(self, following):
        """`following` (the first of `behind`, or one read anew) is the change being sent now."""
        behind = self.behind
        self.behind = behind[1:] if behind and behind[0].pk == following.pk else None


def _outcome(change, state, message, response, status):
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
    return outcome


def settle(change, state, message, response=None, status=None, waiting=None, run=None):
    """Record the outcome and let the next change of the target group go. Returns the next change when it
    was claimed for this worker's `run` (see `_next_in_line`), else None.

    `waiting` is the target group's other unsettled changes when the caller has just read them
    (`reapply_intents`), so the next one need not be looked up again.
    """
    outcome = _outcome(change, state, message, response, status)
    # Under the target group's lock, as the recording of a change is: a change asked meanwhile is
    # either seen here as the next one, or sees this one settled and is enqueued itself.
    with writing_target_group(change.target_group_id):
        RemoteChange.objects.filter(pk=change.pk).update(**outcome)
        tell_settled(change, state, outcome["message"])
        tell_change_settled(change, state)
        return _next_in_line(change, waiting, run)


def is_due(following):
    """Whether a waiting change (as read) may be sent now: pending, and not a retry with its own countdown."""
    if following.state != State.PENDING:
        return False
    return following.next_attempt_at is None or following.next_attempt_at <= timezone.now()


@retry_transient
def settle_and_take(change, state, message, response, status, following):
    """Record `change`'s outcome and claim `following` (the next of its queue, as the run read it) for the
    same worker, in one UPDATE: its own transaction, and no lock of the target group, for it writes nothing
    but these two change rows. Returns `following` as claimed, or None when it was no longer pending (the
    outcome is recorded all the same)."""
    outcome = _outcome(change, state, message, response, status)
    claimed = _claimed(following, change)
    written = _update_two(change.pk, outcome, following.pk, claimed, only_if_state=State.PENDING)
    tell_change_settled(change, state)
    return _taken(following, claimed, change) if written == 2 else None


def _update_two(first_pk, first, second_pk, second, *, only_if_state):
    """One UPDATE that writes `first` on row `first_pk` and `second` on row `second_pk` if its state is
    `only_if_state`; returns the rows written. In plain SQL (one CASE per column): the ORM's compilation of
    the same statement costs more than the database takes to run it."""
    meta = RemoteChange._meta
    connection = connections[router.db_for_write(RemoteChange)]
    quote = connection.ops.quote_name
    pk = quote(meta.pk.column)
    assignments, params = [], []
    for name in sorted({*first, *second}):
        field = meta.get_field(name)
        column = quote(field.column)
        branches = []
        params.append(first_pk)  # CASE WHEN pk = first_pk
        for values in (first, second):
            if name in values:
                branches.append("%s")
                params.append(field.get_db_prep_save(values[name], connection))
            else:
                branches.append(column)
        assignments.append(f"{column} = CASE WHEN {pk} = %s THEN {branches[0]} ELSE {branches[1]} END")
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "
        f"WHERE {pk} = %s OR ({pk} = %s AND {quote(meta.get_field('state').column)} = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, first_pk, second_pk, only_if_state])
        return cursor.rowcount


@retry_transient
def hand_on(change, run):
    """After `settle_and_take` found the next change no longer pending: the queue's head read anew under
    the lock, then claimed for this worker or enqueued. Returns the change claimed, or None."""
    with transaction.atomic():
        lock_target_group(change.target_group_id)
        return _next_in_line(change, None, run)


def _next_in_line(change, waiting=None, run=None):
    """The change after this one on the same target group goes now.

    The worker that settled this one goes on with it where it may (`run.goes_on`): claimed here, in the
    outcome's transaction, so it is `sending` before it is sent and the claim stands or falls with the
    outcome; it is returned. Otherwise it is enqueued for any worker, and None is returned.
    """
    if not change.target_group_id:
        return None
    head = next(iter(waiting), None) if waiting is not None else head_of_queue(change, run)
    if head is None or not is_due(head):
        return None  # nothing waits, another worker has the next one in hand, or a retry has its countdown
    if run is not None and run.goes_on:
        taken = _take_over(head, change)
        if taken is None:  # the run's list was out of date (a change removed): read it anew, under the lock
            run.behind = None
            lock_target_group(change.target_group_id)
            head = head_of_queue(change, run)
            taken = _take_over(head, change) if head is not None and head.state == State.PENDING else None
        if taken is not None:
            return taken
        if head is None:
            return None
    transaction.on_commit(lambda: enqueue("sync.tasks.send_change", head.pk))  # or the sweep's, if refused
    return None


def _claimed(following, change):
    """The fields that claim `following` for the worker of `change`.

    Its attempts are as read in this run: a waiting change is tried by nobody else (it is not first).
    """
    now = timezone.now()
    return {
        "state": State.SENDING,
        "attempts": following.attempts + 1,
        "sent_at": now,
        "claimed_by": change.claimed_by,
        "updated_at": now,
    }


def _taken(following, claimed, change):
    """`following` as claimed: a copy, for the run's list keeps it as read (for a transaction tried again)."""
    taken = copy.copy(following)
    for field, value in claimed.items():
        setattr(taken, field, value)
    taken.target_group = change.target_group
    if taken.connection_id == change.connection_id:
        taken.connection = change.connection
    return taken


def _take_over(following, change):
    """Claim `following` for the worker of `change` (a conditional UPDATE, as `claim` does); returns it as
    claimed, or None."""
    claimed = _claimed(following, change)
    if not RemoteChange.objects.filter(pk=following.pk, state=State.PENDING).update(**claimed):
        return None
    return _taken(following, claimed, change)


def head_of_queue(change, run=None):
    """The first unsettled change of `change`'s target group after it (with its profile), or None.

    In a run, the changes behind are read once (`Run.behind`), and again when the list runs out.
    """
    behind = run.behind if run is not None else None
    if not behind:
        waiting = unsettled(change.target_group_id).exclude(pk=change.pk).select_related("profile").order_by("pk")
        behind = list(waiting[: settings.SYNC_CHANGES_PER_TASK])
        if run is not None:
            run.behind = behind
    return behind[0] if behind else None
