"""The supplier's own completes over time (Cint's completes per interval): read as points of a running count,
and imported into a target group's history so that it starts before the cockpit first saw the target group.

The import only writes points older than the target group's first recorded point, none above its count
there, so it never doubles what the snapshots hold, and running it again writes nothing new.
"""

import logging
import re
from datetime import timedelta

from django.utils import timezone

from suppliers import errors
from suppliers.values import when
from sync.adapters import open_adapter

from .models import Source, TargetGroupPoint
from .recording import slot_of

log = logging.getLogger(__name__)

DURATION = re.compile(r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")
# The supplier's intervals the import asks for: an hour, fine enough for a pace, short enough for a chart.
IMPORT_INTERVAL = "PT1H"


def interval_length(interval):
    """The length of an ISO-8601 aggregation interval such as ``PT1H`` or ``P1D`` (a day if unreadable)."""
    match = DURATION.match((interval or "").upper())
    parts = {key: int(value) for key, value in (match.groupdict() if match else {}).items() if value}
    return timedelta(**parts) if parts else timedelta(days=1)


def _count(value):
    """An interval's count: below zero too (completes reconciled away); 0 when it cannot be read."""
    if isinstance(value, bool):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def series(intervals):
    """[(start, count)] of the supplier's ``[{"timestamp", "count"}]``, oldest first."""
    points = []
    for item in intervals if isinstance(intervals, list) else []:
        if not isinstance(item, dict):
            continue
        moment = when(item.get("timestamp"))  # unreadable text (a 13th month) is left out, as a missing one
        if moment is not None:
            points.append((moment, _count(item.get("count"))))
    return sorted(points, key=lambda point: point[0])


def running_points(counts, step, now):
    """The running count of completes per interval (``[(start, count)]``, oldest first) as points: none at
    the first interval's start, then the total at each interval's end (the current one's: `now`)."""
    if not counts:
        return []
    points, running = [(counts[0][0], 0)], 0
    for start, count in counts:
        running += count
        points.append((min(start + step, max(now, start)), running))
    return points


def import_series(tg, intervals, interval=IMPORT_INTERVAL, now=None):
    """Write the supplier's completes per `interval` (its ``[{"timestamp", "count"}]``) into `tg`'s history,
    before its first recorded point. Returns how many points were written."""
    now = now or timezone.now()
    points = running_points(series(intervals), interval_length(interval), now)
    first = TargetGroupPoint.objects.filter(target_group=tg).order_by("at").values_list("at", "completes").first()
    if first is not None:
        points = [(at, min(count, first[1])) for at, count in points if slot_of(at) < first[0]]
    kept, last = {}, None
    for at, count in points:  # one point an interval, only where the count changed
        slot = slot_of(at)
        if slot in kept or count != last:
            kept[slot], last = count, count
    rows = [
        TargetGroupPoint(target_group=tg, at=at, completes=count, source=Source.SUPPLIER) for at, count in kept.items()
    ]
    return len(TargetGroupPoint.objects.bulk_create(rows, ignore_conflicts=True))


def import_supplier_series(tg):
    """Read `tg`'s completes over time from its supplier (where it reports them) and import them; returns how
    many points were written (0 when the supplier has no series or could not be read)."""
    if not tg.capabilities.reports:
        return 0
    try:
        with open_adapter(tg.project.connection) as adapter:
            intervals = adapter.reports.completes_by_interval(tg.ref, IMPORT_INTERVAL)
    except errors.SupplierError as exc:
        log.warning("The completes over time of target group %s could not be read: %s", tg.pk, exc)
        return 0
    return import_series(tg, intervals)
