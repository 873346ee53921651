"""How fast a target group fills: the pace it keeps, the finish that pace gives, and the
pace it needs to reach its goal by its end date. One source for the completes chart (Cint's
completes over time) and for the suppliers that report totals only.

The pace is measured over a window that means something: the last `PACE_WINDOW` of fielding
(the whole of it while it is younger). Until the window spans `PACE_MIN_TIME` and holds
`PACE_MIN_COMPLETES` (or spans a whole `PACE_WINDOW`), it is too early to tell: twenty
minutes of a launch say nothing about a day.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone

DAY = timedelta(days=1)
# Pace is measured over the last day of fielding, or since the start while fielding is younger...
PACE_WINDOW = timedelta(hours=24)
# ...and only once that window spans this long and holds this many completes (a whole window always counts).
PACE_MIN_TIME = timedelta(hours=2)
PACE_MIN_COMPLETES = 10


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


def recent_window(points, total, now):
    """Where the pace of the supplier's completes per interval (``[(start, count)]``, oldest first) is
    measured: from the start of the latest interval that began at least `PACE_WINDOW` ago (the first
    one while fielding is younger), over the completes since then: `total` less those counted in the
    intervals before it. Returns ``(start, completes)``, or ``(None, None)`` without intervals."""
    if not points:
        return None, None
    cutoff = now - PACE_WINDOW
    begun = [when for when, _ in points if when <= cutoff]
    start = begun[-1] if begun else points[0][0]
    before = sum(count for when, count in points if when < start)
    return start, max(0, total - before)


@dataclass
class Pace:
    done: int
    goal: int
    # When fielding started (the first interval, or the fielding start), and the end date.
    since: datetime | None
    end_at: datetime | None
    now: datetime
    # The window the pace is measured over: from `window_start` (default `since`) to now, with
    # `window_done` completes in it (default `done`, every complete being since the start).
    window_start: datetime | None = None
    window_done: int | None = None

    @property
    def remaining(self):
        return max(0, self.goal - self.done)

    @property
    def reached(self):
        return self.goal > 0 and self.done >= self.goal

    @property
    def window_from(self):
        return self.window_start or self.since

    @property
    def window_completes(self):
        return self.done if self.window_done is None else self.window_done

    @property
    def window_length(self):
        """How long the window runs until now (None without a start)."""
        start = self.window_from
        return None if start is None else self.now - start

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
    def per_day(self):
        """Completes a day over the window (None before it can be told, or without a start)."""
        if self.window_length is None or self.too_early:
            return None
        return self.window_completes / (self.window_length / DAY)

    @property
    def projected_finish(self):
        """When the goal is reached at the pace kept (None without a goal or a pace)."""
        if not self.goal or self.reached or not self.per_day:
            return None
        return self.now + DAY * (self.remaining / self.per_day)

    @property
    def needed_per_day(self):
        """Completes a day from now on to reach the goal by the end date (None when it has passed)."""
        if not self.goal or self.reached or self.end_at is None or self.end_at <= self.now:
            return None
        return math.ceil(self.remaining / ((self.end_at - self.now) / DAY))

    @property
    def late(self):
        """The pace kept finishes after the end date (or not at all); never said while it is too early to tell."""
        if self.reached or not self.goal or self.end_at is None or self.too_early:
            return False
        finish = self.projected_finish
        return finish is None or finish > self.end_at

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


def pace_of(tg, now=None):
    """The pace of a target group from its totals (for suppliers that report no completes over time):
    the average since its fielding start. Where the supplier gives no start, or fielding began before
    it, the pace runs from when the cockpit first saw the target group live, over the completes since."""
    start, seen = tg.fielding_start_at, tg.seen_live_at
    if seen is not None and (start is None or start > seen):
        since, done = seen, max(0, tg.current_completes - tg.completes_when_seen_live)
    else:
        since, done = start, tg.current_completes
    return Pace(
        done=tg.current_completes,
        goal=tg.filling_goal,
        since=since,
        end_at=tg.fielding_end_at,
        now=now or timezone.now(),
        window_done=done,
    )
