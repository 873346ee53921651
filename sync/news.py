"""What the outbox and the pull sync tell the PMs: a change that failed or met a conflict, a target group the
supplier paused or that completed. Handed to the notifications by name once the transaction commits (they
may import sync, not the other way), so an event rolled back is never told."""

from django.db import transaction

from config.tasks import task
from projects.models import TargetGroup

from .models import RemoteChange
from .wording import describe

Status = TargetGroup.Status


def tell(kind, *, target_group, text, users=None):
    """Notify the users who want to hear of `kind` about `target_group` (a pk), after the commit; `users`
    (pks) narrows them to those named."""
    notify = task("notifications.tasks.notify")
    transaction.on_commit(lambda: notify.delay(kind, target_group=target_group, text=text, users=users))


def tell_settled(change, state, message):
    """A change that ended failed or in conflict, in a sentence with the supplier's words."""
    if state not in (RemoteChange.State.FAILED, RemoteChange.State.CONFLICT):
        return
    where = f" on “{change.target_group.name}”" if change.target_group_id else ""
    what = "failed" if state == RemoteChange.State.FAILED else "was not applied (conflict)"
    kind = "change_failed" if state == RemoteChange.State.FAILED else "change_conflict"
    tell(kind, target_group=change.target_group_id, text=f"{describe(change)}{where} {what}. {message}".strip())


def tell_status_moved(tg, before):
    """A status the supplier moved, as a sync saw it: paused by the supplier, or complete."""
    if before is None or tg.status == before:
        return
    if tg.status == Status.PAUSED and before == Status.LIVE:
        why = f": {tg.status_reason.rstrip('.')}." if tg.status_reason else "."
        tell("paused_by_supplier", target_group=tg.pk, text=f"The supplier paused “{tg.name}”{why}")
    elif tg.status == Status.COMPLETED:
        counts = f" with {tg.current_completes} of {tg.filling_goal} completes" if tg.filling_goal else ""
        tell("target_group_complete", target_group=tg.pk, text=f"“{tg.name}” is complete{counts}.")


def tell_quota_full(tg_pk, text, goal):
    """A quota or interlock cell that reached its goal (by a webhook's fill or a read)."""
    tell("quota_full", target_group=tg_pk, text=f"The quota “{text}” is full: it reached its goal of {goal} completes.")
