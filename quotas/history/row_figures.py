"""Each quota's and interlock cell's pace, projected finish and sparkline, kept on the row itself.

The grid shows them beside every row of target groups with hundreds of quotas; worked out from the history
at each page view they were most of the page's time. The beat works them out instead, right after each
snapshot, for the target groups whose counts moved, and again for the others once they are
`STALE_AFTER` old (a pace slows down while nothing comes in), so the grid reads them with its rows.
"""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from projects.models import TargetGroup
from quotas.models import InterlockCell, Quota

from .models import CellPoint, QuotaPoint
from .pace import Verdict
from .reading import quota_paces
from .sparklines import sparklines_of

# Figures this old are worked out again even when nothing moved.
STALE_AFTER = timedelta(minutes=15)
# At most this many target groups are refreshed for staleness in one beat (those that moved always are).
STALE_PER_BEAT = 200
FIELDS = ("pace_per_day", "finish_at", "pace_verdict", "sparkline", "figures_at")
FIELDING = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED)


def figures(pace, line, now):
    """The stored figures of one row: its `Pace` (None where its completes are not counted) and sparkline."""
    if pace is None:
        return {"pace_per_day": None, "finish_at": None, "pace_verdict": "", "sparkline": line, "figures_at": now}
    verdict = Verdict.TOO_EARLY if pace.too_early else (pace.verdict or "")
    return {
        "pace_per_day": pace.per_day,
        "finish_at": pace.projected_finish,
        "pace_verdict": verdict,
        "sparkline": line,
        "figures_at": now,
    }


def refresh_target_group(tg, now=None):
    """Work out and store the figures of every quota and cell of `tg` as of `now`; returns how many rows."""
    now = now or timezone.now()
    paces, lines = quota_paces(tg, now), sparklines_of(tg, now)
    written = 0
    for kind, model, owner in (
        ("quota", Quota, "profile__target_group"),
        ("cell", InterlockCell, "interlocked_profile__target_group"),
    ):
        rows = list(model.objects.filter(**{owner: tg}).only("pk", *FIELDS))
        for row in rows:
            for name, value in figures(paces.get((kind, row.pk)), lines.get((kind, row.pk), ""), now).items():
                setattr(row, name, value)
        model.objects.bulk_update(rows, FIELDS, batch_size=500)
        written += len(rows)
    return written


def due(now, moved_since):
    """Ids of the target groups whose rows' figures are due: a count moved since `moved_since` (a point
    written in this snapshot), or fielding and stale (oldest first, at most `STALE_PER_BEAT`)."""
    moved = set(
        QuotaPoint.objects.filter(at__gte=moved_since).values_list("quota__profile__target_group", flat=True)
    ) | set(
        CellPoint.objects.filter(at__gte=moved_since).values_list("cell__interlocked_profile__target_group", flat=True)
    )
    stale = (
        Quota.objects.filter(profile__target_group__status__in=FIELDING, completes__isnull=False)
        .filter(Q(figures_at__isnull=True) | Q(figures_at__lt=now - STALE_AFTER))
        .exclude(profile__target_group__in=moved)
        .order_by(F("figures_at").asc(nulls_first=True))
        .values_list("profile__target_group", flat=True)
    )
    # Quota rows, oldest figures first: their target groups in that order, each once, at most STALE_PER_BEAT.
    oldest = list(dict.fromkeys(stale[: STALE_PER_BEAT * 20]))[:STALE_PER_BEAT]
    return [*moved, *oldest]


def refresh_due(now=None, moved_since=None):
    """The beat's step after a snapshot: refresh every due target group; returns how many."""
    now = now or timezone.now()
    ids = due(now, moved_since or now)
    for tg in TargetGroup.objects.filter(pk__in=ids):
        refresh_target_group(tg, now)
    return len(ids)
