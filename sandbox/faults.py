"""Fault injection: the singleton settings, the dice, and a way for tests to set rates.

The dice are unseeded unless SANDBOX_FAULT_SEED is set (read at call time): with a
seed, the same calls roll the same faults, so a failing fault test can be replayed.
Tests restart the sequence with `reseed(seed)`.
"""

import random
from contextlib import contextmanager

from django.conf import settings

from .models import FaultSettings

SERVER_ERRORS = (500, 502, 503)

_rng = random.Random()
_seed_setting = None  # the SANDBOX_FAULT_SEED the dice last followed


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


def reseed(seed=None):
    """Restart the fault dice from `seed` (a string or an int; None or "": unseeded).

    The same seed gives the same sequence as SANDBOX_FAULT_SEED set to it.
    """
    global _seed_setting
    _seed_setting = _configured_seed()
    _rng.seed(None if seed in (None, "") else str(seed))


def _configured_seed():
    return getattr(settings, "SANDBOX_FAULT_SEED", None) or None


def _dice():
    """The shared dice, restarted whenever SANDBOX_FAULT_SEED changes (also on first use)."""
    seed = _configured_seed()
    if seed != _seed_setting:
        reseed(seed)
    return _rng


def roll(rate, rng=None):
    """True with probability `rate` (always at 1.0, never at 0)."""
    if rate <= 0:
        return False
    if rate >= 1:
        return True
    return (rng or _dice()).random() < rate


def pick_server_error(rng=None):
    return (rng or _dice()).choice(SERVER_ERRORS)
