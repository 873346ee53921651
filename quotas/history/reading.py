"""The history and pace of one target group and of its quotas and cells, for the pages that show them: a
constant number of queries whatever the number of quotas."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from projects.models import TargetGroup
from quotas.models import InterlockCell, Quota

from .models import CellPoint, QuotaPoint, TargetGroupPoint
from .pace import PACE_WINDOW, pace_of_points

# (kind, owner model, point model, the point's field naming its owner, the owner's way to its target group)
OWNERS = (
    ("quota", Quota, QuotaPoint, "quota", "profile__target_group"),
    ("cell", InterlockCell, CellPoint, "cell", "interlocked_profile__target_group"),
)


def points_of(owner, start=None, end=None):
    """``[(at, completes)]`` of a quota, interlock cell or target group, oldest first, from `start` to `end`
    (both optional, both included)."""
    points = owner.history.all()
    if start is not None:
        points = points.filter(at__gte=start)
    if end is not None:
        points = points.filter(at__lte=end)
    return list(points.order_by("at").values_list("at", "completes"))


def window_points(rows, point_model, owner, now, window=PACE_WINDOW):
    """What a pace as of `now` needs of each of `rows` (owners of `point_model` points): its latest point
    before the `window` (the pace's, unless told), then its points in the window, ``{pk: [(at, completes)]}``,
    in two queries. Returns the rows as read too."""
    since = now - window
    before = point_model.objects.filter(**{owner: OuterRef("pk"), "at__lt": since}).order_by("-at")
    rows = list(
        rows.order_by().annotate(
            before_at=Subquery(before.values("at")[:1]), before=Subquery(before.values("completes")[:1])
        )
    )
    points = {row.pk: [(row.before_at, row.before)] if row.before_at is not None else [] for row in rows}
    recent = point_model.objects.filter(**{f"{owner}__in": list(points), "at__gte": since, "at__lte": now})
    for pk, at, completes in recent.order_by("at").values_list(f"{owner}_id", "at", "completes"):
        points[pk].append((at, completes))
    return rows, points


def start_of(tg):
    """Where the target group's pace can run from, ``(when, completes then)``: its fielding start (no
    completes then); where the supplier gives none, or fielding began before it, when the cockpit first saw
    it live (its completes then). None when neither is known."""
    start, seen = tg.fielding_start_at, tg.seen_live_at
    if seen is not None and (start is None or start > seen):
        return seen, tg.completes_when_seen_live
    return None if start is None else (start, 0)


def target_group_pace(tg, now=None, end_at=None):
    """The `Pace` of the target group's completes towards its filling goal by its end date (`end_at` where the
    caller knows a newer one, e.g. its fielding run's), from its history and its count now, in two queries."""
    now = now or timezone.now()
    _, points = window_points(TargetGroup.objects.filter(pk=tg.pk), TargetGroupPoint, "target_group", now)
    return pace_of_target_group(tg, points.get(tg.pk, []), now, end_at)


def pace_of_target_group(tg, points, now, end_at=None):
    """The `Pace` of `tg` from its `points` as `window_points` reads them (for many target groups at once);
    `end_at` as `target_group_pace` takes it."""
    start = start_of(tg)
    if start is not None and start[0] == tg.seen_live_at and points and points[0][0] < start[0]:
        start = None  # its history (the supplier's own series) began before the cockpit first saw it live
    return pace_of_points(
        points,
        goal=tg.filling_goal,
        end_at=end_at or tg.fielding_end_at,
        now=now,
        start=start,
        done=tg.current_completes,
    )


def quota_paces(tg, now=None):
    """The `Pace` of each quota and interlock cell of `tg` towards its completes goal by the target group's
    end date, ``{("quota" | "cell", pk): Pace}`` (None where the supplier does not count its completes), in
    four queries. A quota's pace runs from the fielding start where that is the start (no completes
    then), else from its first point."""
    now = now or timezone.now()
    start = start_of(tg)
    fielding_start = (start[0], 0) if start is not None and start[0] != tg.seen_live_at else None
    paces = {}
    for kind, model, point_model, owner, to_target_group in OWNERS:
        rows, points = window_points(model.objects.filter(**{to_target_group: tg}), point_model, owner, now)
        for row in rows:
            paces[(kind, row.pk)] = (
                None
                if row.completes is None
                else pace_of_points(
                    points[row.pk],
                    goal=row.completes_goal,
                    end_at=tg.fielding_end_at,
                    now=now,
                    start=fielding_start,
                    done=row.completes,
                )
            )
    return paces
