"""Each quota's and interlock cell's sparkline: its completes over the last day, ending at the count the grid
shows, safe to put in a page, and read in the same few queries for ten quotas as for two hundred."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.safestring import SafeString

from projects.models import TargetGroup
from projects.tests.factories import TargetGroupFactory
from quotas.history.recording import record_snapshot
from quotas.history.sparklines import HEIGHT, PAD, WIDTH, sparklines_of
from quotas.models import InterlockCell, Quota
from quotas.tests.factories import InterlockCellFactory, ProfileFactory, QuotaFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def fielding(per_hour, hours=30, cells=0):
    """A target group whose quotas gain `per_hour` completes an hour (one quota each), recorded every hour for
    `hours` hours up to now."""
    now = timezone.now()
    tg = TargetGroupFactory(current_completes=0)
    profile = ProfileFactory(target_group=tg)
    quotas = [QuotaFactory(profile=profile, completes=0, completes_goal=500) for _ in per_hour]
    cells = [InterlockCellFactory(interlocked_profile__target_group=tg, completes=0) for _ in range(cells)]
    for hour in range(1, hours + 1):
        for quota, rate in zip(quotas, per_hour, strict=True):
            Quota.objects.filter(pk=quota.pk).update(completes=rate * hour)
        InterlockCell.objects.filter(pk__in=[cell.pk for cell in cells]).update(completes=hour)
        TargetGroup.objects.filter(pk=tg.pk).update(current_completes=sum(per_hour) * hour)
        record_snapshot(now - (hours - hour) * HOUR)
    return tg, quotas, cells, now


def polyline(svg):
    found = re.search(r'<polyline points="([^"]+)"', svg)
    return None if found is None else [tuple(map(float, pair.split(","))) for pair in found.group(1).split()]


def title(svg):
    return re.search(r"<title>(.*?)</title>", svg).group(1)


def test_each_quota_ends_at_its_completes_and_starts_at_its_count_a_day_ago():
    tg, (fast, slow), _, now = fielding([12, 3])

    lines = sparklines_of(tg, now=now)

    for quota, rate in ((fast, 12), (slow, 3)):
        quota.refresh_from_db()
        svg = lines[("quota", quota.pk)]
        assert isinstance(svg, SafeString) and f'viewBox="0 0 {WIDTH} {HEIGHT}"' in svg
        # 24 hours ago the count was the sixth hour's; now it is the thirtieth's.
        assert title(svg) == f"{rate * 6:,} → {quota.completes:,} completes in the last 24 hours"
        points = polyline(svg)
        assert points[0] == (PAD, HEIGHT - PAD)  # the lowest count, when the window opened
        assert points[-1] == (WIDTH - PAD, PAD)  # the highest: the quota's completes now
        assert len(points) == 26  # the count a day ago, the 24 hours recorded since (the last one now), and now


def test_the_last_point_is_the_count_now_even_before_the_next_snapshot():
    tg, (quota,), _, now = fielding([10], hours=5)
    Quota.objects.filter(pk=quota.pk).update(completes=55)  # a webhook fill a moment ago

    svg = sparklines_of(tg, now=now)[("quota", quota.pk)]

    assert title(svg) == "10 → 55 completes in the last 24 hours"  # from its first point, four hours ago
    assert polyline(svg)[-1] == (WIDTH - PAD, PAD)


def test_without_a_point_there_is_no_line_and_no_error():
    tg = TargetGroupFactory()
    quota = QuotaFactory(profile__target_group=tg, completes=None)
    counted = QuotaFactory(profile__target_group=tg, completes=7)
    cell = InterlockCellFactory(interlocked_profile__target_group=tg, completes=None)

    lines = sparklines_of(tg)

    for key in (("quota", quota.pk), ("quota", counted.pk), ("cell", cell.pk)):
        assert polyline(lines[key]) is None and title(lines[key]) == "No completes recorded yet"


def test_a_count_that_did_not_move_is_a_flat_line_through_the_middle():
    tg, (quota,), (cell,), now = fielding([0], hours=3, cells=1)

    lines = sparklines_of(tg, now=now)

    flat = lines[("quota", quota.pk)]
    assert {y for _, y in polyline(flat)} == {HEIGHT / 2}
    assert title(flat) == "0 → 0 completes in the last 24 hours"
    assert title(lines[("cell", cell.pk)]) == "1 → 3 completes in the last 24 hours"


@pytest.mark.parametrize("quotas", [10, 200])
def test_sparklines_cost_four_queries_at_any_number_of_quotas(quotas, django_assert_num_queries):
    tg, _, _, now = fielding([2] * quotas, hours=3, cells=4)

    with django_assert_num_queries(4):
        lines = sparklines_of(tg, now=now)

    assert len(lines) == quotas + 4 and all(polyline(svg) for svg in lines.values())
