"""Fault injection: the singleton settings, the dice, and a way for tests to set rates.

The dice are unseeded unless SANDBOX_FAULT_SEED is set (read at call time): with a
seed, the same calls roll the same faults, so a failing fault test can be replayed.
Tests restart the sequence with `reseed(seed)`.
"""

import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import FaultSettings

SERVER_ERRORS = (500, 502, 503)
# Every call the sandbox answers reads the fault settings; a process reads them from the database at most
# this often. A change saved in the process is seen at once, one saved in another (the admin, a script)
# within this time.
FRESH_FOR_SECONDS = 1.0

_rng = random.Random()
_seed_setting = None  # the SANDBOX_FAULT_SEED the dice last followed
_generation = 0  # moved by every change saved in this process: a copy read before it is old
_held = (None, 0.0, _generation)  # (the settings, when read, the generation then), replaced whole


def fault_settings():
    """The current fault settings (created from the SANDBOX_* settings on first use), at most
    `FRESH_FOR_SECONDS` old."""
    global _held
    faults, read_at, generation = _held
    now = time.monotonic()
    if faults is None or generation != _generation or now - read_at > FRESH_FOR_SECONDS:
        faults = FaultSettings.load()
        _held = (faults, now, _generation)
    return faults


def forget_fault_settings():
    """Read the fault settings afresh on the next call, in every thread (tests call it between tests:
    a rolled-back or flushed database leaves no signal)."""
    global _generation
    _generation += 1


@receiver([post_save, post_delete], sender=FaultSettings, dispatch_uid="sandbox.faults.forget")
def _changed(**kwargs):
    forget_fault_settings()


def set_faults(**values):
    """Change some rates and return the settings, e.g. `set_faults(rate_limit_rate=1.0)`.

    Any field of `FaultSettings`: error_rate, rate_limit_rate, retry_after_seconds,
    stale_etag_rate, lost_response_rate, latency_ms.
    """
    faults = FaultSettings.load()  # from the database: a held copy may be a moment old
    for name, value in values.items():
        if not hasattr(faults, name) or name in ("id", "pk", "updated_at"):
            raise TypeError(f"unknown fault setting {name!r}")
        setattr(faults, name, value)
    faults.save()
    return faults


@contextmanager
def override_faults(**values):
    """Set fault rates for the duration of a block, then put the old ones back."""
    faults = FaultSettings.load()
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
