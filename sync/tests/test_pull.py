from datetime import timedelta

import pytest
import responses
from django.core.management import call_command
from django.utils import timezone

from fielding.models import FieldingRun
from projects.models import Project, TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota
from sync.intents import request_change
from sync.models import RemoteChange, SyncRun
from sync.pull import sync_connection, sync_target_group
from sync.tests.wire import (  # noqa: F401  (the `wire` fixture)
    FakeCint,
    api_calls,
    interlocked_profile,
    profiles_payload,
    profiles_url,
    regular_profile,
    wire,
)

pytestmark = pytest.mark.django_db


def age(enabled=True, goal=100, completes=10):
    return regular_profile(
        "P-AGE",
        "AGE",
        enabled=enabled,
        quotas=[("Q-18", "C-18", "18-24", goal, completes), ("Q-25", "C-25", "25-34", 100, 5)],
    )


def gender():
    return regular_profile("P-GEN", "GENDER", question_id=43, quotas=[("Q-M", "C-M", "Male", 100, 7)])


@pytest.fixture
def supplier(wire):  # noqa: F811
    fake = FakeCint(wire, page_size=2)
    fake.add_project("PR-1", "Brand tracker")
    fake.add_project("PR-2", "Ad test")
    fake.add_project("PR-3", "Concept test")
    fake.add_target_group("PR-1", "TG-1", profiles=profiles_payload(age(), gender()))
    fake.add_target_group("PR-1", "TG-2", profiles=profiles_payload(age()))
    fake.add_target_group("PR-1", "TG-3", status="draft")
    fake.add_target_group("PR-2", "TG-4", status="paused")
    return fake


@pytest.fixture
def connection(settings):
    settings.SYNC_READ_CONCURRENCY = 4  # the reads of changed target groups run a few at a time
    return ConnectionFactory()


def test_first_sync_mirrors_projects_target_groups_profiles_quotas_and_runs(supplier, connection):
    run = sync_connection(connection)

    assert run.error_count == 0
    assert Project.objects.filter(connection=connection).count() == 3
    assert TargetGroup.objects.count() == 4
    tg = TargetGroup.objects.get(remote_id="TG-1")
    assert tg.version == 'W/"1"'
    assert tg.status == "live"
    assert tg.filling_goal == 500
    assert tg.synced_at is not None
    assert tg.cpi_currency == "USD"
    assert set(tg.profiles.values_list("name", flat=True)) == {"AGE", "GENDER"}
    quota = Quota.objects.get(profile__target_group=tg, remote_id="Q-18")
    assert (quota.text, quota.completes_goal, quota.completes) == ("18-24", 100, 10)
    assert FieldingRun.objects.filter(target_group=tg, status="Live").exists()
    assert TargetGroup.objects.get(remote_id="TG-3").status == "draft"
    assert run.objects_created > 0
    assert run.finished_at is not None


def test_second_sync_changes_nothing_and_costs_only_the_list_pages(supplier, connection):
    sync_connection(connection)
    before = {
        "tgs": list(TargetGroup.objects.values()),
        "profiles": list(Profile.objects.values()),
        "quotas": list(Quota.objects.values("pk", "completes", "completes_goal", "text")),
    }
    first_wire_calls = len(api_calls(supplier.rsps))

    run = sync_connection(connection)

    # Lists (2 per page): 3 projects in 2 pages, target groups in 2 + 1 + 1 pages; their rows say
    # no launched target group changed, so none costs a request more.
    list_pages = 2 + 4
    launched = 3
    assert run.requests_made == list_pages
    assert len(api_calls(supplier.rsps)) - first_wire_calls == list_pages
    assert run.target_groups_unchanged == launched
    assert run.objects_created == 0
    assert run.objects_updated == 0
    after_tgs = list(TargetGroup.objects.values())
    for row in before["tgs"] + after_tgs:
        row.pop("synced_at")
        row.pop("last_read_at")  # the list read confirmed each one unchanged just now
    assert after_tgs == before["tgs"]
    assert list(Profile.objects.values()) == before["profiles"]
    assert list(Quota.objects.values("pk", "completes", "completes_goal", "text")) == before["quotas"]


def test_a_changed_target_group_is_read_in_full_and_the_others_are_not(supplier, connection):
    sync_connection(connection)
    supplier.target_group("TG-2")["profiles"] = profiles_payload(age(enabled=False, completes=33))
    supplier.touch("TG-2")

    run = sync_connection(connection)

    assert run.target_groups_unchanged == 2
    assert run.requests_made == 6 + 4  # lists, then details+overview+profiles+runs of TG-2 only
    profile = Profile.objects.get(target_group__remote_id="TG-2", remote_id="P-AGE")
    assert profile.quotas_enabled is False
    assert profile.quotas.get(remote_id="Q-18").completes == 33
    assert TargetGroup.objects.get(remote_id="TG-2").version == 'W/"2"'


def test_profiles_and_target_groups_gone_at_the_supplier_are_marked_vanished_not_deleted(supplier, connection):
    sync_connection(connection)
    supplier.target_group("TG-1")["profiles"] = profiles_payload(age())
    supplier.touch("TG-1")
    del supplier.projects["PR-2"]["target_groups"]["TG-4"]

    sync_connection(connection)

    gone_profile = Profile.objects.get(target_group__remote_id="TG-1", remote_id="P-GEN")
    assert gone_profile.vanished_at is not None
    assert TargetGroup.objects.get(remote_id="TG-4").vanished_at is not None
    assert TargetGroup.objects.get(remote_id="TG-1").vanished_at is None


def test_interlocked_profile_is_mirrored_with_its_cells_and_members(supplier, connection):
    members = [age(), gender()]
    interlock = interlocked_profile(
        "IL-1", members, cells=[("CELL-1", "18-24, Male", 40, 3), ("CELL-2", "25-34, Male", 60, 1)]
    )
    supplier.target_group("TG-1")["profiles"] = profiles_payload(*members, interlock=interlock)

    sync_connection(connection)

    tg = TargetGroup.objects.get(remote_id="TG-1")
    interlock_row = InterlockedProfile.objects.get(target_group=tg, remote_id="IL-1")
    assert interlock_row.name == "AGE, GENDER"
    assert set(interlock_row.profiles.values_list("remote_id", flat=True)) == {"P-AGE", "P-GEN"}
    assert list(InterlockCell.objects.filter(interlocked_profile=interlock_row).values_list("text", flat=True)) == [
        "18-24, Male",
        "25-34, Male",
    ]


def test_one_failing_target_group_is_recorded_and_does_not_stop_the_others(supplier, connection):
    sync_connection(connection)
    supplier.failures["TG-1"] = 404
    supplier.failures["TG-2"] = 503
    for changed in ("TG-1", "TG-2", "TG-4"):  # the list shows them changed, so they are read
        supplier.touch(changed)
    supplier.target_group("TG-4")["name"] = "Renamed at the supplier"

    run = sync_connection(connection)

    assert run.error_count == 2
    assert {error["target_group"] for error in run.errors} == {"TG-1", "TG-2"}
    failing = TargetGroup.objects.get(remote_id="TG-1")
    assert "could not find" in failing.sync_error
    assert failing.sync_error_at is not None
    assert TargetGroup.objects.get(remote_id="TG-4").name == "Renamed at the supplier"
    # The 503 was retried by the transport before giving up: 1 + 2 read retries.
    details_calls = [c for c in api_calls(supplier.rsps) if "TG-2/details" in c.request.url]
    assert len(details_calls) == 1 + 3  # the first sync, then 1 + 2 read retries


def test_the_next_good_sync_clears_a_target_groups_sync_error(supplier, connection):
    supplier.failures["TG-1"] = 500
    sync_connection(connection)
    assert TargetGroup.objects.get(remote_id="TG-1").sync_error

    del supplier.failures["TG-1"]
    sync_connection(connection)

    tg = TargetGroup.objects.get(remote_id="TG-1")
    assert tg.sync_error == ""
    assert tg.sync_error_at is None


def test_sync_keeps_the_local_intent_of_a_pending_change(supplier, connection, django_capture_on_commit_callbacks):
    sync_connection(connection)
    profile = Profile.objects.get(target_group__remote_id="TG-1", remote_id="P-AGE")
    tg = profile.target_group
    # Recorded, not sent: the on-commit enqueue is captured and not run.
    with django_capture_on_commit_callbacks(execute=False):
        request_change("disable_quotas", connection=connection, target_group=tg, profile=profile)
        request_change(
            "set_target_group_filling_goal", connection=connection, target_group=tg, payload={"filling_goal": 900}
        )
    supplier.target_group("TG-1")["completes"] = 77
    supplier.touch("TG-1")

    sync_target_group(tg)

    profile.refresh_from_db()
    tg.refresh_from_db()
    assert profile.quotas_enabled is False
    assert tg.filling_goal == 900
    assert tg.current_completes == 77
    assert RemoteChange.objects.filter(state="pending").count() == 2


def test_refresh_of_one_target_group_reads_it_in_full_even_when_unchanged(supplier, connection):
    sync_connection(connection)
    tg = TargetGroup.objects.get(remote_id="TG-2")

    run = sync_target_group(tg)

    assert run.target_group == tg
    assert run.requests_made == 4  # details, overview, profiles, fielding runs
    assert run.target_groups_unchanged == 0


def test_sync_now_command_prints_a_summary_line(supplier, connection, capsys):
    call_command("sync_now", "--connection", str(connection.pk))

    out = capsys.readouterr().out
    assert "requests" in out and "0 errors" in out
    assert SyncRun.objects.filter(connection=connection, finished_at__isnull=False).count() == 1


def test_a_target_group_changed_through_the_outbox_is_read_in_full_by_the_next_sync(
    supplier, connection, django_capture_on_commit_callbacks
):
    sync_connection(connection)
    tg = TargetGroup.objects.get(remote_id="TG-1")
    profile = tg.profiles.get(remote_id="P-AGE")
    supplier.rsps.add(
        responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json=age(enabled=False), headers={"ETag": 'W/"2"'}
    )
    supplier.target_group("TG-1")["profiles"] = profiles_payload(age(enabled=False), gender())
    supplier.touch("TG-1")
    with django_capture_on_commit_callbacks(execute=True):
        change = request_change("disable_quotas", connection=connection, target_group=tg, profile=profile)
    change.refresh_from_db()
    assert change.state == "applied"
    tg.refresh_from_db()
    assert tg.version == 'W/"2"'

    run = sync_connection(connection)

    # The answer moved the ETag on, but side effects elsewhere on the TG are only seen by a full read.
    assert run.target_groups_unchanged == 2
    assert run.requests_made == 6 + 4


def test_sync_now_for_one_target_group_reads_it_in_full(supplier, connection, capsys):
    sync_connection(connection)
    tg = TargetGroup.objects.get(remote_id="TG-2")

    call_command("sync_now", "--target-group", str(tg.pk))

    run = SyncRun.objects.filter(target_group=tg).get()
    assert run.requests_made == 4
    assert "4 requests" in capsys.readouterr().out


def test_refresh_of_a_draft_that_was_launched_reads_it_as_launched(supplier, connection):
    sync_connection(connection)
    tg = TargetGroup.objects.get(remote_id="TG-3")
    assert tg.status == "draft"
    supplier.target_group("TG-3")["status"] = "live"

    run = sync_target_group(tg)

    tg.refresh_from_db()
    assert run.error_count == 0
    assert tg.status == "live"
    assert tg.synced_at is not None


def listed_statuses(supplier):
    """The status filters of the target-group list requests, in order."""
    from urllib.parse import parse_qs, urlsplit

    return [
        ",".join(parse_qs(urlsplit(call.request.url).query).get("status", ["(all)"]))
        for call in api_calls(supplier.rsps)
        if call.request.url.split("?")[0].endswith("/target-groups")
    ]


def test_between_full_listings_only_target_groups_that_can_move_are_listed(supplier, connection):
    sync_connection(connection)
    supplier.target_group("TG-2")["status"] = "completed"  # completed at the supplier
    supplier.touch("TG-2")
    before = len(api_calls(supplier.rsps))

    run = sync_connection(connection)

    assert not run.listed_everything
    assert set(listed_statuses(supplier)[-3:]) == {"draft,scheduled,live,paused"}
    tg = TargetGroup.objects.get(remote_id="TG-2")
    assert tg.status == "completed" and tg.vanished_at is None  # left the list, so read on its own
    # 2 pages of projects, 1 page of target groups each (TG-2 no longer among PR-1's), then TG-2's full read.
    assert len(api_calls(supplier.rsps)) - before == 5 + 4
    assert sync_connection(connection).requests_made == 5  # and then no more: it cannot move


def test_every_target_group_is_listed_again_after_an_hour_to_notice_relaunches(supplier, connection, settings):
    sync_connection(connection)
    SyncRun.objects.update(finished_at=timezone.now() - timedelta(seconds=settings.SYNC_FULL_LIST_EVERY_SECONDS + 1))

    run = sync_connection(connection)

    assert run.listed_everything and listed_statuses(supplier)[-1] == "(all)"


def test_two_syncs_of_one_connection_never_overlap(supplier, connection):
    from sync.pull import start_run

    running = start_run(connection)

    assert sync_connection(connection) is None  # the second one does nothing
    assert SyncRun.objects.filter(connection=connection, target_group=None).count() == 1
    running.finished_at = timezone.now()
    running.save()
    assert sync_connection(connection) is not None


def test_a_run_left_unfinished_by_a_dead_worker_does_not_block_the_next(supplier, connection):
    from sync.pull import RUN_CONSIDERED_DEAD_AFTER, start_run

    dead = start_run(connection)
    SyncRun.objects.filter(pk=dead.pk).update(started_at=timezone.now() - RUN_CONSIDERED_DEAD_AFTER - timedelta(1))

    assert sync_connection(connection) is not None
