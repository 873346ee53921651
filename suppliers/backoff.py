"""The project's one exponential backoff: how long to wait before trying something again.

Used wherever the cockpit waits on a supplier: the transports' retried reads (`retry_delay`), the
outbox's retries (`sync.outcomes`), the polls of a fielding job (`fielding.runs.polling`) and of a
reconciliation (`reconciliations.tasks`). Each caller keeps its own base and cap. Plain Python, like
the rest of `suppliers`, so any layer may use it.
"""

import math


def backoff_seconds(attempt, *, base, cap, retry_after=None):
    """``base``, ``2 × base``, ``4 × base`` … for the 1st, 2nd, 3rd … attempt, at most `cap`, and never sooner
    than the supplier's Retry-After (`retry_after`, seconds) when it gave one."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return max(delay, retry_after or 0)


def retry_delay(failure, attempt, *, base, max_wait):
    """Seconds a transport waits before retrying a read that failed with `failure` (its `attempt`-th
    retry, from 0): the supplier's Retry-After, else the backoff; None when it must not retry (a
    permanent error, or a wait longer than `max_wait`)."""
    if not failure.retryable:
        return None
    delay = getattr(failure, "retry_after", None)
    if delay is None:
        delay = backoff_seconds(attempt + 1, base=base, cap=math.inf)
    return delay if delay <= max_wait else None
