"""The completes-over-time chart as numbers for an inline SVG, drawn on the server.

Two panels share one time axis: above, completes so far against the filling goal, with the
pace needed to reach the goal by the end date and the pace kept so far projected forward;
below, the completes of each interval. Works for any interval the supplier aggregates by
(hourly, daily, weekly), for no data and for one interval. The template
``fielding/runs/_completes_chart.html`` draws it; `Pace` says the same in words.
"""

import math
from datetime import timedelta

from django.utils import timezone

from quotas.history.pace import pace_of_points
from quotas.history.series import interval_length, running_points, series

WIDTH, HEIGHT = 640, 270
LEFT, RIGHT, TOP = 52, 64, 14
CUMULATIVE_BOTTOM = 160  # the completes-so-far panel: TOP..CUMULATIVE_BOTTOM
BARS_TOP, BARS_BOTTOM = 182, 236  # the per-interval panel
LABEL_Y = 252
# The end date widens the time axis only while the intervals stay wide enough to see.
MAX_SLOTS = 400
TICK_STEPS = [timedelta(hours=h) for h in (1, 2, 3, 6, 12)] + [timedelta(days=d) for d in (1, 2, 7, 14, 28, 56)]
MAX_TICKS = 6
LABEL_CHAR_WIDTH = 7  # px: the widest digit of the chart's 10px bold labels, with room to spare


def nice_step(raw):
    """1, 2 or 5 times a power of ten, at least `raw`."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _stamp(when, step):
    local = timezone.localtime(when)
    return local.strftime("%-d %b %H:%M") if step < timedelta(days=1) else local.strftime("%-d %b %Y")


def _interval_words(start, step):
    if step < timedelta(days=1):
        return f"{_stamp(start, step)}–{timezone.localtime(start + step).strftime('%H:%M')}"
    if step == timedelta(days=1):
        return _stamp(start, step)
    return f"{_stamp(start, step)} – {_stamp(start + step - timedelta(seconds=1), step)}"


def _time_ticks(x0, x1, scale):
    span = x1 - x0
    step = next((s for s in TICK_STEPS if span / s <= MAX_TICKS), TICK_STEPS[-1])
    local = timezone.localtime(x0)
    if step < timedelta(days=1):
        hours = step.seconds // 3600
        first = local.replace(minute=0, second=0, microsecond=0)
        while first < local or first.hour % hours:
            first += timedelta(hours=1)
    else:
        first = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if first < local:
            first += timedelta(days=1)
    ticks, when, last_day = [], first, None
    while when <= x1:
        if step < timedelta(days=1):
            label = when.strftime("%H:%M") if when.date() == last_day else when.strftime("%-d %b %H:%M")
        else:
            label = when.strftime("%-d %b")
        ticks.append({"x": scale(when), "label": label})
        last_day = when.date()
        when = timezone.localtime(when + step)  # a fixed step; wall-clock labels follow the zone
    return ticks


def _end_label(point, total):
    """Where the running total's label goes: left of the line's last point, or right of it where it
    would run over the y-axis ticks (early in fielding the point is at the axis)."""
    px, py = point
    if px - len(f"{total}") * LABEL_CHAR_WIDTH < LEFT:
        return {"x": round(px + 4, 1), "y": py, "anchor": "start"}
    return {"x": px, "y": py, "anchor": "end"}


def completes_chart(intervals, *, interval, goal, end_at=None, now=None, total=None, started_at=None, pace=None):
    """The chart of the supplier's completes per interval against `goal` and `end_at`.

    `total` is the target group's count of completes, the one number its page shows: the running
    total ends there, and the pace counts it, even where the supplier's intervals hold fewer (its
    latest completes not placed in an interval yet) or more. Without it, the intervals' sum.
    `started_at`, the fielding start, is where the pace runs from while there is no interval.
    `pace`, where the cockpit's history gives one, is drawn and said instead of the intervals' own, so the
    chart tells the pace every other page tells (the intervals then only draw the bars and the line).
    Returns ``{"pace": Pace, "empty": True}`` when the supplier reports no interval at all.
    """
    now = now or timezone.now()
    points = series(intervals)
    placed = sum(count for _, count in points)
    total = placed if total is None else total
    step = interval_length(interval)
    if pace is None:
        pace = pace_of_points(
            running_points(points, step, now),
            goal=goal,
            end_at=end_at,
            now=now,
            start=None if points else (started_at, 0),
            done=total,
        )
    chart = {"pace": pace, "total": total, "goal": goal or 0, "width": WIDTH, "height": HEIGHT, "interval": interval}
    if not points:
        return {**chart, "empty": True}
    if placed != total:
        chart["unplaced"] = total - placed
        chart["placed"] = placed

    x0, data_end = points[0][0], points[-1][0] + step
    x1 = data_end
    if end_at is not None and end_at > data_end and (end_at - x0) / step <= MAX_SLOTS:
        x1 = end_at
    plot_width = WIDTH - LEFT - RIGHT

    def x(when):
        return round(LEFT + plot_width * ((when - x0) / (x1 - x0)), 1)

    top = max(goal or 0, total)
    y_step = nice_step(max(top, 4) / 4)
    y_max = y_step * math.ceil(max(top, 4) * 1.05 / y_step)

    def y(value):
        return round(CUMULATIVE_BOTTOM - (CUMULATIVE_BOTTOM - TOP) * value / y_max, 1)

    tallest = max(count for _, count in points)
    bar_max = nice_step(tallest) if tallest else 1
    slot = plot_width * (step / (x1 - x0))
    gap = min(2, slot * 0.2)
    bars, line, running = [], [(x(x0), y(0))], 0
    for start, count in points:
        running += count
        # A count lowered (respondents reconciled away) takes the line down, never a bar below the axis.
        height = round((BARS_BOTTOM - BARS_TOP) * max(0, count) / bar_max, 1)
        bars.append(
            {
                "x": round(x(start) + gap / 2, 1),
                "y": round(BARS_BOTTOM - height, 1),
                "width": round(max(0.5, slot - gap), 1),
                "height": height,
                "count": count,
                "cumulative": running,
                "when": _interval_words(start, step),
                "title": f"{_interval_words(start, step)}: {count:,} complete{'' if count == 1 else 's'} "
                f"({running:,} so far)",
            }
        )
        line.append((x(min(start + step, max(now, start))), y(running)))
    if total > running:  # the latest completes, not in an interval yet, are in by now
        line.append((x(min(max(now, x0), x1)), y(total)))

    chart.update(
        {
            "empty": False,
            "bars": bars,
            "line": " ".join(f"{px},{py}" for px, py in line),
            "last": _end_label(line[-1], total),
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "top": TOP,
            "cumulative_bottom": CUMULATIVE_BOTTOM,
            "bars_top": BARS_TOP,
            "bars_bottom": BARS_BOTTOM,
            "label_y": LABEL_Y,
            "y_ticks": [{"y": y(v), "label": f"{v:,}"} for v in range(0, y_max + 1, y_step)],
            "bar_max": bar_max,
            "bar_max_y": BARS_TOP,
            "x_ticks": _time_ticks(x0, x1, x),
            "goal_y": y(goal) if goal else None,
            "from": _stamp(x0, step),
            "to": _stamp(x1, step),
        }
    )
    if end_at is not None and x0 <= end_at <= x1:
        chart["end"] = {"x": x(end_at), "label": f"end {timezone.localtime(end_at).strftime('%-d %b')}"}
    if x0 <= now <= x1 and not pace.reached:
        start_x, start_y = x(now), y(total)
        if pace.needed_per_day is not None:
            until = min(end_at, x1)
            value = total + (pace.goal - total) * ((until - now) / (end_at - now))
            chart["needed"] = {"x1": start_x, "y1": start_y, "x2": x(until), "y2": y(value)}
        if pace.projected_finish is not None:
            until = min(pace.projected_finish, x1)
            value = total + pace.per_day * ((until - now) / timedelta(days=1))
            chart["projected"] = {"x1": start_x, "y1": start_y, "x2": x(until), "y2": y(min(value, pace.goal))}
            if pace.projected_finish <= x1:
                chart["finish"] = {"x": x(pace.projected_finish), "y": y(pace.goal)}
    return chart
