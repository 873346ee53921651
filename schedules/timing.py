"""Wall-clock times in a PM's zone and the moments in UTC they stand for.

A schedule stores the date and time the PM typed and their zone; its UTC moment is worked out from them
each time, so "every day at 08:00 in Europe/Berlin" is 06:00 UTC in summer and 07:00 UTC in winter.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

UTC = dt.UTC


def current_zone_name():
    """The IANA name of the zone the PM works in (Django's own name of it is an abbreviation such as "+02"
    for a fixed-offset zone like Etc/GMT-2, which names no zone)."""
    zone = timezone.get_current_timezone()
    return getattr(zone, "key", None) or timezone.get_current_timezone_name()


def moment(local_date, local_time, zone_name):
    """The UTC moment of a wall-clock date and time in `zone_name`.

    A time the clocks skip (02:30 on the spring change) is read as the clock before the change would have
    shown it, an hour later in fact; a time that happens twice (the autumn change) is its first occurrence.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    return dt.datetime.combine(local_date, local_time).replace(tzinfo=zone).astimezone(UTC)


def wall_clock(at, zone_name):
    """`at` (aware) as the date and time on a clock in `zone_name`."""
    local = at.astimezone(zoneinfo.ZoneInfo(zone_name))
    return local.date(), local.time().replace(second=0, microsecond=0)


def next_daily(local_date, local_time, zone_name, after):
    """The first day after `local_date` whose `local_time` in the zone is later than `after`: a repeat
    the beat missed for days catches up to its next future run, not once per day missed."""
    day = local_date + dt.timedelta(days=1)
    after_day = after.astimezone(zoneinfo.ZoneInfo(zone_name)).date()
    if day < after_day:
        day = after_day
    while moment(day, local_time, zone_name) <= after:
        day += dt.timedelta(days=1)
    return day


def next_every(run_at, hours, after):
    """The first of `run_at` + k × `hours` (k ≥ 1) later than `after`; hours of elapsed time, whatever
    the clocks do."""
    step = dt.timedelta(hours=hours)
    missed = max(1, int((after - run_at) // step) + 1)
    return run_at + missed * step
