"""Unchanged target groups are read in full once a period, spread evenly over it, never all at one sync."""

from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory
from sync.models import SyncRun
from sync.pull import sync_connection
from sync.tests.wire import FakeCint, api_calls, wire  # noqa: F401  (the `wire` fixture)

pytestmark = pytest.mark.django_db

PERIOD = 240  # seconds between two full reads of an unchanged target group
BEAT = 60  # seconds between two syncs
LAUNCHED = 12


@pytest.fixture
def supplier(wire):  # noqa: F811
    fake = FakeCint(wire, page_size=100)
    fake.add_project("PR-1", "Tracker")
    for n in range(LAUNCHED):
        fake.add_target_group("PR-1", f"TG-{n:02}")
    return fake


@pytest.fixture
def connection(settings):
    settings.SYNC_FULL_READ_EVERY_SECONDS = PERIOD
    return ConnectionFactory()


def full_reads(supplier, since):
    """{target group: full reads} from the requests for its details made after the `since`-th call."""
    reads = Counter()
    for call in api_calls(supplier.rsps)[since:]:
        path = urlsplit(call.request.url).path
        if "/target-groups/" in path and path.endswith("/details"):
            reads[path.split("/target-groups/")[1].split("/")[0]] += 1
    return reads


def a_beat_later(connection, *, overdue_by=None):
    """Move the connection's time on by one beat: its last sync began a beat ago (and, when `overdue_by`,
    every target group was last read in full that long past its period)."""
    last = SyncRun.objects.filter(connection=connection, target_group=None).latest("started_at")
    SyncRun.objects.filter(pk=last.pk).update(started_at=timezone.now() - timedelta(seconds=BEAT))
    if overdue_by is not None:
        TargetGroup.objects.update(synced_at=timezone.now() - timedelta(seconds=PERIOD + overdue_by))


def test_target_groups_first_synced_together_are_read_again_spread_over_the_period(supplier, connection):
    sync_connection(connection)  # the first sync reads every one of them
    a_beat_later(connection, overdue_by=1)  # a period later they all fall due at once
    per_sync, read = [], Counter()

    for _ in range(PERIOD // BEAT):
        before = len(api_calls(supplier.rsps))
        run = sync_connection(connection)
        this_sync = full_reads(supplier, before)
        per_sync.append(sum(this_sync.values()))
        read.update(this_sync)
        assert run.requests_made == 1 + 1 + 4 * per_sync[-1]  # the two lists, then 4 requests a full read
        a_beat_later(connection)

    # A quarter of them at each of the four syncs of the period, each read once.
    assert per_sync == [LAUNCHED // 4] * 4
    assert read == Counter({f"TG-{n:02}": 1 for n in range(LAUNCHED)})


def test_the_target_groups_waiting_longest_are_read_first(supplier, connection):
    sync_connection(connection)
    a_beat_later(connection, overdue_by=1)
    TargetGroup.objects.filter(remote_id__in=["TG-07", "TG-09", "TG-11"]).update(
        synced_at=timezone.now() - timedelta(seconds=PERIOD * 3)
    )
    before = len(api_calls(supplier.rsps))

    sync_connection(connection)

    assert set(full_reads(supplier, before)) == {"TG-07", "TG-09", "TG-11"}


def test_after_a_pause_longer_than_the_period_every_overdue_target_group_is_read(supplier, connection):
    sync_connection(connection)
    last = SyncRun.objects.get(connection=connection)
    SyncRun.objects.filter(pk=last.pk).update(started_at=timezone.now() - timedelta(seconds=PERIOD * 2))
    TargetGroup.objects.update(synced_at=timezone.now() - timedelta(seconds=PERIOD * 2))
    before = len(api_calls(supplier.rsps))

    sync_connection(connection)

    assert len(full_reads(supplier, before)) == LAUNCHED


def test_a_changed_target_group_is_read_at_once_whatever_the_share(supplier, connection):
    sync_connection(connection)
    a_beat_later(connection)
    supplier.target_group("TG-05")["name"] = "Renamed at the supplier"
    supplier.touch("TG-05")
    before = len(api_calls(supplier.rsps))

    sync_connection(connection)

    assert full_reads(supplier, before) == Counter({"TG-05": 1})
    assert TargetGroup.objects.get(remote_id="TG-05").name == "Renamed at the supplier"
