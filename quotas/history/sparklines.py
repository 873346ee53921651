"""A tiny line of each quota's and interlock cell's completes over the last hours, for the quota grid.

Built for a grid of hundreds of rows: the points of every quota and cell of a target group are read in two
queries per kind of owner (`reading.window_points`), and each line is a format string, not a template. The
line starts at the count when the window opened (the latest point before it), follows the points in it and
ends at the count now, so its last point is the figure the grid shows beside it.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .pace import span_words
from .reading import OWNERS, window_points

# The hours a sparkline spans: a fieldwork day, long enough to see a slowdown, short enough to see the last hour.
SPARKLINE_WINDOW = timedelta(hours=24)
WIDTH, HEIGHT, PAD = 80, 18, 1.5

SVG = (
    '<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{title}">'
    "<title>{title}</title>{line}</svg>"
)
LINE = '<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linejoin="round"/>'


def sparklines_of(tg, now=None):
    """``{("quota" | "cell", pk): SVG}`` of every quota and interlock cell of `tg`: its completes over the last
    `SPARKLINE_WINDOW` as of `now`, safe to put in a page as it is; without a recorded point, no line but a
    title saying so. Four queries, whatever the number of quotas."""
    now = now or timezone.now()
    since = now - SPARKLINE_WINDOW
    lines = {}
    for kind, model, point_model, owner, to_target_group in OWNERS:
        rows, points = window_points(
            model.objects.filter(**{to_target_group: tg}), point_model, owner, now, window=SPARKLINE_WINDOW
        )
        for row in rows:
            lines[(kind, row.pk)] = sparkline(points[row.pk], since=since, now=now, current=row.completes)
    return lines


def sparkline(points, *, since, now, current=None):
    """The SVG of a running count's `points` (``[(at, count)]``, oldest first; one before `since` stands for
    the count there) from `since` to `now`, ending at `current` (the count now, where known)."""
    if not points:
        return _svg("No completes recorded yet", "")
    curve = [(max(at, since), count) for at, count in points]
    curve.append((now, curve[-1][1] if current is None else current))
    low, high = min(count for _, count in curve), max(count for _, count in curve)
    span = (now - since).total_seconds() or 1

    def x(at):
        return PAD + (WIDTH - 2 * PAD) * (at - since).total_seconds() / span

    def y(count):
        if high == low:
            return HEIGHT / 2
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (count - low) / (high - low)

    first, last = curve[0][1], curve[-1][1]
    title = f"{first:,} → {last:,} completes in the last {span_words(now - since)}"
    coordinates = " ".join(f"{x(at):.1f},{y(count):.1f}" for at, count in curve)
    return _svg(title, LINE.format(points=coordinates))


def _svg(title, line):
    return mark_safe(SVG.format(w=WIDTH, h=HEIGHT, title=escape(title), line=line))  # noqa: S308 (numbers and an escaped title)
