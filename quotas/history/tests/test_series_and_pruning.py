"""The supplier's own completes over time start a target group's history before the cockpit first saw it,
without doubling a point; and history goes a set time after fieldwork ended, not a second before."""

from datetime import UTC, datetime, timedelta

import pytest

from projects.models import TargetGroup
from projects.tests.factories import TargetGroupFactory
from quotas.history.models import CellPoint, QuotaPoint, TargetGroupPoint
from quotas.history.pruning import prune_history
from quotas.history.recording import record_snapshot
from quotas.history.series import import_series
from quotas.tests.factories import InterlockCellFactory, QuotaFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def hourly(*counts, start=T0):
    """The supplier's completes per hour, as Cint's `aggregated_completes_intervals` lists them."""
    return [{"timestamp": (start + i * HOUR).isoformat(), "count": c} for i, c in enumerate(counts)]


def history(tg):
    return list(
        TargetGroupPoint.objects.filter(target_group=tg).order_by("at").values_list("at", "completes", "source")
    )


def test_the_suppliers_series_starts_history_before_the_first_snapshot_without_doubling_it():
    tg = TargetGroupFactory(current_completes=50, current_prescreens=90)
    record_snapshot(T0 + 3 * HOUR)  # the cockpit first saw it three hours into fieldwork, at 50 completes

    # Running totals at each hour's end: 10, 10, 30, 45, 75; the last three are the snapshots' to say.
    import_series(tg, hourly(10, 0, 20, 15, 30), interval="PT1H", now=T0 + 5 * HOUR)
    import_series(tg, hourly(10, 0, 20, 15, 30), interval="PT1H", now=T0 + 5 * HOUR)  # again: nothing new

    assert history(tg) == [(T0, 0, "supplier"), (T0 + HOUR, 10, "supplier"), (T0 + 3 * HOUR, 50, "snapshot")]


def test_the_suppliers_series_never_rises_above_the_first_recorded_count():
    tg = TargetGroupFactory(current_completes=12, current_prescreens=40)
    record_snapshot(T0 + 2 * HOUR + timedelta(minutes=30))

    import_series(tg, hourly(10, 20, 5), interval="PT1H", now=T0 + 3 * HOUR)

    assert [completes for _, completes, _ in history(tg)] == [0, 10, 12, 12]


def test_an_empty_series_writes_nothing():
    tg = TargetGroupFactory()
    assert import_series(tg, [], interval="PT1H", now=T0) == 0
    assert not TargetGroupPoint.objects.exists()


# --- pruning -----------------------------------------------------------------------------------------------

NOW = datetime(2030, 6, 1, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def fielded(status, end_at):
    """A target group with a quota and a cell, its history recorded during fieldwork (before `end_at`)."""
    tg = TargetGroupFactory(status=TargetGroup.Status.LIVE, fielding_end_at=end_at)
    QuotaFactory(profile__target_group=tg, completes=7)
    InterlockCellFactory(interlocked_profile__target_group=tg, completes=3)
    record_snapshot(end_at - timedelta(days=3))
    TargetGroup.objects.filter(pk=tg.pk).update(status=status)
    return tg


def kept(tg):
    return (
        QuotaPoint.objects.filter(quota__profile__target_group=tg).count(),
        CellPoint.objects.filter(cell__interlocked_profile__target_group=tg).count(),
        TargetGroupPoint.objects.filter(target_group=tg).count(),
    )


@pytest.mark.parametrize(
    ("ended", "pruned"),
    [(timedelta(days=90) - SECOND, False), (timedelta(days=90), False), (timedelta(days=90) + SECOND, True)],
    ids=["a second short of the keeping time", "exactly it", "a second more"],
)
def test_history_goes_once_fieldwork_ended_more_than_the_keeping_time_ago(settings, ended, pruned):
    settings.HISTORY_KEEP_DAYS = 90
    tg = fielded(TargetGroup.Status.COMPLETED, NOW - ended)

    prune_history(NOW)

    assert kept(tg) == ((0, 0, 0) if pruned else (1, 1, 1))


def test_fieldwork_still_going_keeps_its_history_whatever_its_age(settings):
    settings.HISTORY_KEEP_DAYS = 90
    live = fielded(TargetGroup.Status.LIVE, NOW - timedelta(days=200))  # running past its end date
    paused = fielded(TargetGroup.Status.PAUSED, NOW - timedelta(days=200))

    assert prune_history(NOW) == 0
    assert kept(live) == kept(paused) == (1, 1, 1)


def test_a_finished_target_group_whose_counts_moved_lately_keeps_its_history(settings):
    settings.HISTORY_KEEP_DAYS = 90
    tg = fielded(TargetGroup.Status.CLOSED, NOW - timedelta(days=120))
    TargetGroup.objects.filter(pk=tg.pk).update(status=TargetGroup.Status.LIVE, current_completes=999)
    record_snapshot(NOW - timedelta(days=10))  # relaunched, filled, closed again ten days ago
    TargetGroup.objects.filter(pk=tg.pk).update(status=TargetGroup.Status.CLOSED)

    prune_history(NOW)

    assert kept(tg) == (1, 1, 2)


def test_entries_of_the_series_that_cannot_be_read_are_left_out_and_the_rest_imported():
    tg = TargetGroupFactory(current_completes=40, current_prescreens=90)
    intervals = [
        *hourly(10, 20),
        {"timestamp": "2030-13-45T10:00:00Z", "count": 99},  # a 13th month
        {"timestamp": (T0 + 2 * HOUR).isoformat(), "count": "many"},  # a count in words: none counted
        "not an interval",
    ]

    import_series(tg, intervals, interval="PT1H", now=T0 + 3 * HOUR)

    assert [(at, completes) for at, completes, _ in history(tg)] == [(T0, 0), (T0 + HOUR, 10), (T0 + 2 * HOUR, 30)]
