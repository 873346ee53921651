"""Simulated respondents: the driver that advances the sandbox, and how respondents
arrive and end, for every supplier part.

`simulate_step` takes one clock and one set of dice and runs each supplier part's
step (`PARTS`) over the `seconds` before that clock (`STEP_SECONDS`, how often the beat
runs it); a part fills its live surveys with respondents drawn here: how many reach an
end in a step (`entrants_for`: at a pace that fills a survey's goal in about
`SANDBOX_FILL_HOURS`), when and through which supply partner (`arrive`), and how a
screened-in respondent ends (`finish`). Every time a step records is within its span,
never after its clock. What screens them (quotas, cells, overquota) and what a part tells
the app (webhooks) is the part's own.
"""

import datetime as dt
import math
import random

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# Each supplier part's step: step(now, rng, *, deliver) -> a summary of what happened.
PARTS = {
    "cint": "sandbox.cint.simulation.step",
    "purespectrum": "sandbox.purespectrum.simulation.step",
    "audience_align": "sandbox.audience_align.simulation.step",
}

# The beat runs a step this often (`seed.ensure_schedule`): a step covers the seconds before its clock.
STEP_SECONDS = 10
SUPPLIERS = (18, 253, 431, 1260, 2087)
DROP_RATE = 0.05
MAX_ENTRANTS_PER_STEP = 40

DROP = "drop"
COMPLETE = "complete"
TERMINATE = "terminate"


def simulate_step(now=None, rng=None, *, deliver=True, seconds=STEP_SECONDS):
    """Advance the sandbox by one step; returns a summary of what happened (the Cint part's)."""
    return simulate_parts(now, rng, deliver=deliver, seconds=seconds)["cint"]


def simulate_parts(now=None, rng=None, *, deliver=True, suppliers=None, seconds=STEP_SECONDS):
    """One step of every supplier part (or of those named), over the `seconds` up to one clock,
    with one set of dice; returns {supplier: summary}."""
    now = now or timezone.now()
    rng = rng or random.Random()
    return {
        supplier: import_string(PARTS[supplier])(now, rng, deliver=deliver, seconds=seconds)
        for supplier in suppliers or PARTS
    }


def entrants_for(filling_goal, completes, incidence_rate, rng, seconds=STEP_SECONDS):
    """How many people reach a live survey's end screens in a step of `seconds`: as many as fill its
    goal in about `SANDBOX_FILL_HOURS` (read at call time) at its incidence, drawn at random (often
    none in a short step), never more than `MAX_ENTRANTS_PER_STEP`."""
    if filling_goal - completes <= 0:
        return 0
    completes_per_second = filling_goal / (max(settings.SANDBOX_FILL_HOURS, 0.01) * 3600)
    expected = completes_per_second * seconds / (_incidence(incidence_rate) * (1 - DROP_RATE))
    return min(MAX_ENTRANTS_PER_STEP, _poisson(expected, rng))


def _poisson(mean, rng):
    """A count of arrivals with this mean (Knuth's method; a normal draw for large means)."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def arrive(now, rng, seconds=STEP_SECONDS):
    """A moment in the step (the `seconds` up to `now`) and the supply partner an entrant came from.

    The moment is when the step finds the respondent where it leaves them: entering, for a drop or
    an overquota; finishing, for a complete or a terminate, who entered their `finish` seconds before.
    """
    moment = now - dt.timedelta(seconds=rng.uniform(0, seconds))
    return moment, rng.choice(SUPPLIERS)


def _incidence(incidence_rate):
    return min(max(float(incidence_rate), 0.05), 0.95)


def finish(incidence_rate, length_of_interview_minutes, rng):
    """How a screened-in respondent ends: (DROP, None), or COMPLETE (at about the
    incidence rate) or TERMINATE with the seconds it took."""
    if rng.random() < DROP_RATE:
        return DROP, None
    loi = length_of_interview_minutes * 60
    if rng.random() < _incidence(incidence_rate):
        return COMPLETE, round(loi * rng.uniform(0.6, 1.5))
    return TERMINATE, round(loi * rng.uniform(0.05, 0.3))
