"""Pace over a window that means something: the last day of fielding (the whole of it while younger),
and "too early to tell" until the window spans `PACE_MIN_TIME` with `PACE_MIN_COMPLETES` completes,
tested on both minimums' boundaries; for the chart's intervals and for totals-only suppliers."""

import math
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from fielding.runs.charts import completes_chart
from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.history.pace import PACE_MIN_COMPLETES, PACE_MIN_TIME, PACE_WINDOW, pace_of_points

NOW = datetime(2030, 1, 10, 12, tzinfo=UTC)
END = NOW + timedelta(days=10)
SECOND = timedelta(seconds=1)


def pace(length, completes, goal=1000):
    """`completes` since a start `length` ago, as a totals-only supplier gives them (evenly, as far as known)."""
    return pace_of_points([], goal=goal, end_at=END, now=NOW, start=(NOW - length, 0), done=completes)


def hourly(*counts, start):
    return [{"timestamp": (start + timedelta(hours=i)).isoformat(), "count": count} for i, count in enumerate(counts)]


def test_twenty_minutes_after_launch_the_pace_is_too_early_to_tell_not_a_finish_today():
    # What a PM saw: 75 completes 20 minutes in, "At this pace (5,400.0/day): finishes today".
    early = pace(timedelta(minutes=20), 75)
    assert early.too_early and early.per_day is None and early.projected_finish is None and not early.late
    assert early.sentences[0] == (
        "Too early to tell the pace: 75 completes in 20 minutes; a pace is told from 2 hours and 10 completes."
    )
    assert early.sentences[1].startswith("Needs 93/day to finish by")  # what it takes is known already


@pytest.mark.parametrize(
    ("length", "told"),
    [(PACE_MIN_TIME - SECOND, False), (PACE_MIN_TIME, True), (PACE_MIN_TIME + timedelta(minutes=1), True)],
    ids=["just under the minimum time", "at it", "over it"],
)
def test_the_pace_is_told_from_the_minimum_time(length, told):
    measured = pace(length, 50)
    assert measured.too_early is not told
    assert measured.per_day == (pytest.approx(50 / (length / timedelta(days=1))) if told else None)  # even: the average
    assert measured.sentences[0].startswith("At this pace (" if told else "Too early to tell the pace: 50 completes")


@pytest.mark.parametrize(
    ("completes", "told"),
    [(PACE_MIN_COMPLETES - 1, False), (PACE_MIN_COMPLETES, True), (PACE_MIN_COMPLETES + 1, True)],
    ids=["just under the minimum completes", "at it", "over it"],
)
def test_the_pace_is_told_from_the_minimum_completes(completes, told):
    measured = pace(timedelta(hours=6), completes)
    assert measured.too_early is not told
    assert measured.per_day == (pytest.approx(completes * 4) if told else None)  # six hours are a quarter of a day


def test_a_whole_window_with_few_completes_is_a_pace_not_too_early():
    slow = pace(PACE_WINDOW, 3)
    assert not slow.too_early and slow.per_day == pytest.approx(3)
    assert slow.sentences[0].startswith("At this pace (3.0/day over the last 24 hours): finishes on")
    assert slow.late  # 997 to go at 3 a day is long after the end date
    last_day = NOW - PACE_WINDOW
    quiet = pace_of_points([(NOW - 3 * PACE_WINDOW, 0), (last_day, 40)], goal=100, end_at=END, now=NOW, done=40)
    assert quiet.sentences[0] == "No completes in the last 24 hours: no finish date can be projected."


def test_an_older_fielding_is_paced_over_its_last_day_from_the_intervals():
    # Three days hourly: 10 an hour for two days, then 2 an hour: the pace is the last day's.
    start = NOW - timedelta(days=3)
    chart = completes_chart(hourly(*[10] * 48, *[2] * 24, start=start), interval="PT1H", goal=2000, end_at=END, now=NOW)
    measured = chart["pace"]
    assert measured.window_from == NOW - PACE_WINDOW and measured.window_completes == 48
    assert measured.per_day == pytest.approx(48)  # not the 176 a day averaged since the start
    assert measured.sentences[0].startswith("At this pace (48.0/day over the last 24 hours):")


def test_completes_not_in_an_interval_yet_count_in_the_last_day_as_the_latest():
    start = NOW - timedelta(days=3)
    series = hourly(*[10] * 48, *[2] * 24, start=start)
    chart = completes_chart(series, interval="PT1H", goal=2000, end_at=END, now=NOW, total=528 + 5)
    assert chart["pace"].window_completes == 53
    # 2 an hour all day, and 5 just now: weighted by their age (halving every 6 hours), the 5 count in full
    # against the day's weight, 6 / ln 2 × (1 − 2^-4) hours.
    day_weight = 6 / math.log(2) * (1 - 2**-4)
    assert chart["pace"].per_hour == pytest.approx(2 + 5 / day_weight)
    assert chart["pace"].per_day > 53  # more than the plain average of the day


def test_a_young_fielding_is_paced_since_its_start_once_told():
    start = NOW - timedelta(hours=3)
    too_few = completes_chart(hourly(3, 3, 3, start=start), interval="PT1H", goal=500, end_at=END, now=NOW)
    assert too_few["pace"].too_early and "projected" not in too_few and too_few["needed"]
    enough = completes_chart(hourly(3, 3, 4, start=start), interval="PT1H", goal=500, end_at=END, now=NOW)
    assert "projected" in enough
    assert (
        enough["pace"].window_completes == 10 and enough["pace"].per_day > 80
    )  # 10 in 3 hours, the last hour's 4 weigh most


# --- totals only ----------------------------------------------------------------------------------


def totals_only(kind, **fields):
    connection = ConnectionFactory(kind=kind, account_id="acc", label=kind.label)
    return TargetGroupFactory(project__connection=connection, status="live", filling_goal=400, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [SupplierKind.PURESPECTRUM, SupplierKind.AUDIENCE_ALIGN])
def test_a_survey_launched_twenty_minutes_ago_is_too_early_to_tell(pm_client, kind):
    now = timezone.now()
    tg = totals_only(
        kind,
        current_completes=75,
        fielding_start_at=now - timedelta(minutes=20),
        fielding_end_at=now + timedelta(days=10, minutes=1),
    )

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert "Too early to tell the pace: 75 completes in 20 minutes" in html
    assert "At this pace" not in html and "Needs 33/day to finish by" in html  # 325 to go in 10 days


@pytest.mark.django_db
def test_a_survey_live_before_its_start_date_is_paced_from_when_it_was_seen_live(pm_client):
    # Audience-Align's start is a day; this survey was set live before it and read live five hours ago.
    now = timezone.now()
    tg = totals_only(
        SupplierKind.AUDIENCE_ALIGN,
        current_completes=130,
        fielding_start_at=now + timedelta(days=1),
        seen_live_at=now - timedelta(hours=5),
        completes_when_seen_live=10,
    )

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    per_day = re.search(r"At this pace \(([\d.]+)/day over the last 5 hours\)", html).group(1)
    assert float(per_day) == pytest.approx(576, abs=0.2)  # 120 completes in 5 hours (and the page's moment)
    assert "No start date is known" not in html
