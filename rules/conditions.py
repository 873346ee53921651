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

The beat reads a figure for many target groups at once (a rule on a connection watches thousands): each
condition's `read_many` reads it for a set of them in a query per table it needs, whatever their number, and
its `read` for one target group is the same reader on a set of one.
"""

import bisect
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from costs.models import TargetGroupBudget, TargetGroupFigures
from projects.models import TargetGroup
from quotas.history.models import CellPoint, QuotaPoint, TargetGroupPoint
from quotas.history.reading import pace_of_target_group, window_points
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
    # read_many(tgs, rule, now) -> {tg.pk: [Reading]}: the figure of each of a set of target groups, in a query
    # per table it reads whatever their number (a target group's figure; None for a study's).
    read_many: object = None

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


def _on_target_groups(key, label, direction, unit, suppliers, read_many, **options):
    """A condition on a target group's figure, read for many target groups by `read_many` and for one by the
    same reader: one source of the figure."""

    def read(tg, rule, now):
        return read_many([tg], rule, now).get(tg.pk, [])

    return Condition(key, label, direction, unit, suppliers, read, read_many=read_many, **options)


def _pks(tgs):
    return [tg.pk for tg in tgs]


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


def _gained(before, count):
    """What a count gained since it was `before` (None where the history does not reach back that far)."""
    if before is None or count is None:
        return None
    return Decimal(max(0, count - before))


def _tg_points(tg, field, start=None, end=None):
    points = TargetGroupPoint.objects.filter(target_group=tg)
    if start is not None:
        points = points.filter(at__gte=start - timedelta(days=30))
    if end is not None:
        points = points.filter(at__lte=end)
    return [(at, count) for at, count in points.order_by("at").values_list("at", field) if count is not None]


def _counts_at(field, tgs, when):
    """Each of `tgs`' latest recorded `field` count at or before `when`, ``{pk: count or None}``, in one query."""
    latest = TargetGroupPoint.objects.filter(target_group=OuterRef("pk"), at__lte=when, **{f"{field}__isnull": False})
    counts = TargetGroup.objects.filter(pk__in=_pks(tgs)).order_by()
    counts = counts.annotate(then_count=Subquery(latest.order_by("-at").values(field)[:1]))
    return dict(counts.values_list("pk", "then_count"))


def _window_reader(field, current):
    def read_many(tgs, rule, now):
        before = _counts_at(field, tgs, now - timedelta(hours=rule.hours))
        gains = {tg.pk: _gained(before.get(tg.pk), getattr(tg, current)) for tg in tgs}
        return {pk: [] if gained is None else [Reading(gained)] for pk, gained in gains.items()}

    def history(tg, rule, start, end, moments):
        points = _tg_points(tg, field, start, end)
        steps, window = Steps(points), timedelta(hours=rule.hours)
        # The moments a window's count changes: each point, and each point leaving the window.
        moments = sorted(
            {*moments, *(at for at, _ in points if start <= at <= end)}
            | {at + window for at, _ in points if start <= at + window <= end}
        )
        return {"": ("", [(when, _gained(steps.at(when - window), steps.at(when))) for when in moments])}

    return read_many, history


_completes, _completes_history = _window_reader("completes", "current_completes")
_starts, _starts_history = _window_reader("prescreens", "current_prescreens")


def _pace(tgs, rule, now):
    """The pace of each of `tgs` as a share of the pace its goal needs by its end date (`target_group_pace`'s)."""
    _, points = window_points(TargetGroup.objects.filter(pk__in=_pks(tgs)), TargetGroupPoint, "target_group", now)
    found = {}
    for tg in tgs:
        pace = pace_of_target_group(tg, points.get(tg.pk, []), now)
        found[tg.pk] = (
            []
            if pace.per_day is None or not pace.needed_per_day
            else [Reading(Decimal(100 * pace.per_day / pace.needed_per_day).quantize(Decimal("0.01")))]
        )
    return found


def _rows(tgs):
    """The quota rows of each of `tgs` whose completes the supplier counts, its quotas then its interlock
    cells, ``{pk: [(row, label, quota or cell)]}``, in two queries."""
    found = {pk: [] for pk in _pks(tgs)}
    quotas = Quota.objects.filter(profile__target_group__in=list(found), completes__isnull=False)
    for quota in quotas.select_related("profile").order_by("pk"):
        found[quota.profile.target_group_id].append((f"quota-{quota.pk}", f"{quota.profile.name}: {quota.text}", quota))
    cells = InterlockCell.objects.filter(interlocked_profile__target_group__in=list(found), completes__isnull=False)
    for cell in cells.select_related("interlocked_profile").order_by("pk"):
        owner = cell.interlocked_profile
        found[owner.target_group_id].append((f"cell-{cell.pk}", f"{owner.name}: {cell.text}", cell))
    return found


def _share(count, goal):
    return Decimal(100 * count / goal).quantize(Decimal("0.01"))


def _fill(tgs, rule, now):
    return {pk: [Reading(_share(row.completes, row.completes_goal), key, label, row)
                 for key, label, row in rows if row.completes_goal]
            for pk, rows in _rows(tgs).items()}  # fmt: skip


def _fill_history(tg, rule, start, end, moments):
    found = {}
    for key, label, row in _rows([tg])[tg.pk]:
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


def _spend(tgs, rule, now):
    pks = _pks(tgs)
    budgets = dict(TargetGroupBudget.objects.filter(target_group__in=pks).values_list("target_group_id", "amount"))
    spends = dict(TargetGroupFigures.objects.filter(target_group__in=pks).values_list("target_group_id", "spend"))
    return {pk: [] if not budgets.get(pk) or spends.get(pk) is None else [Reading(_share(spends[pk], budgets[pk]))]
            for pk in pks}  # fmt: skip


def _paused_days(tgs, rule, now):
    paused = [tg.pk for tg in tgs if tg.status == TargetGroup.Status.PAUSED]
    # Since when the cockpit has seen each paused (`rules.models.StatusSeen`, read through the target group).
    seen = TargetGroup.objects.filter(pk__in=paused).values_list("pk", "status_seen__status", "status_seen__since")
    seen = {pk: (status, since) for pk, status, since in seen}
    found = {}
    for tg in tgs:
        status, since = seen.get(tg.pk, (None, None))
        if tg.status != TargetGroup.Status.PAUSED:
            found[tg.pk] = [Reading(Decimal(0))]  # not paused: no days paused, and an episode of it ends
        elif status != tg.status:
            found[tg.pk] = []  # not seen paused yet
        else:
            found[tg.pk] = [Reading(Decimal((now - since) / timedelta(days=1)).quantize(Decimal("0.0001")))]
    return found


def _value(read_tg, scale=1):
    def read_many(tgs, rule, now):
        values = {tg.pk: read_tg(tg) for tg in tgs}
        return {pk: [] if value is None else [Reading((Decimal(value) * scale).quantize(Decimal("0.01")))]
                for pk, value in values.items()}  # fmt: skip

    return read_many


def _rate(name):
    def value(tg):
        if not tg.is_launched or not (tg.current_prescreens or tg.current_completes):
            return None
        return getattr(tg, name)

    return value


CONDITIONS = {
    c.key: c
    for c in (
        _on_target_groups("completes", "Completes in the last hours", LOW, "completes", "every supplier", _completes,
                          windowed=True, history=_completes_history),
        _on_target_groups("starts", "Starts (prescreens) in the last hours", LOW, "starts",
                          "every supplier (Cint's prescreens, PureSpectrum's starts, Audience-Align's entrants)",
                          _starts, windowed=True, history=_starts_history),
        _on_target_groups("pace", "Pace against the end date", LOW, "% of the pace needed",
                          "every supplier with an end date and a goal", _pace),
        _on_target_groups("quota_fill", "A quota's fill", HIGH, "% of its goal",
                          "every supplier that counts quota completes", _fill, history=_fill_history, rows=True),
        _on_target_groups("spend", "Spend against the budget", HIGH, "% of the budget",
                          "every supplier, once a budget is set on the cost panel", _spend),
        _on_target_groups("paused_days", "Days paused", HIGH, "days paused",
                          "every supplier (counted from when the cockpit first saw it paused)", _paused_days),
        _on_target_groups("cpi", "CPI", HIGH, "CPI", "every supplier", _value(lambda tg: tg.cpi)),
        _on_target_groups("incidence_rate", "Incidence rate (actual)", LOW, "% incidence", "Cint and PureSpectrum",
                          _value(_rate("incidence_rate"), 100)),
        _on_target_groups("loi", "Length of interview (actual median)", HIGH, "minutes LOI", "Cint and PureSpectrum",
                          _value(lambda tg: tg.measured_median_loi_seconds, Decimal(1) / 60)),
        _on_target_groups("drop_off", "Drop-off rate", HIGH, "% drop-off", "Cint",
                          _value(_rate("drop_off_rate"), 100)),
        _on_target_groups("conversion", "Conversion rate", LOW, "% conversion", "Cint",
                          _value(_rate("conversion_rate"), 100)),
    )
}  # fmt: skip


def condition_of(key):
    return CONDITIONS.get(key) or CONDITIONS["completes"]
