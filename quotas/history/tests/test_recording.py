"""The snapshot records every source that moves the mirror — a webhook fill, a list row, a full read —
as one point per owner per interval, only where the count changed, and never a point twice."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from projects.inprocess import in_process_session
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.history.models import CellPoint, QuotaPoint, Source, TargetGroupPoint
from quotas.history.recording import record_snapshot, slot_of
from quotas.models import Quota
from quotas.tests.factories import InterlockCellFactory, QuotaFactory
from sandbox import models as at_supplier
from sandbox.faults import set_faults
from sandbox.seed import ensure_account
from sandbox.simulation import simulate_parts
from sync.adapters import adapter_for
from sync.pull import sync_connection, sync_target_group
from sync.tests.sandbox import launch_target_groups
from sync.tests.test_webhooks import SECRET, deliver, quota_fill

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def points(model, **owner):
    return list(model.objects.filter(**owner).order_by("at").values_list("at", "completes"))


@pytest.fixture
def tg():
    return TargetGroupFactory(current_completes=10, current_prescreens=30)


def test_a_first_snapshot_records_every_launched_count_once(tg):
    quota = QuotaFactory(profile__target_group=tg, completes=4)
    cell = InterlockCellFactory(interlocked_profile__target_group=tg, completes=3)
    draft = TargetGroupFactory(status=TargetGroup.Status.DRAFT)
    QuotaFactory(profile__target_group=draft, completes=0)
    uncounted = QuotaFactory(profile__target_group=tg, completes=None)

    assert record_snapshot(T0) == {"quotas": 1, "cells": 1, "target_groups": 1}

    assert points(QuotaPoint, quota=quota) == [(T0, 4)]
    assert points(CellPoint, cell=cell) == [(T0, 3)]
    assert list(TargetGroupPoint.objects.values_list("target_group", "at", "completes", "prescreens")) == [
        (tg.pk, T0, 10, 30)
    ]
    assert not QuotaPoint.objects.filter(quota=uncounted).exists()  # unknown is not 0
    assert not TargetGroupPoint.objects.filter(target_group=draft).exists()


def test_nothing_moved_nothing_written(tg):
    QuotaFactory(profile__target_group=tg, completes=4)
    record_snapshot(T0)

    assert record_snapshot(T0 + 5 * MINUTE) == {"quotas": 0, "cells": 0, "target_groups": 0}
    assert QuotaPoint.objects.count() == 1 and TargetGroupPoint.objects.count() == 1


def test_a_second_change_in_one_interval_updates_that_intervals_point(tg):
    quota = QuotaFactory(profile__target_group=tg, completes=4)
    record_snapshot(T0)
    Quota.objects.filter(pk=quota.pk).update(completes=5)
    record_snapshot(T0 + MINUTE + timedelta(seconds=1))
    Quota.objects.filter(pk=quota.pk).update(completes=6)
    record_snapshot(T0 + MINUTE + timedelta(seconds=40))  # the same interval
    record_snapshot(T0 + 2 * MINUTE)  # the next one: nothing moved

    assert points(QuotaPoint, quota=quota) == [(T0, 4), (T0 + MINUTE, 6)]


def test_a_prescreen_alone_moves_the_target_groups_point(tg):
    record_snapshot(T0)
    TargetGroup.objects.filter(pk=tg.pk).update(current_prescreens=31)
    record_snapshot(T0 + MINUTE)

    assert list(TargetGroupPoint.objects.order_by("at").values_list("completes", "prescreens")) == [(10, 30), (10, 31)]


def test_points_sit_at_the_start_of_their_interval(settings):
    settings.HISTORY_INTERVAL_SECONDS = 300
    assert slot_of(T0 + timedelta(minutes=7, seconds=59)) == T0 + timedelta(minutes=5)


def test_a_webhook_fill_is_recorded_by_the_next_snapshot(client):
    connection = ConnectionFactory(webhook_id="01JPVZD75DW4KRP7MPFMF6KGZX", webhook_secret=SECRET)
    tg = TargetGroupFactory(project__connection=connection, current_completes=0, current_prescreens=0)
    quota = QuotaFactory(profile__target_group=tg, completes=0, prescreens=0)
    record_snapshot(T0)

    assert deliver(client, connection, quota_fill(tg, quota.remote_id, completes=73, screens=113)).status_code == 200
    record_snapshot(T0 + MINUTE)

    assert points(QuotaPoint, quota=quota) == [(T0, 0), (T0 + MINUTE, 73)]  # the fill's own count
    assert list(TargetGroupPoint.objects.order_by("at").values_list("completes", "prescreens")) == [(0, 0), (73, 113)]


# --- against the sandbox, reached in-process through the real client ---------------------------------------


@pytest.fixture
def sandbox(settings):
    settings.SANDBOX_JOB_SECONDS = 0
    ensure_account("1001")
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, lost_response_rate=0.0, latency_ms=0)
    connection = ConnectionFactory(account_id="1001")
    adapter = adapter_for(connection, session=in_process_session())
    launch_target_groups(adapter.client, 1)
    assert sync_connection(connection, adapter=adapter).error_count == 0
    return connection, adapter


def respondents_come(minutes=6):
    dice = random.Random(7)
    start = timezone.now()
    for minute in range(minutes):
        simulate_parts(start + minute * MINUTE, dice, deliver=False, suppliers=["cint"])


def supplier_counts(tg):
    remote = at_supplier.TargetGroup.objects.get(pk=tg.remote_id)
    quotas = dict(at_supplier.Quota.objects.filter(profile__target_group=remote).values_list("pk", "completes"))
    return remote.completes, {str(pk): completes for pk, completes in quotas.items()}


def test_the_count_a_list_row_brings_is_recorded_as_the_supplier_has_it(sandbox):
    connection, adapter = sandbox
    tg = TargetGroup.objects.get(project__connection=connection)
    record_snapshot(T0)
    respondents_come()

    run = sync_connection(connection, adapter=adapter)
    record_snapshot(T0 + MINUTE)

    assert run.error_count == 0 and run.target_groups_unchanged == 1  # its list row only: no full read
    completes, _ = supplier_counts(tg)
    assert completes > 0
    assert points(TargetGroupPoint, target_group=tg) == [(T0, 0), (T0 + MINUTE, completes)]


def test_counts_a_refresh_reads_in_full_are_recorded(sandbox):
    connection, adapter = sandbox
    tg = TargetGroup.objects.select_related("project__connection").get(project__connection=connection)
    record_snapshot(T0)
    respondents_come()

    sync_target_group(tg, adapter=adapter)
    record_snapshot(T0 + MINUTE)

    completes, quotas = supplier_counts(tg)
    assert TargetGroupPoint.objects.filter(target_group=tg).latest("at").completes == completes
    assert completes > 0
    for quota in Quota.objects.filter(profile__target_group=tg):
        assert points(QuotaPoint, quota=quota) == [(T0, 0), (T0 + MINUTE, quotas[quota.remote_id])]
    assert not TargetGroupPoint.objects.exclude(source=Source.SNAPSHOT).filter(at__gte=T0).exists()
