"""How fast a target group fills: the pace it has kept, the finish that pace gives, and the
pace it needs to reach its goal by its end date. One source for the completes chart (Cint's
completes over time) and for the suppliers that report totals only."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone

DAY = timedelta(days=1)


def _date(when):
    return formats.date_format(timezone.localtime(when), "j M Y")


def _count(value):
    return f"{value:,}"


@dataclass
class Pace:
    done: int
    goal: int
    # Since when `done` was collected (the first interval, or the fielding start), and the end date.
    since: datetime | None
    end_at: datetime | None
    now: datetime

    @property
    def remaining(self):
        return max(0, self.goal - self.done)

    @property
    def reached(self):
        return self.goal > 0 and self.done >= self.goal

    @property
    def per_day(self):
        """Completes a day so far (None when there is no time to measure over yet)."""
        if self.since is None or self.now <= self.since:
            return None
        return self.done / ((self.now - self.since) / DAY)

    @property
    def projected_finish(self):
        """When the goal is reached at the pace kept so far (None without a goal or a pace)."""
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
        """The pace kept so far finishes after the end date (or not at all)."""
        if self.reached or not self.goal or self.end_at is None:
            return False
        finish = self.projected_finish
        return finish is None or finish > self.end_at

    def _day(self, when):
        """`when` as a date; with the time too when the projected finish and the end date share the day."""
        finish, end = self.projected_finish, self.end_at
        same_day = finish and end and timezone.localtime(finish).date() == timezone.localtime(end).date()
        return formats.date_format(timezone.localtime(when), "j M Y H:i" if same_day else "j M Y")

    @property
    def sentences(self):
        """What a PM reads: where the pace leads, and what it takes to finish on time."""
        if not self.goal:
            return ["No filling goal is set, so there is nothing to project."]
        if self.reached:
            return [f"The goal of {_count(self.goal)} is reached ({_count(self.done)} completes)."]
        said = []
        if self.per_day:
            said.append(
                f"At this pace ({self.per_day:,.1f}/day): finishes on {self._day(self.projected_finish)}"
                + (" — after the end date." if self.late else ".")
            )
        elif self.done:
            said.append("No start date is known, so no pace can be measured and no finish date projected.")
        else:
            said.append("No completes yet: no finish date can be projected.")
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
    """The pace of a target group from its totals (for suppliers that report no completes over time)."""
    return Pace(
        done=tg.current_completes,
        goal=tg.filling_goal,
        since=tg.fielding_start_at,
        end_at=tg.fielding_end_at,
        now=now or timezone.now(),
    )
