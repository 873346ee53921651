"""Each quota's pace, finish and sparkline, stored on the row by the beat after each snapshot: equal to
what its history says, refreshed when its counts move or its figures grow stale, and not otherwise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.tests.factories import TargetGroupFactory
from quotas.history import row_figures
from quotas.history.reading import quota_paces
from quotas.history.recording import record_snapshot, slot_of
from quotas.history.row_figures import STALE_AFTER, refresh_due
from quotas.history.sparklines import sparklines_of
from quotas.models import Quota
from quotas.tasks import record_history
from quotas.tests.factories import ProfileFactory, QuotaFactory

pytestmark = pytest.mark.django_db


def live_tg(name):
    now = timezone.now()
    tg = TargetGroupFactory(
        name=name,
        status="live",
        filling_goal=400,
        fielding_start_at=now - timedelta(days=1),
        fielding_end_at=now + timedelta(days=3),
    )
    QuotaFactory(profile=ProfileFactory(target_group=tg), completes_goal=200, completes=0)
    return tg


def fill(tg, completes):
    Quota.objects.filter(profile__target_group=tg).update(completes=completes)


def test_the_stored_figures_are_what_the_history_says(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tg = live_tg("Moving")
    start = timezone.now() - timedelta(hours=12)
    for hours, completes in ((0, 10), (4, 40), (8, 70)):
        fill(tg, completes)
        record_snapshot(start + timedelta(hours=hours))
    fill(tg, 100)

    record_history()  # the beat: a snapshot, then the rows' figures

    quota = Quota.objects.get(profile__target_group=tg)
    pace = quota_paces(tg, quota.figures_at)[("quota", quota.pk)]
    assert quota.pace_per_day == pytest.approx(pace.per_day) and quota.pace_per_day > 0
    assert quota.finish_at == pace.projected_finish and quota.pace_verdict == pace.verdict
    assert quota.sparkline == sparklines_of(tg, quota.figures_at)[("quota", quota.pk)]
    assert "→ 100 completes" in quota.sparkline  # it ends at the count the grid shows


def test_only_the_target_groups_that_moved_or_grew_stale_are_worked_out_again():
    now = timezone.now()
    moved, still, stale = live_tg("Moved"), live_tg("Still"), live_tg("Stale")
    for tg in (moved, still, stale):
        fill(tg, 5)
    record_snapshot(now - timedelta(minutes=5))
    assert refresh_due(now - timedelta(minutes=5), moved_since=slot_of(now - timedelta(minutes=5))) == 3

    Quota.objects.filter(profile__target_group=stale).update(figures_at=now - STALE_AFTER - timedelta(minutes=1))
    fill(moved, 9)
    record_snapshot(now)

    assert refresh_due(now, moved_since=slot_of(now)) == 2
    figured = dict(Quota.objects.values_list("profile__target_group__name", "figures_at"))
    assert figured["Moved"] == figured["Stale"] == now and figured["Still"] < now


def test_stale_target_groups_are_worked_out_oldest_first_at_most_so_many_a_beat(monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(row_figures, "STALE_PER_BEAT", 2)
    groups = [live_tg(f"Stale {i}") for i in range(4)]
    for age, tg in zip((10, 40, 30, 20), groups, strict=True):
        Quota.objects.filter(profile__target_group=tg).update(figures_at=now - STALE_AFTER - timedelta(minutes=age))

    assert refresh_due(now, moved_since=slot_of(now)) == 2

    refreshed = set(Quota.objects.filter(figures_at=now).values_list("profile__target_group__name", flat=True))
    assert refreshed == {"Stale 1", "Stale 2"}  # the two oldest
