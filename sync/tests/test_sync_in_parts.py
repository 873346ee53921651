"""A connection's sync is split into parts the Celery workers share; the cockpit is usable as each part ends."""

import pytest
import requests
from django.core.management import call_command

from projects.models import Project, TargetGroup
from projects.tests.factories import ConnectionFactory
from sync.models import SyncRun
from sync.pull import sync_connection
from sync.tests.wire import FakeCint, api_calls, profiles_payload, regular_profile, wire  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier(wire):  # noqa: F811
    fake = FakeCint(wire, page_size=2)
    for p in range(1, 6):
        fake.add_project(f"PR-{p}", f"Project {p}")
        for t in range(1, 3):
            quotas = [(f"Q-{p}{t}", f"C-{p}{t}", "18-24", 100, 10 * p + t)]
            fake.add_target_group(
                f"PR-{p}", f"TG-{p}{t}", profiles=profiles_payload(regular_profile(f"P-{p}{t}", quotas=quotas))
            )
    return fake


@pytest.fixture
def connection(settings):
    settings.SYNC_PROJECTS_PER_PART = 2  # 5 projects: parts of 2, 2 and 1
    return ConnectionFactory()


def test_the_beat_sync_runs_in_parts_and_ends_as_one_run(supplier, connection):
    from sync.tasks import sync_connection as beat_sync

    beat_sync(connection.pk)

    run = SyncRun.objects.get(connection=connection)
    assert (run.parts_total, run.parts_done, run.projects_total, run.projects_done) == (3, 3, 5, 5)
    assert run.finished_at is not None and run.error_count == 0
    assert run.requests_made == len(api_calls(supplier.rsps))  # every part's requests are counted
    assert TargetGroup.objects.filter(project__connection=connection).count() == 10
    quota_counts = dict(TargetGroup.objects.values_list("remote_id", "profiles__quotas__completes"))
    assert quota_counts == {f"TG-{p}{t}": 10 * p + t for p in range(1, 6) for t in range(1, 3)}
    connection.refresh_from_db()
    assert connection.last_synced_at is not None


def test_what_a_part_read_is_in_the_cockpit_before_the_run_ends(supplier, connection):
    seen = {}

    def look(project_id):
        if project_id == "PR-5":  # the last part starts: the first two have ended
            run = SyncRun.objects.get(connection=connection)
            seen["progress"] = (run.projects_done, run.projects_total, run.finished_at)
            seen["in the cockpit"] = set(
                TargetGroup.objects.filter(project__connection=connection).values_list("remote_id", flat=True)
            )

    supplier.listing.append(look)

    sync_connection(connection, spread=True)

    assert seen["progress"] == (4, 5, None)
    assert seen["in the cockpit"] == {f"TG-{p}{t}" for p in range(1, 5) for t in range(1, 3)}


def test_a_part_that_fails_to_list_is_recorded_and_the_run_still_ends(supplier, connection):
    def fail_pr3(project_id):
        if project_id == "PR-3":
            raise requests.ConnectionError("the supplier hung up")

    supplier.listing.append(fail_pr3)

    run = sync_connection(connection, spread=True)

    assert run.finished_at is not None
    assert run.error_count == 1 and "Project 3" in run.errors[0]["what"]
    assert not TargetGroup.objects.filter(remote_id__startswith="TG-3").exists()
    assert TargetGroup.objects.filter(project__connection=connection).count() == 8
    connection.refresh_from_db()
    assert connection.last_synced_at is None  # not every list was read


def test_a_run_whose_parts_keep_ending_is_not_taken_for_dead(supplier, connection):
    from datetime import timedelta

    from django.utils import timezone

    from sync.pull import RUN_CONSIDERED_DEAD_AFTER, start_run

    long_first_sync = start_run(connection)
    SyncRun.objects.filter(pk=long_first_sync.pk).update(
        started_at=timezone.now() - RUN_CONSIDERED_DEAD_AFTER * 3, progressed_at=timezone.now() - timedelta(minutes=1)
    )

    assert sync_connection(connection) is None  # still going: its last part ended a minute ago


def test_sync_now_prints_the_runs_summary_after_every_part(supplier, connection, capsys):
    call_command("sync_now", connection=connection.pk)

    assert Project.objects.filter(connection=connection).count() == 5
    assert "errors" in capsys.readouterr().out


def test_a_part_that_breaks_does_not_leave_the_run_open(supplier, connection):
    def break_on_pr5(project_id):
        if project_id == "PR-5":
            raise RuntimeError("the worker fell over")

    supplier.listing.append(break_on_pr5)

    with pytest.raises(RuntimeError):
        sync_connection(connection, spread=True)

    run = SyncRun.objects.get(connection=connection)
    assert run.finished_at is not None and run.parts_done == 3
    supplier.listing.clear()
    assert sync_connection(connection) is not None  # the next beat is not held back


def test_a_steady_part_asks_the_database_alike_for_one_project_or_five(supplier, connection):
    """A part's lists are stored with the same few statements whatever its number of projects: the target
    groups the cockpit has (with their quota counts) are read once for the part, and marked read at once."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sync.adapters import adapter_for
    from sync.lists import list_target_groups
    from sync.upsert import Tally

    sync_connection(connection)  # everything mirrored: the lists below show nothing new
    projects = list(Project.objects.filter(connection=connection).order_by("remote_id"))
    run = SyncRun.objects.create(connection=connection)
    adapter = adapter_for(connection)
    statements = {}
    listed_from = timezone.now()
    for count in (1, 5):
        with CaptureQueriesContext(db) as queries:
            queue = list_target_groups(adapter, projects[:count], run, Tally())
        statements[count] = len(queries)
        assert len(queue) == 2 * count  # every launched target group is handed on to be read (or skipped)
    assert statements[1] == statements[5] == 2
    # Its row in the list is a read of it: each listed target group shows it was confirmed just now.
    read_at = TargetGroup.objects.filter(project__connection=connection).values_list("last_read_at", flat=True)
    assert all(moment >= listed_from for moment in read_at)
