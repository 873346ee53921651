"""The dashboard tells a PM which target groups need attention, in words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.models import FieldingJob
from projects.queries import RUN_ACTION_KINDS
from projects.tests.factories import TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from sync.models import RemoteChange
from sync.outbox import _kinds

pytestmark = pytest.mark.django_db
SUPPLIER_PAUSE = "Paused by the supplier, not from the cockpit."


def _applied(tg, kind, minutes_ago):
    return RemoteChange.objects.create(
        kind=kind,
        connection=tg.project.connection,
        target_group=tg,
        state=RemoteChange.State.APPLIED,
        finished_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def _dashboard(client):
    return client.get(reverse("projects:dashboard")).content.decode()


def test_the_run_action_kinds_are_the_ones_the_outbox_knows():
    assert set(RUN_ACTION_KINDS) <= set(_kinds)


def test_a_pause_the_supplier_made_is_flagged(pm_client):
    TargetGroupFactory(status="paused", name="Paused by Cint")
    assert SUPPLIER_PAUSE in _dashboard(pm_client)


def test_a_pause_from_the_cockpit_is_not_flagged(pm_client):
    tg = TargetGroupFactory(status="paused")
    _applied(tg, "pause_fielding_run", minutes_ago=5)
    assert SUPPLIER_PAUSE not in _dashboard(pm_client)


def test_a_supplier_pause_after_the_cockpit_resumed_is_flagged_again(pm_client):
    tg = TargetGroupFactory(status="paused")
    _applied(tg, "pause_fielding_run", minutes_ago=60)
    _applied(tg, "resume_fielding_run", minutes_ago=30)
    assert SUPPLIER_PAUSE in _dashboard(pm_client)


def test_a_bulk_pause_counts_as_the_cockpits(pm_client):
    tg = TargetGroupFactory(status="paused")
    _applied(tg, "resume_fielding_run", minutes_ago=30)
    job = FieldingJob.objects.create(
        kind="batch_pause", project=tg.project, status="Completed", finished_at=timezone.now() - timedelta(minutes=5)
    )
    job.target_groups.add(tg)
    assert SUPPLIER_PAUSE not in _dashboard(pm_client)


def test_full_cells_while_the_target_group_is_short_are_flagged(pm_client):
    tg = TargetGroupFactory(filling_goal=500, current_completes=100)
    QuotaFactory(profile=ProfileFactory(target_group=tg), completes_goal=50, completes=50)
    assert "Some quota cells are full while the target group is not" in _dashboard(pm_client)


def test_failed_changes_and_sync_errors_are_flagged(pm_client):
    tg = TargetGroupFactory(sync_error="The supplier answered 503.")
    RemoteChange.objects.create(
        kind="disable_quotas", connection=tg.project.connection, target_group=tg, state=RemoteChange.State.FAILED
    )
    html = _dashboard(pm_client)
    assert "Sync error: The supplier answered 503." in html
    assert "1 change failed or met a conflict in the last 24 hours." in html
