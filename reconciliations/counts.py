"""After the supplier applied a reconciliation, the cockpit's counts follow it.

A reconciliation lowers (or raises) completes at the supplier, and nothing else tells the cockpit:
its counts only ever move up between full reads. So each target group it touched is read again in
full, and shows the completes (and quota counts) the supplier now reports.
"""

from functools import partial

from django.db import transaction

from sync.tasks import sync_target_group


def read_again(target_group_ids):
    """Read each target group again in full once the transaction commits (a task each)."""
    for pk in sorted(set(target_group_ids)):
        transaction.on_commit(partial(sync_target_group.delay, pk))


def rejected(completes_before, record):
    """The completes a settled list rejected (or left unapproved), from the supplier's
    `ReconciliationRecord`: as it says, or else its survey's completes before less those it kept."""
    if record.rejected is not None:
        return record.rejected
    if record.kept is not None and completes_before is not None:
        return max(0, completes_before - record.kept)
    return None
