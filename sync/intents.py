"""Recording an intent: a change a PM asks for, and its wanted state shown on the local rows at once.

`request_change` writes the local intent and a pending `RemoteChange` in one transaction (the target
group's row locked first) and enqueues `sync.tasks.send_change` when that transaction commits — only
for the first change of the target group's queue; one behind others goes when the one before it
settles (`sync.claims`). A change the connection's supplier cannot take (no adapter, or no
capability for it) is refused with `Unsupported`, before anything is recorded.

Whatever writes the supplier's values on a target group's rows (pull sync, webhooks, and the outbox
when it mirrors an answer or reads the supplier back) calls `reapply_intents` once afterwards, so the
intent of a change still on its way stays shown. Kinds and the mirror functions never call it
themselves.
"""

from django.db import transaction

from config.tasks import enqueue
from projects.queries import FINISHED_STATUSES
from suppliers.adapter import Unsupported
from suppliers.registry import adapter_class

from .kinds import REGISTRY
from .locks import lock_target_group, retry_transient
from .models import RemoteChange

State = RemoteChange.State


def reapply_intents(target_group, exclude=None):
    """Show again the local intent of every unsettled change of `target_group`, oldest first.

    Called after writing the supplier's values on the target group's rows. `exclude` is the
    change being reconciled right now, whose rows must show the supplier's truth. Returns those
    unsettled changes, oldest first.
    """
    changes = unsettled(target_group.pk)
    if exclude is not None and exclude.pk:
        changes = changes.exclude(pk=exclude.pk)
    changes = list(changes.select_related("profile").order_by("pk"))
    latest = {}  # intent key: the last change with it, the one whose intent shows
    for change in changes:
        change.target_group = target_group
        kind = REGISTRY.get(change.kind)
        key = kind.intent_key(change) if kind is not None else None
        if key is not None:
            latest[key] = change.pk
    for change in changes:
        kind = REGISTRY.get(change.kind)
        if kind is None:
            continue
        key = kind.intent_key(change)
        if key is None or latest[key] == change.pk:
            kind.record_intent(change)
    return changes


def request_change(kind_name, *, connection, target_group=None, profile=None, payload=None, by=None):
    """Record a change and its local intent; it is sent once the transaction commits.

    Raises `Unsupported` (recording nothing) when the connection's supplier cannot take it.
    """
    kind = REGISTRY[kind_name]
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
        # A queue that is down leaves the change pending: the stuck-change sweep sends it.
        transaction.on_commit(lambda: enqueue("sync.tasks.send_change", change.pk))
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
        return not unsettled(change.target_group_id).filter(pk__lt=change.pk).exists()


def unsettled(target_group_id):
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
