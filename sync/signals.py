"""What the outbox and the mirror tell the apps above them, which may import sync (never the other way).

* `change_settled` (``change``, ``state``): a change's outcome is recorded; sent once that is committed
  (a plan change moves on to its raises at once). Its sender is the change's kind class: a receiver connects
  for the kinds it follows, and a change no one follows costs nothing.
* `counts_moved` (``target_groups``: pks): a target group's quota counts were written by a webhook's fills
  or a read of the supplier; sent once they are committed (the study's guard looks at once).

Receivers run in the process that wrote, after its commit; one that fails is logged and never undoes nor
stops the write that was told.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from .kinds import REGISTRY

log = logging.getLogger(__name__)

change_settled = Signal()
counts_moved = Signal()


class Told:
    """A signal to send once the transaction commits (an `on_commit` callback that enqueues no task itself)."""

    def __init__(self, signal, sender=None, **kwargs):
        self.signal, self.sender, self.kwargs = signal, sender, kwargs

    def __call__(self):
        for receiver, result in self.signal.send_robust(sender=self.sender, **self.kwargs):
            if isinstance(result, Exception):
                name = getattr(receiver, "__qualname__", receiver)
                log.error("%s failed on %s", name, self.kwargs, exc_info=result)


def tell_change_settled(change, state):
    kind = type(REGISTRY.get(change.kind))
    if change_settled.has_listeners(kind):
        transaction.on_commit(Told(change_settled, kind, change=change, state=state))


def tell_counts_moved(target_group_pks):
    pks = sorted({pk for pk in target_group_pks if pk})
    if pks:
        transaction.on_commit(Told(counts_moved, target_groups=pks))
