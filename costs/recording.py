"""The cost step of each recording interval, run after the history's snapshot (`quotas.tasks.record_history`
enqueues `costs.tasks.record_costs` with the snapshot's moment): CPI periods opened where a CPI moved, then
the stored figures of the target groups whose inputs moved, in batches.

Nothing here costs a statement per target group: one query finds the CPIs that moved and one INSERT opens
their periods; one query finds the target groups whose figures are out of date (their completes, goal, end
date, CPI or currency differ from those the figures were computed from, or none were computed yet); each
batch of them is read in three queries and written by one upsert. The pace drifts with time even when
nothing moves, so figures older than `REFRESH` are computed again too, at most `STALE_PER_RUN` a run, the
oldest first: a large account's refresh spreads over several intervals.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.tasks import task
from projects.models import TargetGroup
from projects.queries import FINISHED_STATUSES
from quotas.history.models import TargetGroupPoint
from quotas.history.reading import pace_of_target_group, window_points
from quotas.history.recording import slot_of

from .models import CpiPeriod, TargetGroupFigures
from .spend import projected_spend, spend_by_currency

REFRESH = timedelta(minutes=30)
STALE_PER_RUN = 2000
BATCH = 500
DRAFT = TargetGroup.Status.DRAFT
# Stand-ins for "none" where two nullable values are compared (no CPI is negative, no end date that early).
NO_CPI = Decimal(-1)
NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)
FIGURE_FIELDS = (
    "computed_at", "completes", "goal", "end_at", "cpi", "currency",
    "spend", "projected_spend", "per_day", "finish_at", "verdict",
)  # fmt: skip


def record_cpi_periods(now):
    """Open a period at the recording interval of `now` for each launched target group whose CPI or currency
    differs from its latest period's (or that has none). Returns how many were opened or updated."""
    at = slot_of(now)
    latest = CpiPeriod.objects.filter(target_group=OuterRef("pk")).order_by("-from_at")
    before = TargetGroupPoint.objects.filter(target_group=OuterRef("pk"), at__lt=at).order_by("-at")
    moved = (
        TargetGroup.objects.exclude(status=DRAFT)
        .filter(cpi__isnull=False)
        .annotate(
            last_cpi=Subquery(latest.values("cpi")[:1]),
            last_currency=Subquery(latest.values("currency")[:1]),
        )
        .filter(Q(last_cpi__isnull=True) | ~Q(last_cpi=F("cpi")) | ~Q(last_currency=F("cpi_currency")))
        .annotate(before=Subquery(before.values("completes")[:1]))
        .values_list("pk", "cpi", "cpi_currency", "before")
    )
    periods = [
        CpiPeriod(target_group_id=pk, from_at=at, cpi=cpi, currency=currency, completes_before=before)
        for pk, cpi, currency, before in moved
    ]
    CpiPeriod.objects.bulk_create(
        periods,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["target_group", "from_at"],
        update_fields=["cpi", "currency"],
    )
    return len(periods)


def out_of_date(now):
    """Launched target groups whose figures are missing or were computed from inputs that moved since."""
    return (
        TargetGroup.objects.exclude(status=DRAFT)
        .annotate(
            cpi_key=Coalesce("cpi", Value(NO_CPI)),
            figures_cpi_key=Coalesce("figures__cpi", Value(NO_CPI)),
            end_key=Coalesce("fielding_end_at", Value(NO_DATE)),
            figures_end_key=Coalesce("figures__end_at", Value(NO_DATE)),
        )
        .filter(
            Q(figures__isnull=True)
            | ~Q(figures__completes=F("current_completes"))
            | ~Q(figures__goal=F("filling_goal"))
            | ~Q(figures__currency=F("cpi_currency"))
            | ~Q(cpi_key=F("figures_cpi_key"))
            | ~Q(end_key=F("figures_end_key"))
        )
    )


def stale(now):
    """Target groups still fielding whose figures are older than `REFRESH`, oldest first."""
    return (
        TargetGroup.objects.exclude(status=DRAFT)
        .exclude(status__in=FINISHED_STATUSES)
        .filter(figures__computed_at__lt=now - REFRESH)
        .order_by("figures__computed_at")
    )


def figures_of(tg, points, periods, now):
    """The `TargetGroupFigures` of `tg` (not saved): its pace from `points`, its spend from `periods`."""
    pace = pace_of_target_group(tg, points, now)
    spent = spend_by_currency(periods, tg.current_completes)
    currency = periods[-1][1] if periods else tg.cpi_currency
    spend = spent.get(currency)
    return TargetGroupFigures(
        target_group_id=tg.pk,
        computed_at=now,
        completes=tg.current_completes,
        goal=tg.filling_goal,
        end_at=tg.fielding_end_at,
        cpi=tg.cpi,
        currency=tg.cpi_currency,
        spend=spend,
        projected_spend=projected_spend(spend, tg.current_completes, tg.filling_goal, tg.cpi),
        per_day=pace.per_day,
        finish_at=pace.projected_finish,
        verdict=pace.verdict or "",
    )


def compute_figures(pks, now):
    """Compute and store the figures of the target groups `pks` (one batch) in four statements."""
    rows, points = window_points(TargetGroup.objects.filter(pk__in=pks), TargetGroupPoint, "target_group", now)
    periods = defaultdict(list)
    known = CpiPeriod.objects.filter(target_group__in=pks).order_by("target_group", "from_at")
    for tg_id, cpi, currency, before in known.values_list("target_group", "cpi", "currency", "completes_before"):
        periods[tg_id].append((cpi, currency, before))
    figures = [figures_of(tg, points[tg.pk], periods[tg.pk], now) for tg in rows]
    before = dict(TargetGroupFigures.objects.filter(target_group__in=pks).values_list("target_group", "verdict"))
    TargetGroupFigures.objects.bulk_create(
        figures, update_conflicts=True, unique_fields=["target_group"], update_fields=FIGURE_FIELDS
    )
    tell_verdicts_moved(figures, before, now)
    return len(figures)


def tell_verdicts_moved(figures, before, now):
    """Hand each verdict that moved to the rules, which tell "behind" once per turn (`rules.reminders`)."""
    pace_moved = task("rules.tasks.pace_moved")
    for row in figures:
        if row.verdict and row.verdict != before.get(row.target_group_id):
            per_day = f"{row.per_day:,.1f} completes a day" if row.per_day is not None else "no pace yet"
            words = f"At {per_day} it finishes after its end date."
            transaction.on_commit(
                lambda pk=row.target_group_id, v=row.verdict, w=words: pace_moved.delay(pk, v, w, now.isoformat())
            )


def refresh_figures(now):
    """Compute again the figures that are out of date, and up to `STALE_PER_RUN` old ones, in batches."""
    pks = list(out_of_date(now).values_list("pk", flat=True))
    moved = set(pks)
    pks += [pk for pk in stale(now).values_list("pk", flat=True)[:STALE_PER_RUN] if pk not in moved]
    return sum(compute_figures(pks[i : i + BATCH], now) for i in range(0, len(pks), BATCH))


def record_costs(now=None):
    """The cost step of the interval `now` falls in: CPI periods, then figures. Returns what it wrote."""
    now = now or timezone.now()
    return {"cpi_periods": record_cpi_periods(now), "figures": refresh_figures(now)}
