"""What one worker pays in SQL statements to send a change and record its outcome (the throughput of the
outbox, `bench/outbox_throughput.py`, follows them). Counted inside the test's transaction, so each
transaction the outbox opens shows as a SAVEPOINT and a RELEASE here."""

import pytest
import responses

from quotas.models import Profile, Quota
from quotas.tests.test_changes import age, age_payload, answer, gender, gender_payload, sequence, tg  # noqa: F401
from sync.intents import request_change
from sync.models import RemoteChange
from sync.sending import process_change
from sync.tests.wire import profiles_payload, profiles_url, wire  # noqa: F401

pytestmark = pytest.mark.django_db

# Claim (one UPDATE, one read of the change with its target group, project, profile, connection), then
# one transaction: the target group's lock (PostgreSQL's; SQLite has no row locks, one statement fewer),
# the changes behind it (none: no intent to show again), the answer mirrored (profiles, quotas: read,
# written), the new version, the outcome. Changes asked in a burst: `test_change_runs.py`.
TOGGLE_STATEMENTS = 12
GOALS_STATEMENTS = 13  # + the quotas' owners, + the interlocks the answer carries (none), + the goals written
FILLING_GOAL_STATEMENTS = 13  # the interlocks, the goals written; the filling goal with the version
# The first change's (its answer carries no version), plus the latest toggle's intent (one UPDATE) and the
# latest goal's (a read, a write): without those, each of the eight waiting changes would write its own.
WAITING_STATEMENTS = 14


@pytest.fixture
def at_most(django_assert_max_num_queries):
    """`django_assert_max_num_queries` for the PostgreSQL count, one fewer on SQLite."""
    from django.db import connection

    def assert_at_most(statements):
        return django_assert_max_num_queries(statements - (connection.vendor == "sqlite"))

    return assert_at_most


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Record a change as a PM's request does; the worker's part is left to the test."""

    def record(kind, tg, **options):  # noqa: F811
        with django_capture_on_commit_callbacks(execute=False):
            return request_change(kind, connection=tg.project.connection, target_group=tg, **options)

    return record


def settled(change):
    change.refresh_from_db()
    return change.state


def test_a_quota_toggle_is_claimed_sent_and_settled_in_a_dozen_statements(
    wire,
    ask,
    tg,
    age,
    at_most,  # noqa: F811
):
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(200, age_payload(enabled=False), etag='W/"2"'))
    change = ask("disable_quotas", tg, profile=age)

    with at_most(TOGGLE_STATEMENTS):
        process_change(change.pk)

    assert settled(change) == RemoteChange.State.APPLIED
    tg.refresh_from_db()
    assert (Profile.objects.get(pk=age.pk).quotas_enabled, tg.version) == (False, 'W/"2"')


def test_quota_goals_are_sent_and_settled_without_reading_what_was_just_written(
    wire,
    ask,
    tg,
    age,
    gender,
    at_most,  # noqa: F811
):
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(201, profiles_payload(age_payload(goals=(150, 100)), gender_payload())))
    change = ask("set_quota_goals", tg, payload={"goals": {"Q-18": 150}})

    with at_most(GOALS_STATEMENTS):
        process_change(change.pk)

    assert settled(change) == RemoteChange.State.APPLIED
    assert Quota.objects.get(remote_id="Q-18").completes_goal == 150


def test_a_filling_goal_is_stored_with_the_new_version_in_one_update(
    wire,
    ask,
    tg,
    age,
    at_most,  # noqa: F811
):
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(201, profiles_payload(age_payload(goals=(400, 400))), etag='W/"5"'))
    change = ask("set_target_group_filling_goal", tg, payload={"filling_goal": 800})

    with at_most(FILLING_GOAL_STATEMENTS):
        process_change(change.pk)

    assert settled(change) == RemoteChange.State.APPLIED
    tg.refresh_from_db()
    assert (tg.filling_goal, tg.version) == (800, 'W/"5"')
    assert list(Quota.objects.filter(profile=age).values_list("completes_goal", flat=True)) == [400, 400]


def test_changes_waiting_behind_keep_showing_what_was_asked_last_at_one_statement_each(
    wire,
    ask,
    tg,
    age,
    at_most,
    settings,  # noqa: F811
):
    """Six toggles of one profile and a goal asked twice wait behind the first change, which a task sends
    alone: once it is applied, the cockpit shows the last toggle and the last goal asked, writing each once
    (not once per change)."""
    settings.SYNC_CHANGES_PER_TASK = 1
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), answer(200, age_payload(False)))
    first = ask("disable_quotas", tg, profile=age)
    for enable in (True, False, True, False, True, False):
        ask("enable_quotas" if enable else "disable_quotas", tg, profile=age)
    ask("set_quota_goals", tg, payload={"goals": {"Q-18": 130}})
    ask("set_quota_goals", tg, payload={"goals": {"Q-18": 140}})
    waiting_after = ask("enable_quotas", tg, profile=age)

    with at_most(WAITING_STATEMENTS):
        process_change(first.pk)

    assert settled(first) == RemoteChange.State.APPLIED
    assert Profile.objects.get(pk=age.pk).quotas_enabled is True  # the last one asked (still waiting)
    assert Quota.objects.get(remote_id="Q-18").completes_goal == 140
    assert settled(waiting_after) == RemoteChange.State.PENDING
