"""The project's one exponential backoff: how long to wait before trying something again.

Used wherever the cockpit waits on a supplier: the outbox's retries (`sync.sending`), the polls of a
fielding job (`fielding.runs.polling`) and of a reconciliation (`reconciliations.tasks`). Each caller keeps
its own base and cap. No app imports here, so any app may use it.
"""


def backoff_seconds(attempt, *, base, cap, retry_after=None):
    """``base``, ``2 × base``, ``4 × base`` … for the 1st, 2nd, 3rd … attempt, at most `cap`, and never sooner
    than the supplier's Retry-After (`retry_after`, seconds) when it gave one."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return max(delay, retry_after or 0)
