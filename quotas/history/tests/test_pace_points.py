"""Pace, projected finish and verdict from points of a running count, at their boundaries: no completes,
one point, a burst in the first minutes, an end date passed, a goal reached, and the verdict's edges."""

from datetime import UTC, datetime, timedelta

import pytest

from quotas.history.pace import AT_RISK_FROM, PACE_MIN_TIME, Verdict, pace_of_points

NOW = datetime(2030, 1, 10, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


def even(per_hour, hours, *, goal, end_in=None, start=0):
    """A count that grew `per_hour` for the last `hours`, a point a minute apart in history's way."""
    points = [(NOW - hours * HOUR + i * timedelta(minutes=1), start + per_hour * i / 60) for i in range(hours * 60 + 1)]
    end_at = None if end_in is None else NOW + end_in
    return pace_of_points([(at, round(c)) for at, c in points], goal=goal, end_at=end_at, now=NOW)


def test_no_completes_at_all_is_no_pace_and_no_finish():
    nothing = pace_of_points([], goal=100, end_at=NOW + 24 * HOUR, now=NOW)
    assert nothing.per_hour is None and nothing.projected_finish is None
    assert nothing.verdict == Verdict.TOO_EARLY
    assert nothing.sentences[0] == "No completes yet: no finish date can be projected."

    started = pace_of_points([], goal=100, end_at=NOW + 24 * HOUR, now=NOW, start=(NOW - 30 * HOUR, 0), done=0)
    assert started.per_hour == 0 and started.projected_finish is None and started.verdict == Verdict.BEHIND


def test_one_point_is_a_start_not_a_pace():
    one = pace_of_points([(NOW - 3 * HOUR, 40)], goal=100, end_at=NOW + 24 * HOUR, now=NOW)
    assert one.window_from == NOW - 3 * HOUR and one.window_completes == 0
    assert one.too_early and one.per_hour is None and one.verdict == Verdict.TOO_EARLY
    assert one.remaining == 60 and one.needed_per_hour == pytest.approx(2.5)


def test_a_burst_in_the_first_minutes_is_too_early_then_fades():
    start = (NOW - 10 * timedelta(minutes=1), 0)
    burst = [(NOW - timedelta(minutes=8), 30), (NOW - timedelta(minutes=5), 60)]
    early = pace_of_points(burst, goal=500, end_at=NOW + 48 * HOUR, now=NOW, start=start)
    assert early.too_early and early.per_hour is None and early.projected_finish is None and not early.late
    assert early.sentences[0].startswith("Too early to tell the pace: 60 completes in 10 minutes")

    later = NOW + 3 * HOUR  # nothing since the burst
    told = pace_of_points(burst, goal=500, end_at=NOW + 48 * HOUR, now=later, start=start)
    assert not told.too_early and told.window_length > PACE_MIN_TIME
    average = 60 / (told.window_length / HOUR)
    assert 0 < told.per_hour < average  # the burst is three hours old: it weighs less than the quiet since


def test_recent_hours_weigh_more_than_older_ones():
    quick_then_slow = [(NOW - 12 * HOUR, 0), (NOW - 6 * HOUR, 120), (NOW, 132)]
    slow_then_quick = [(NOW - 12 * HOUR, 0), (NOW - 6 * HOUR, 12), (NOW, 132)]
    slowing = pace_of_points(quick_then_slow, goal=1000, now=NOW)
    speeding = pace_of_points(slow_then_quick, goal=1000, now=NOW)
    assert slowing.window_completes == speeding.window_completes == 132
    assert slowing.per_hour < 11 < speeding.per_hour  # 11 an hour is the plain average of both


def test_an_even_pace_is_its_average_and_projects_its_finish():
    steady = even(10, 30, goal=500, end_in=30 * HOUR)
    assert steady.per_hour == pytest.approx(10, rel=1e-3)
    assert steady.projected_finish == pytest.approx(NOW + 20 * HOUR, abs=timedelta(minutes=5))  # 200 to go
    assert steady.verdict == Verdict.ON_TRACK and not steady.late


def test_the_end_date_passed_with_completes_to_go_is_behind():
    late = even(10, 30, goal=500, end_in=-HOUR)
    assert late.needed_per_hour is None and late.verdict == Verdict.BEHIND and late.late
    assert late.sentences[1].startswith("The end date (10 Jan 2030) has passed with 200 to go")


def test_a_goal_reached_is_reached_whatever_the_dates():
    done = even(10, 30, goal=250, end_in=-HOUR)
    assert done.reached and done.verdict == Verdict.REACHED and done.projected_finish is None and not done.late
    assert done.sentences == ["The goal of 250 is reached (300 completes)."]


def test_without_an_end_date_there_is_a_finish_but_no_verdict():
    open_ended = even(10, 30, goal=500)
    assert open_ended.projected_finish is not None and open_ended.verdict is None
    assert pace_of_points([], goal=0, now=NOW).verdict is None  # no goal, nothing to judge


@pytest.mark.parametrize(
    ("hours_left", "verdict"),
    [
        (20, Verdict.ON_TRACK),  # needs 10 an hour: exactly the pace kept
        (19.9, Verdict.AT_RISK),  # needs a little more
        (20 * AT_RISK_FROM + 0.01, Verdict.AT_RISK),  # the pace kept is just over 80% of the one needed
        (20 * AT_RISK_FROM - 0.01, Verdict.BEHIND),  # just under
    ],
)
def test_the_verdict_against_the_end_date_at_its_edges(hours_left, verdict):
    # 10 an hour, evenly, for a day and a half: 200 to go.
    points = [(NOW - 36 * HOUR, 0), (NOW, 360)]
    judged = pace_of_points(points, goal=560, end_at=NOW + hours_left * HOUR, now=NOW)
    assert judged.per_hour == pytest.approx(10)
    assert judged.verdict == verdict
