"""What a rule can watch: the figures the cockpit has for a target group, each read now (the beat) and, where
the cockpit records it over time, at any past moment (trying a rule on the recorded history).

Each condition says which way is bad: a figure that should stay up (completes, starts, pace, incidence
rate, conversion) fires *below* its threshold and re-arms at its clear threshold *or more*; one that should
stay down (a quota's fill, spend, days paused, CPI, LOI, drop-off) fires *above* and re-arms at its clear
threshold *or less*.

Not every supplier reports every figure (the form says which). A figure the supplier does not give reads as
nothing: the rule neither fires nor clears on it. Left out, because no supplier gives them: the expected
against actual incidence rate as a ratio of their own (both are shown, the actual one is watched), a quota's
starts over time (only the target group's are recorded), and Audience-Align's IR, LOI, drop-off and conversion.
"""

import bisect
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist

from costs.models import TargetGroupBudget, TargetGroupFigures
from projects.models import TargetGroup
from quotas.history.models import CellPoint, QuotaPoint, TargetGroupPoint
from quotas.history.reading import target_group_pace
from quotas.models import InterlockCell, Quota

LOW, HIGH = "low", "high"


def num(value):
    """A figure as a PM reads it: 5, 3.5, 1,250, 82.35."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.01')):,}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Reading:
    """One figure of one target group now: of the whole target group (`row` ""), or of one quota row."""

    figure: Decimal
    row: str = ""
    row_label: str = ""
    quota: object = None


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    direction: str
    # The figure in words after a number ("starts", "% of the pace needed"), and which suppliers give it.
    unit: str
    suppliers: str
    read: object  # read(tg, rule, now) -> [Reading]
    windowed: bool = False  # counted over the last `hours`
    history: object = None  # history(tg, rule, start, end) -> {row: (label, [(at, figure or None)])}, or None
    rows: bool = False  # read per quota row (the quota actions act on the row that fired)

    def unit_of(self, value):
        """ "1 start", "0 starts" """
        one = self.windowed and Decimal(value) == 1
        return self.unit.removesuffix("s") if one else self.unit

    def amount(self, value):
        """ "0 starts", "82% of its goal", "3.5 CPI" """
        unit = self.unit_of(value)
        return f"{num(value)}{'' if unit.startswith('%') else ' '}{unit}"

    def figure_words(self, figure, rule):
        window = f" in {rule.hours} h" if self.windowed else ""
        return f"{self.amount(figure)}{window}"

    def fires(self, figure, rule):
        return figure < rule.fire_at if self.direction == LOW else figure > rule.fire_at

    def clears(self, figure, rule):
        return figure >= rule.clear_at if self.direction == LOW else figure <= rule.clear_at

    def comparison(self, figure, rule):
        """ "0 starts in 24 h < 1" """
        sign = "<" if self.direction == LOW else ">"
        return f"{self.figure_words(figure, rule)} {sign} {num(rule.fire_at)}"

    def hysteresis(self, rule):
        window = f" in {rule.hours} h" if self.windowed else ""
        if self.direction == LOW:
            return f"fires below {self.amount(rule.fire_at)}{window}, re-arms at {num(rule.clear_at)} or more"
        return f"fires above {self.amount(rule.fire_at)}{window}, re-arms at {num(rule.clear_at)} or less"


# Counts over a window, from the recorded history of the target group's completes and starts.


class Steps:
    """A count over time from `points` ([(at, count)], oldest first): at any moment, the latest point at or
    before it; None before the first point (the history does not reach back that far)."""

    def __init__(self, points):
        self.times = [at for at, _ in points]
        self.counts = [count for _, count in points]

    def at(self, when):
        i = bisect.bisect_right(self.times, when)
        return self.counts[i - 1] if i else None


def _gained(steps, now_count, since):
    before = steps.at(since)
    if before is None or now_count is None:
        return None
    return Decimal(max(0, now_count - before))


def _tg_points(tg, field, start=None, end=None):
    points = TargetGroupPoint.objects.filter(target_group=tg)
    if start is not None:
        points = points.filter(at__gte=start - timedelta(days=30))
    if end is not None:
        points = points.filter(at__lte=end)
    return [(at, count) for at, count in points.order_by("at").values_list("at", field) if count is not None]


def _window_reader(field, current):
    def read(tg, rule, now):
        steps = Steps(_tg_points(tg, field, end=now))
        gained = _gained(steps, getattr(tg, current), now - timedelta(hours=rule.hours))
        return [] if gained is None else [Reading(gained)]

    def history(tg, rule, start, end, moments):
        points = _tg_points(tg, field, start, end)
        steps, window = Steps(points), timedelta(hours=rule.hours)
        # The moments a window's count changes: each point, and each point leaving the window.
        moments = sorted(
            {*moments, *(at for at, _ in points if start <= at <= end)}
            | {at + window for at, _ in points if start <= at + window <= end}
        )
        return {"": ("", [(when, _gained(steps, steps.at(when), when - window)) for when in moments])}

    return read, history


_completes, _completes_history = _window_reader("completes", "current_completes")
_starts, _starts_history = _window_reader("prescreens", "current_prescreens")


def _pace(tg, rule, now):
    pace = target_group_pace(tg, now)
    if pace.per_day is None or not pace.needed_per_day:
        return []
    return [Reading(Decimal(100 * pace.per_day / pace.needed_per_day).quantize(Decimal("0.01")))]


def _rows(tg):
    quotas = Quota.objects.filter(profile__target_group=tg, completes__isnull=False).select_related("profile")
    cells = InterlockCell.objects.filter(interlocked_profile__target_group=tg, completes__isnull=False).select_related(
        "interlocked_profile"
    )
    for quota in quotas.order_by("pk"):
        yield f"quota-{quota.pk}", f"{quota.profile.name}: {quota.text}", quota
    for cell in cells.order_by("pk"):
        yield f"cell-{cell.pk}", f"{cell.interlocked_profile.name}: {cell.text}", cell


def _share(count, goal):
    return Decimal(100 * count / goal).quantize(Decimal("0.01"))


def _fill(tg, rule, now):
    return [Reading(_share(row.completes, row.completes_goal), key, label, row) for key, label, row in _rows(tg)
            if row.completes_goal]  # fmt: skip


def _fill_history(tg, rule, start, end, moments):
    found = {}
    for key, label, row in _rows(tg):
        if not row.completes_goal:
            continue
        model, owner = (QuotaPoint, "quota") if key.startswith("quota-") else (CellPoint, "cell")
        points = list(model.objects.filter(**{owner: row}, at__lte=end).order_by("at").values_list("at", "completes"))
        steps = Steps(points)
        series = []
        for when in sorted({*moments, *(at for at, _ in points if at >= start)}):
            count = steps.at(when)
            series.append((when, None if count is None else _share(count, row.completes_goal)))
        found[key] = (label, series)
    return found


def _spend(tg, rule, now):
    budget = TargetGroupBudget.objects.filter(target_group=tg).values_list("amount", flat=True).first()
    spend = TargetGroupFigures.objects.filter(target_group=tg).values_list("spend", flat=True).first()
    if not budget or spend is None:
        return []
    return [Reading(_share(spend, budget))]


def _paused_days(tg, rule, now):
    if tg.status != TargetGroup.Status.PAUSED:
        return [Reading(Decimal(0))]  # not paused: no days paused, and an episode of it ends
    try:
        seen = tg.status_seen  # since when the cockpit has seen it paused (`rules.models.StatusSeen`)
    except ObjectDoesNotExist:
        return []
    if seen.status != tg.status:
        return []
    return [Reading(Decimal((now - seen.since) / timedelta(days=1)).quantize(Decimal("0.0001")))]


def _value(read_tg, scale=1):
    def read(tg, rule, now):
        value = read_tg(tg)
        return [] if value is None else [Reading((Decimal(value) * scale).quantize(Decimal("0.01")))]

    return read


def _rate(name):
    def value(tg):
        if not tg.is_launched or not (tg.current_prescreens or tg.current_completes):
            return None
        return getattr(tg, name)

    return value


CONDITIONS = {
    c.key: c
    for c in (
        Condition("completes", "Completes in the last hours", LOW, "completes", "every supplier", _completes,
                  windowed=True, history=_completes_history),
        Condition("starts", "Starts (prescreens) in the last hours", LOW, "starts",
                  "every supplier (Cint's prescreens, PureSpectrum's starts, Audience-Align's entrants)", _starts,
                  windowed=True, history=_starts_history),
        Condition("pace", "Pace against the end date", LOW, "% of the pace needed",
                  "every supplier with an end date and a goal", _pace),
        Condition("quota_fill", "A quota's fill", HIGH, "% of its goal", "every supplier that counts quota completes",
                  _fill, history=_fill_history, rows=True),
        Condition("spend", "Spend against the budget", HIGH, "% of the budget",
                  "every supplier, once a budget is set on the cost panel", _spend),
        Condition("paused_days", "Days paused", HIGH, "days paused",
                  "every supplier (counted from when the cockpit first saw it paused)", _paused_days),
        Condition("cpi", "CPI", HIGH, "CPI", "every supplier", _value(lambda tg: tg.cpi)),
        Condition("incidence_rate", "Incidence rate (actual)", LOW, "% incidence", "Cint and PureSpectrum",
                  _value(_rate("incidence_rate"), 100)),
        Condition("loi", "Length of interview (actual median)", HIGH, "minutes LOI", "Cint and PureSpectrum",
                  _value(lambda tg: tg.measured_median_loi_seconds, Decimal(1) / 60)),
        Condition("drop_off", "Drop-off rate", HIGH, "% drop-off", "Cint", _value(_rate("drop_off_rate"), 100)),
        Condition("conversion", "Conversion rate", LOW, "% conversion", "Cint", _value(_rate("conversion_rate"), 100)),
    )
}  # fmt: skip


def condition_of(key):
    return CONDITIONS.get(key) or CONDITIONS["completes"]
