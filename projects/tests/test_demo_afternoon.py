"""The demo keeps fielding through an afternoon: a PM who tries it for a few hours sees every seeded live
target group still moving, at a pace that looks like fieldwork, with no time still to come.

The afternoon is driven, not waited for: the sandbox's simulation runs its steps on a clock moved on a
minute at a time, at the demo's configured pace."""

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

import config.settings as configured
from sandbox.models import AaRespondent, AaSurvey, PsSurvey, PsTransaction, Respondent, TargetGroup
from sandbox.simulation import simulate_parts

HOURS = 5
TICK = dt.timedelta(minutes=2)

pytestmark = pytest.mark.django_db


# Each supplier's surveys, the status they field in, and their name, completes and goal.
LIVE = {"cint": TargetGroup.Status.LIVE, "purespectrum": PsSurvey.Status.LIVE, "audience_align": AaSurvey.Status.ACTIVE}
FIELDING = {
    "cint": (TargetGroup.objects, ("name", "completes", "filling_goal")),
    "purespectrum": (PsSurvey.objects, ("title", "completes", "completes_required")),
    "audience_align": (AaSurvey.objects, ("name", "completes", "complete_needed")),
}


def fielding(kind):
    """The seeded surveys of one supplier that are fielding, by name: their completes and goal."""
    surveys, fields = FIELDING[kind]
    rows = surveys.filter(status=LIVE[kind]).values_list(*fields)
    return {(kind, name): (completes, goal) for name, completes, goal in rows}


def all_fielding():
    return {**fielding("cint"), **fielding("purespectrum"), **fielding("audience_align")}


class Recorded:
    """What the suppliers recorded since the last look, with the times they gave it."""

    def __init__(self):
        self.seen = {"cint": 0, "purespectrum": 0, "audience_align": 0}

    def times_since_last_look(self):
        cint = Respondent.objects.filter(pk__gt=self.seen["cint"]).values_list("pk", "entered_at", "finished_at")
        ps = PsTransaction.objects.filter(pk__gt=self.seen["purespectrum"]).values_list("pk", "created_at")
        aa = AaRespondent.objects.filter(pk__gt=self.seen["audience_align"]).values_list(
            "pk", "entered_at", "duration_seconds"
        )
        times = []
        for pk, entered_at, finished_at in cint:
            times += [entered_at, finished_at or entered_at]
            self.seen["cint"] = max(self.seen["cint"], pk)
        for pk, created_at in ps:
            times.append(created_at)
            self.seen["purespectrum"] = max(self.seen["purespectrum"], pk)
        for pk, entered_at, seconds in aa:  # a respondent finished its interview `seconds` after entering
            times += [entered_at, entered_at + dt.timedelta(seconds=seconds or 0)]
            self.seen["audience_align"] = max(self.seen["audience_align"], pk)
        return times


def test_every_seeded_live_target_group_is_still_fielding_after_an_afternoon_and_no_time_is_to_come(settings):
    settings.SANDBOX_JOB_SECONDS = 0
    settings.SANDBOX_FILL_HOURS = configured.SANDBOX_FILL_HOURS  # the demo's pace, not the tests' quick one
    call_command("seed_demo", stdout=StringIO())
    seeded = all_fielding()
    assert {kind for kind, _ in seeded} == {"cint", "purespectrum", "audience_align"}

    clock, rng, recorded = timezone.now(), random.Random(20), Recorded()
    recorded.times_since_last_look()
    hourly = [seeded]
    for minute in range(2, HOURS * 60 + 1, 2):
        clock += TICK
        simulate_parts(clock, rng, deliver=False, seconds=int(TICK.total_seconds()))
        times = recorded.times_since_last_look()
        assert all(moment <= clock for moment in times), f"a time after {clock} in minute {minute}"
        if minute % 60 == 0:
            hourly.append(all_fielding())

    end = hourly[-1]
    assert set(end) == set(seeded), "every seeded live target group is still fielding"
    for key, (completes, goal) in end.items():
        last_hour = completes - hourly[-2][key][0]
        assert last_hour > 0, f"{key} got no complete in the afternoon's last hour"
        # like fieldwork: neither stuck nor through its goal in an afternoon
        assert 0.1 * goal <= completes <= 0.8 * goal, (key, completes, goal)
    first_hour = {key: hourly[1][key][0] - seeded[key][0] for key in seeded}
    assert all(gained <= 0.25 * seeded[key][1] for key, gained in first_hour.items()), first_hour
