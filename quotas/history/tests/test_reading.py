"""A target group's and its quotas' paces read from the recorded history, in queries that do not grow with
the number of quotas; and the beat records and prunes history on its own."""

from datetime import timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from projects.models import TargetGroup
from projects.tests.factories import TargetGroupFactory
from quotas.history.reading import quota_paces, target_group_pace
from quotas.history.recording import record_snapshot
from quotas.models import Quota
from quotas.tests.factories import InterlockCellFactory, ProfileFactory, QuotaFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def fielding(quotas):
    """A target group fielded for six hours, each quota gaining its number an hour, recorded every hour."""
    now = timezone.now()
    tg = TargetGroupFactory(
        current_completes=0, filling_goal=1000, fielding_start_at=now - 6 * HOUR, fielding_end_at=now + 10 * HOUR
    )
    profile = ProfileFactory(target_group=tg)
    rows = [QuotaFactory(profile=profile, completes=0, completes_goal=100) for _ in quotas]
    cell = InterlockCellFactory(interlocked_profile__target_group=tg, completes=None)
    for hour in range(1, 7):
        for row, per_hour in zip(rows, quotas, strict=True):
            Quota.objects.filter(pk=row.pk).update(completes=per_hour * hour)
        TargetGroup.objects.filter(pk=tg.pk).update(current_completes=sum(quotas) * hour)
        record_snapshot(now - 6 * HOUR + hour * HOUR)
    tg.refresh_from_db()
    return tg, rows, cell, now


def test_each_quota_is_paced_from_its_own_history():
    tg, (fast, slow), cell, now = fielding([12, 3])

    paces = quota_paces(tg, now=now)

    quick = paces[("quota", fast.pk)]  # 72 of 100, 10 hours left
    assert quick.done == 72 and quick.per_hour == pytest.approx(12, rel=0.02)
    assert quick.projected_finish == pytest.approx(now + HOUR * 28 / 12, abs=timedelta(minutes=5))
    assert quick.verdict == "on_track"
    lagging = paces[("quota", slow.pk)]  # 18 of 100 at 3 an hour, 8.2 an hour needed
    assert lagging.done == 18 and lagging.per_hour == pytest.approx(3, rel=0.02) and lagging.verdict == "behind"
    assert paces[("cell", cell.pk)] is None  # the supplier does not count its completes


def test_the_target_group_is_paced_from_its_history():
    tg, _, _, now = fielding([12, 3])

    pace = target_group_pace(tg, now=now)

    assert pace.done == tg.current_completes == 90
    assert pace.per_hour == pytest.approx(15, rel=0.02)
    assert pace.verdict == "behind"  # 910 to go in 10 hours


def test_quota_paces_cost_the_same_queries_at_any_number_of_quotas():
    few, _, _, now = fielding([5, 5])
    many, _, _, _ = fielding([5] * 12)

    with CaptureQueriesContext(db) as two:
        quota_paces(few, now=now)
    with CaptureQueriesContext(db) as twelve:
        paces = quota_paces(many, now=now)

    assert len(two) == len(twelve) == 4
    assert len(paces) == 13


def test_the_beat_records_history_every_minute_and_prunes_it_daily():
    tasks = {task.task: task for task in PeriodicTask.objects.select_related("interval")}

    snapshot, pruning = tasks["quotas.tasks.record_history"], tasks["quotas.tasks.prune_history"]
    assert snapshot.enabled and (snapshot.interval.every, snapshot.interval.period) == (60, "seconds")
    assert pruning.enabled and (pruning.interval.every, pruning.interval.period) == (1, "days")
