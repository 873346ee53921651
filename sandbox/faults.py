"""Fault injection: the singleton settings, the dice, and a way for tests to set rates."""

import random
from contextlib import contextmanager

from .models import FaultSettings

_rng = random.Random()
SERVER_ERRORS = (500, 502, 503)


def fault_settings():
    """The current fault settings (created from the SANDBOX_* settings on first use)."""
    return FaultSettings.load()


def set_faults(**values):
    """Change some rates and return the settings, e.g. `set_faults(rate_limit_rate=1.0)`.

    Any field of `FaultSettings`: error_rate, rate_limit_rate, retry_after_seconds,
    stale_etag_rate, lost_response_rate, latency_ms.
    """
    faults = fault_settings()
    for name, value in values.items():
        if not hasattr(faults, name) or name in ("id", "pk", "updated_at"):
            raise TypeError(f"unknown fault setting {name!r}")
        setattr(faults, name, value)
    faults.save()
    return faults


@contextmanager
def override_faults(**values):
    """Set fault rates for the duration of a block, then put the old ones back."""
    faults = fault_settings()
    saved = {name: getattr(faults, name) for name in values}
    set_faults(**values)
    try:
        yield fault_settings()
    finally:
        set_faults(**saved)


def roll(rate, rng=None):
    """True with probability `rate` (always at 1.0, never at 0)."""
    if rate <= 0:
        return False
    if rate >= 1:
        return True
    return (rng or _rng).random() < rate


def pick_server_error(rng=None):
    return (rng or _rng).choice(SERVER_ERRORS)
