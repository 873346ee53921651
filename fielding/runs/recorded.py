"""Completes over time from the history the cockpit records (`quotas.history`), for every supplier: the chart
(the one `completes_chart` draws) and its CSV, point by point.

The history holds the running count of completes; the chart draws completes per interval under the running
total, so the points are cut into intervals sized to the fieldwork (a few dozen bars whatever its length),
each holding what the count gained in it. The interval holding now ends at the target group's count now, so
the chart ends at the number its page shows even before the next snapshot. The pace drawn and said is the
history's (`target_group_pace`), the one the rest of the cockpit tells.
"""

from datetime import timedelta

from django.utils import timezone
from django.views.decorators.http import require_GET

from fielding import permissions
from projects.exports import csv_response, file_name
from projects.models import TargetGroup
from projects.permissions import NotOffered
from quotas.history.reading import target_group_pace

from .charts import completes_chart

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
# The chart's intervals, finest first: the first that cuts the fieldwork so far into at most MAX_BARS.
STEPS = (
    ("PT1H", HOUR),
    ("PT3H", 3 * HOUR),
    ("PT6H", 6 * HOUR),
    ("PT12H", 12 * HOUR),
    ("P1D", DAY),
    ("P7D", 7 * DAY),
)
MAX_BARS = 48


def step_for(span):
    """The interval (its ISO-8601 name and length) the chart cuts `span` of fieldwork into."""
    return next(((name, length) for name, length in STEPS if span / length <= MAX_BARS), STEPS[-1])


def interval_start(when, step):
    """The start of the chart interval `when` falls in, on the PM's clock: whole hours a multiple of the
    step apart, midnight for a day, Monday's midnight for a week."""
    local = timezone.localtime(when).replace(minute=0, second=0, microsecond=0)
    if step < DAY:
        hours = step // HOUR
        return local.replace(hour=local.hour - local.hour % hours)
    local = local.replace(hour=0)
    return local - timedelta(days=local.weekday()) if step >= 7 * DAY else local


def recorded_intervals(points, *, step, now, total, start=None):
    """What the running count in `points` (``[(at, completes)]``, oldest first) gained in each interval of
    `step`, as the supplier's intervals are given (``[{"timestamp", "count"}]``), from the interval holding
    `start` (or the first point, whichever is earlier) to the one holding `now`, where the count is `total`.
    The count before the first point is none. Empty without a point."""
    points = [(at, completes) for at, completes in points if at <= now]
    if not points:
        return []
    first = points[0][0] if start is None else min(start, points[0][0])
    intervals, begin, before, index = [], interval_start(first, step), 0, 0
    while begin <= now:
        end = begin + step
        while index < len(points) and points[index][0] < end:
            index += 1
        reached = total if end > now else (points[index - 1][1] if index else 0)
        intervals.append({"timestamp": begin.isoformat(), "count": reached - before})
        begin, before = end, reached
    return intervals


def recorded_chart(tg, now=None):
    """The completes chart of `tg` from its history, against its filling goal and end date, with the
    history's pace (`chart["pace"]`), in three queries. ``chart["empty"]`` without a point, with
    ``chart["empty_words"]`` saying so."""
    now = now or timezone.now()
    pace = target_group_pace(tg, now=now)
    points = list(tg.history.filter(at__lte=now).order_by("at").values_list("at", "completes"))
    start = tg.fielding_start_at if tg.fielding_start_at and tg.fielding_start_at <= now else None
    first = points[0][0] if points else now
    interval, step = step_for(now - (first if start is None else min(start, first)))
    chart = completes_chart(
        recorded_intervals(points, step=step, now=now, total=tg.current_completes, start=start),
        interval=interval,
        goal=tg.filling_goal,
        end_at=tg.fielding_end_at,
        now=now,
        total=tg.current_completes,
        pace=pace,
    )
    if chart["empty"]:
        chart["empty_words"] = (
            "No completes yet."
            if not tg.current_completes
            else "No completes recorded over time yet: the cockpit records the count every few minutes."
        )
    return chart


@require_GET
def recorded_csv(request, pk):
    """Download the completes and prescreens the cockpit recorded for a target group, point by point, on the
    PM's clock (anyone who can see the target group may)."""
    tg = permissions.target_group(pk)
    points = tg.history.order_by("at").values_list("at", "completes", "prescreens")
    if tg.status == TargetGroup.Status.DRAFT or not points.exists():
        raise NotOffered(f"No completes of “{tg.name}” are recorded yet, so there is no file to download.")
    # The file is written after the view returns, once the PM's zone is no longer active: its times are
    # put on the PM's clock now.
    zone = timezone.get_current_timezone()
    rows = (
        (timezone.localtime(at, zone).isoformat(timespec="minutes"), completes, prescreens)
        for at, completes, prescreens in points.iterator()
    )
    return csv_response(file_name(tg.name, "completes", "recorded"), ["At", "Completes", "Prescreens"], rows)
