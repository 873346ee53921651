"""Fixtures for every sandbox test, shared and per supplier part."""

import pytest
from django.conf import settings

from sandbox import faults


@pytest.fixture(autouse=True)
def _fault_dice_from_the_seed():
    """Each test starts the fault dice afresh: with SANDBOX_FAULT_SEED set, a failing
    fault test replays the same faults when run alone."""
    faults.reseed(getattr(settings, "SANDBOX_FAULT_SEED", None))
