"""Simulated respondents: the driver that advances the sandbox, and how respondents
arrive and end, for every supplier part.

`simulate_step` takes one clock and one set of dice and runs each supplier part's
step (`PARTS`); a part fills its live surveys with respondents drawn here: how many
arrive in a step (`entrants_for`), when and through which supply partner (`arrive`),
and how a screened-in respondent ends (`finish`). What screens them (quotas, cells,
overquota) and what a part tells the app (webhooks) is the part's own.
"""

import datetime as dt
import random

from django.utils import timezone
from django.utils.module_loading import import_string

# Each supplier part's step: step(now, rng, *, deliver) -> a summary of what happened.
PARTS = {
    "cint": "sandbox.cint.simulation.step",
    "purespectrum": "sandbox.purespectrum.simulation.step",
    "audience_align": "sandbox.audience_align.simulation.step",
}

SUPPLIERS = (18, 253, 431, 1260, 2087)
DROP_RATE = 0.05
MAX_ENTRANTS_PER_STEP = 40

DROP = "drop"
COMPLETE = "complete"
TERMINATE = "terminate"


def simulate_step(now=None, rng=None, *, deliver=True):
    """Advance the sandbox by one step; returns a summary of what happened (the Cint part's)."""
    return simulate_parts(now, rng, deliver=deliver)["cint"]


def simulate_parts(now=None, rng=None, *, deliver=True, suppliers=None):
    """One step of every supplier part (or of those named), on one clock and one set of
    dice; returns {supplier: summary}."""
    now = now or timezone.now()
    rng = rng or random.Random()
    return {supplier: import_string(PARTS[supplier])(now, rng, deliver=deliver) for supplier in suppliers or PARTS}


def entrants_for(filling_goal, completes, incidence_rate, rng):
    """How many people arrive at a live survey in one step."""
    remaining = max(0, filling_goal - completes)
    if remaining == 0:
        return 0
    expected = max(1.0, filling_goal * 0.04) / max(incidence_rate, 0.1) ** 0.5
    return min(MAX_ENTRANTS_PER_STEP, max(1, round(expected * rng.uniform(0.5, 1.5))))


def arrive(now, rng):
    """When an entrant arrived (in the last 10 seconds) and the supply partner it came from."""
    entered_at = now - dt.timedelta(seconds=rng.uniform(0, 10))
    return entered_at, rng.choice(SUPPLIERS)


def finish(incidence_rate, length_of_interview_minutes, rng):
    """How a screened-in respondent ends: (DROP, None), or COMPLETE (at about the
    incidence rate) or TERMINATE with the seconds it took."""
    if rng.random() < DROP_RATE:
        return DROP, None
    incidence = min(max(incidence_rate, 0.05), 0.95)
    loi = length_of_interview_minutes * 60
    if rng.random() < incidence:
        return COMPLETE, round(loi * rng.uniform(0.6, 1.5))
    return TERMINATE, round(loi * rng.uniform(0.05, 0.3))
