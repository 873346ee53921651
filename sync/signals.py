"""What the outbox and the mirror tell the apps above them, which may import sync (never the other way).

* `change_settled` (``change``, ``state``): a change's outcome is recorded; sent once that is committed
  (a plan change moves on to its raises at once).
* `counts_moved` (``target_groups``: pks): a target group's quota counts were written by a webhook's fills
  or a read of the supplier; sent once they are committed (the study's guard looks at once).

Receivers run in the process that wrote, after its commit; one that fails is logged and never undoes nor
stops the write that was told.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

change_settled = Signal()
counts_moved = Signal()


def _send(signal, **kwargs):
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            log.error("%s failed on %s", getattr(receiver, "__qualname__", receiver), kwargs, exc_info=result)


def tell_change_settled(change, state):
    transaction.on_commit(lambda: _send(change_settled, change=change, state=state))


def tell_counts_moved(target_group_pks):
    pks = sorted({pk for pk in target_group_pks if pk})
    if pks:
        transaction.on_commit(lambda: _send(counts_moved, target_groups=pks))
