"""Recovery: what a dead worker left `sending`, and queues whose head waits with nothing in flight."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from config.tasks import task

from .models import RemoteChange

State = RemoteChange.State


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
