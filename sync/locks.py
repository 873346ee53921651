"""One lock order for everything that writes a target group's rows, and retries of transient
database errors, so the worker, the web process and the webhook receiver never deadlock.

The rule: a transaction that writes any row of a target group (the target group itself, its
profiles, quotas, interlocks, fielding runs, or an outbox change about it) locks the target
group's row first, with `lock_target_group`. ``FOR NO KEY UPDATE`` is enough to order the
writers, and it does not block the key-share locks that inserting a row referring to the
target group takes (an outbox change, a webhook event). SQLite takes one write lock for the
whole database when a transaction begins (``BEGIN IMMEDIATE``) and has no row locks, so there
the call sends nothing.

One transaction writes a target group's rows without it: the outbox's hand-over in a run of changes
(`sync.claims.settle_and_take`), which writes only two change rows (one's outcome, the next one's
claim) in one statement, and takes the lock as soon as it must read the queue again. No writer
holding the lock waits on those rows, so no cycle forms.
"""

import logging
import random
import time
from contextlib import contextmanager
from functools import wraps

from django.db import OperationalError, transaction

log = logging.getLogger(__name__)

TRIES = 4


def lock_target_group(target_group_id):
    """Lock the target group's row for the rest of the current transaction (a no-op outside one)."""
    from projects.models import TargetGroup

    connection = transaction.get_connection()
    if target_group_id is None or not connection.in_atomic_block or connection.vendor == "sqlite":
        return
    # Ordered by pk, not by the model's ordering: that would join the project and lock its row too.
    TargetGroup.objects.select_for_update(no_key=True).filter(pk=target_group_id).order_by("pk").values_list(
        "pk"
    ).first()


@contextmanager
def writing_target_group(target_group_id):
    """A block that writes a target group's rows: in a transaction of its own that locks the target group
    first, or in the caller's transaction, which has locked it already (the rule above), with no savepoint
    nor second lock: an error there rolls back the caller's whole transaction."""
    if transaction.get_connection().in_atomic_block:
        yield
        return
    with transaction.atomic():
        lock_target_group(target_group_id)
        yield


def is_transient(exc):
    """A deadlock, a serialization failure or a busy database: the same transaction may simply be tried again."""
    cause = getattr(exc, "__cause__", None)
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code in ("40P01", "40001", "55P03"):
        return True
    return "database is locked" in str(exc) or "deadlock" in str(exc).lower()


def retry_transient(function):
    """Run `function` again (up to `TRIES` times) when its transaction met a transient error.

    Only the outermost transaction can be tried again; inside another one the error goes up.
    """

    @wraps(function)
    def wrapper(*args, **kwargs):
        for attempt in range(1, TRIES + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as exc:
                if attempt == TRIES or transaction.get_connection().in_atomic_block or not is_transient(exc):
                    raise
                log.warning("%s met %s; trying again (%d of %d)", function.__qualname__, exc, attempt, TRIES)
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        return None  # pragma: no cover - the loop returns or raises

    return wrapper
