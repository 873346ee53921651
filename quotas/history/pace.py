"""How fast something fills: the pace it keeps, the finish that pace gives, what it needs to reach its goal by
its end date, and a verdict on that. Pure functions over points of a running count, for a target group (its
history, or the supplier's completes over time) and for each quota alike: the one pace of the cockpit.

The pace is measured over a window that means something: the last `PACE_WINDOW` of fielding (from the
latest point at least that old, so the window starts where the count was known; the whole of fielding while
it is younger), each moment weighted by how recent it is (its weight halves every
`PACE_HALF_LIFE`), so a launch's first burst fades and a slowdown shows within hours. Until the window spans
`PACE_MIN_TIME` and holds `PACE_MIN_COMPLETES` (or spans a whole `PACE_WINDOW`), it is too early to tell:
twenty minutes of a launch say nothing about a day.

Between two points the count is taken to have grown evenly; two points at one moment are a jump there
(completes counted at once, e.g. those not in a supplier's interval yet).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils import formats, timezone

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Pace is measured over the last day of fielding, or since the start while fielding is younger...
PACE_WINDOW = timedelta(hours=24)
# ...and only once that window spans this long and holds this many completes (a whole window always counts).
PACE_MIN_TIME = timedelta(hours=2)
PACE_MIN_COMPLETES = 10
# A moment's weight in the pace halves with every this much of age: the last hours say most.
PACE_HALF_LIFE = timedelta(hours=6)
# Finishing late at a pace of at least this share of the one needed is "at risk"; below it, "behind".
AT_RISK_FROM = 0.8


class Verdict(models.TextChoices):
    REACHED = "reached", "Goal reached"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BEHIND = "behind", "Behind"
    TOO_EARLY = "too_early", "Too early to tell"


def _date(when):
    return formats.date_format(timezone.localtime(when), "j M Y")


def _count(value):
    return f"{value:,}"


def span_words(length):
    """A length of time as a PM reads it: "45 minutes", "29 hours", "3 days"."""
    minutes = int(length.total_seconds() // 60)
    if length < timedelta(hours=2):
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    if length < timedelta(hours=48):
        return f"{round(length / timedelta(hours=1))} hours"
    return f"{round(length / DAY)} days"


def curve_of(points, *, now, start=None, done=None):
    """The running count as ``[(at, count)]``, oldest first, from `points` (``[(at, count)]`` in any order).

    `start` (``(when, count then)``, optional) is where fielding began: points before it are left out and
    the count there is what they reached (else `count then`). `done`, the count now, ends the curve at
    `now`; without it, the last count holds until now. Points after `now` are left out. Empty when there is
    neither a point nor a start."""
    curve = sorted((at, count) for at, count in points if at <= now)
    if start is not None and start[0] is not None:
        when, count = start
        before = [value for at, value in curve if at <= when]
        curve = [(when, before[-1] if before else count)] + [(at, value) for at, value in curve if at > when]
    if not curve:
        return []
    last_at, last = curve[-1]
    if last_at < now or done is not None:
        curve.append((max(now, last_at), last if done is None else done))
    return curve


def count_at(curve, when):
    """The running count at `when` on `curve` (after any jump there; the ends held beyond the curve)."""
    before = [(at, value) for at, value in curve if at <= when]
    after = [(at, value) for at, value in curve if at > when]
    if not before:
        return curve[0][1] if curve else 0
    (a, va) = before[-1]
    if not after:
        return va
    (b, vb) = after[0]
    return va + (vb - va) * ((when - a) / (b - a))


def weighted_rate(curve, start, now, half_life=PACE_HALF_LIFE):
    """Completes per hour along `curve` from `start` to `now`, each moment weighted 2^(-age / `half_life`).

    An even count over the span gives its plain average; the same completes nearer `now` give more.
    None for an empty span."""
    if now <= start:
        return None
    h = half_life / HOUR

    def weight(when):
        return 2 ** (-((now - when) / HOUR) / h)

    def weight_between(a, b):  # the weight's integral over [a, b], in hours
        return h / math.log(2) * (weight(b) - weight(a))

    total = weight_between(start, now)
    mass = 0.0
    for (a, va), (b, vb) in zip(curve, curve[1:], strict=False):
        if a == b:  # a jump: its completes weigh as of their moment
            if start < a <= now:
                mass += (vb - va) * weight(a)
            continue
        lo, hi = max(a, start), min(b, now)
        if hi > lo:
            mass += (vb - va) / ((b - a) / HOUR) * weight_between(lo, hi)
    return max(0.0, mass / total)


def pace_of_points(points, *, goal, end_at=None, now=None, start=None, done=None):
    """The `Pace` of a running count: `points` ``[(at, count)]`` (history points, or a supplier's series made
    cumulative), towards `goal` by `end_at` (optional), as of `now`. `start` and `done` as `curve_of` takes
    them. With neither a point nor a start there is no window: no pace can be measured."""
    now = now or timezone.now()
    curve = curve_of(points, now=now, start=start, done=done)
    done = done if done is not None else (curve[-1][1] if curve else 0)
    if not curve:
        return Pace(done=done, goal=goal or 0, end_at=end_at, now=now)
    since = curve[0][0]
    begun = [at for at, _ in curve if at <= now - PACE_WINDOW]
    window_from = begun[-1] if begun else since
    window_completes = max(0, round(done - count_at(curve, window_from)))
    return Pace(
        done=done,
        goal=goal or 0,
        end_at=end_at,
        now=now,
        since=since,
        window_from=window_from,
        window_completes=window_completes,
        rate=weighted_rate(curve, window_from, now),
    )


@dataclass(frozen=True)
class Pace:
    """Where a count stands against its goal and end date, and the pace it keeps (see the module)."""

    done: int
    goal: int
    end_at: datetime | None
    now: datetime
    # When the count's curve begins (the fielding start, or its first point), and the window the pace is
    # measured over: from `window_from` to now, with `window_completes` in it; `rate` per hour, weighted.
    since: datetime | None = None
    window_from: datetime | None = None
    window_completes: int = 0
    rate: float | None = None

    @property
    def remaining(self):
        return max(0, self.goal - self.done)

    @property
    def reached(self):
        return self.goal > 0 and self.done >= self.goal

    @property
    def window_length(self):
        """How long the window runs until now (None without a start)."""
        return None if self.window_from is None else self.now - self.window_from

    @property
    def too_early(self):
        """Fielding too young (or, younger than a whole window, with too few completes) to tell a pace."""
        length = self.window_length
        if length is None:
            return False
        if length < PACE_MIN_TIME:
            return True
        return length < PACE_WINDOW and self.window_completes < PACE_MIN_COMPLETES

    @property
    def per_hour(self):
        """Completes an hour over the window, recent hours weighted more (None before it can be told)."""
        if self.window_length is None or self.too_early:
            return None
        return self.rate

    @property
    def per_day(self):
        """`per_hour` for a day (None before it can be told, or without a start)."""
        return None if self.per_hour is None else self.per_hour * 24

    @property
    def projected_finish(self):
        """When the goal is reached at the pace kept (None without a goal or a pace)."""
        if not self.goal or self.reached or not self.per_hour:
            return None
        return self.now + HOUR * (self.remaining / self.per_hour)

    @property
    def needed_per_hour(self):
        """Completes an hour from now on to reach the goal by the end date (None when it has passed)."""
        if not self.goal or self.reached or self.end_at is None or self.end_at <= self.now:
            return None
        return self.remaining / ((self.end_at - self.now) / HOUR)

    @property
    def needed_per_day(self):
        """`needed_per_hour` for a day, rounded up (None when the end date has passed)."""
        needed = self.needed_per_hour
        return None if needed is None else math.ceil(round(needed * 24, 9))

    @property
    def verdict(self):
        """`Verdict`: reached; else, against the end date, on track (finishes by it), at risk (late, at
        `AT_RISK_FROM` of the pace needed or more), behind (slower, no completes, or the end date passed);
        too early to tell. None without a goal, or without an end date (while not reached)."""
        if not self.goal:
            return None
        if self.reached:
            return Verdict.REACHED
        if self.end_at is None:
            return None
        needed = self.needed_per_hour
        if needed is None:
            return Verdict.BEHIND
        if self.window_length is None or self.too_early:
            return Verdict.TOO_EARLY
        if self.per_hour >= needed:
            return Verdict.ON_TRACK
        return Verdict.AT_RISK if self.per_hour >= AT_RISK_FROM * needed else Verdict.BEHIND

    @property
    def late(self):
        """The pace kept finishes after the end date (or not at all); never said while it is too early to tell."""
        return self.verdict in (Verdict.AT_RISK, Verdict.BEHIND) and not self.too_early

    def _day(self, when):
        """`when` as a date; with the time too when the projected finish and the end date share the day."""
        finish, end = self.projected_finish, self.end_at
        same_day = finish and end and timezone.localtime(finish).date() == timezone.localtime(end).date()
        return formats.date_format(timezone.localtime(when), "j M Y H:i" if same_day else "j M Y")

    def _too_early_words(self):
        length = self.window_length
        if length <= timedelta(0):
            return f"Too early to tell the pace: fielding starts on {_date(self.window_from)}."
        completes = self.window_completes
        return (
            f"Too early to tell the pace: {_count(completes)} complete{'' if completes == 1 else 's'} "
            f"in {span_words(length)}; a pace is told from {span_words(PACE_MIN_TIME)} "
            f"and {PACE_MIN_COMPLETES} completes."
        )

    @property
    def sentences(self):
        """What a PM reads: where the pace leads, and what it takes to finish on time."""
        if not self.goal:
            return ["No filling goal is set, so there is nothing to project."]
        if self.reached:
            return [f"The goal of {_count(self.goal)} is reached ({_count(self.done)} completes)."]
        said = []
        if self.window_length is None:
            if self.done:
                said.append("No start date is known, so no pace can be measured and no finish date projected.")
            else:
                said.append("No completes yet: no finish date can be projected.")
        elif self.too_early:
            said.append(self._too_early_words())
        elif self.per_day:
            said.append(
                f"At this pace ({self.per_day:,.1f}/day over the last {span_words(self.window_length)}): "
                f"finishes on {self._day(self.projected_finish)}" + (" — after the end date." if self.late else ".")
            )
        elif not self.done:
            said.append("No completes yet: no finish date can be projected.")
        else:
            said.append(f"No completes in the last {span_words(self.window_length)}: no finish date can be projected.")
        if self.end_at is None:
            said.append(f"{_count(self.remaining)} to go; no end date is set.")
        elif self.needed_per_day is None:
            said.append(f"The end date ({_date(self.end_at)}) has passed with {_count(self.remaining)} to go.")
        else:
            said.append(
                f"Needs {_count(self.needed_per_day)}/day to finish by {self._day(self.end_at)} "
                f"({_count(self.remaining)} to go)."
            )
        return said

    @property
    def summary(self):
        return " ".join(self.sentences)
