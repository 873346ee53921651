"""Changes asked in a burst on one target group: the worker that sends the first goes on with the ones
behind it, each claimed in the transaction of the outcome before it, and the answers' values are stored
once, after the last. At the wire: what is sent (and in which order, with which version), what each change
is recorded as, and what the cockpit's rows show at the end."""

import json

import pytest
import responses
from django.db import connection

from quotas.models import Profile, Quota
from quotas.tests.test_changes import age, age_payload, answer, gender, gender_payload, sequence, tg  # noqa: F401
from sync.intents import request_change
from sync.models import RemoteChange
from sync.sending import process_change
from sync.signals import Told
from sync.tests.wire import api_calls, profiles_payload, profiles_url, regular_profile, wire  # noqa: F401

pytestmark = pytest.mark.django_db

State = RemoteChange.State


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Record a change as a PM's request does; returns it with the tasks its recording enqueued."""

    def record(kind, tg, **options):  # noqa: F811
        with django_capture_on_commit_callbacks(execute=False) as enqueued:
            change = request_change(kind, connection=tg.project.connection, target_group=tg, **options)
        change.enqueued = len(enqueued)
        return change

    return record


@pytest.fixture
def burst(wire, ask, tg, age, gender):  # noqa: F811
    """Four changes asked one after another; the supplier answers each with the next version."""
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), answer(200, age_payload(False), 'W/"2"'))
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/enable-quotas"), answer(200, age_payload(True), 'W/"3"'))
    rescaled = profiles_payload(age_payload(goals=(400, 400)), gender_payload())
    sequence(
        wire,
        responses.PUT,
        profiles_url(tg, "/filling-goal"),
        answer(201, profiles_payload(age_payload(goals=(150, 100)), gender_payload()), 'W/"4"'),
        answer(201, rescaled, 'W/"5"'),
    )
    return [
        ask("disable_quotas", tg, profile=age),
        ask("enable_quotas", tg, profile=age),
        ask("set_quota_goals", tg, payload={"goals": {"Q-18": 150}}),
        ask("set_target_group_filling_goal", tg, payload={"filling_goal": 800}),
    ]


def tasks(callbacks):
    """The callbacks that enqueue a task (not the signals told after the commit, `sync.signals`)."""
    return [callback for callback in callbacks if not isinstance(callback, Told)]


def states(changes):
    return [RemoteChange.objects.get(pk=change.pk).state for change in changes]


def sent(wire):  # noqa: F811
    return [(call.request.url.rsplit("/", 1)[-1], call.request.headers["If-Match"]) for call in api_calls(wire)]


def test_only_the_first_change_of_a_burst_is_enqueued(burst):
    assert [change.enqueued for change in burst] == [1, 0, 0, 0]


def test_one_task_sends_a_burst_in_order_each_with_the_version_the_last_answer_gave(
    wire,
    burst,
    tg,
    age,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert process_change(burst[0].pk) is not None

    assert states(burst) == [State.APPLIED] * 4
    assert sent(wire) == [
        ("disable-quotas", 'W/"1"'),
        ("enable-quotas", 'W/"2"'),
        ("filling-goal", 'W/"3"'),
        ("filling-goal", 'W/"4"'),
    ]
    assert tasks(enqueued) == []  # nothing left for another task
    # The end shows every answer: quotas enabled again, the goals the filling goal rescaled, its version.
    tg.refresh_from_db()
    assert (tg.filling_goal, tg.version) == (800, 'W/"5"')
    assert Profile.objects.get(pk=age.pk).quotas_enabled is True
    assert list(Quota.objects.filter(profile=age).order_by("position").values_list("completes_goal", flat=True)) == [
        400,
        400,
    ]


# The first change's claim (an UPDATE, a read); the changes behind it, read once; per change, its outcome's
# transaction (a SAVEPOINT and a RELEASE here) with the outcome and the next one's claim; the quotas' owners
# for the goals; at the end the last answer with all the values carried (the target group's, the profiles':
# read and written once) and the outcome. On PostgreSQL, the target group's lock where the queue is read
# (the first and the last). A lone change costs 12.
BURST_STATEMENTS = 26


def test_a_burst_costs_a_few_statements_per_change_after_the_first(
    wire,
    burst,
    django_assert_max_num_queries,  # noqa: F811
):
    with django_assert_max_num_queries(BURST_STATEMENTS + 2 * (connection.vendor == "postgresql")):
        process_change(burst[0].pk)

    assert states(burst) == [State.APPLIED] * 4


def test_a_change_asked_while_the_burst_is_sent_is_sent_by_the_same_task(
    wire,
    ask,
    tg,
    age,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    asked_meanwhile = []

    def answer_and_ask_again(request):
        if not asked_meanwhile:  # the PM asks once more while the first change is on its way
            asked_meanwhile.append(ask("enable_quotas", tg, profile=age))
        return (200, {"ETag": 'W/"2"'}, json.dumps(age_payload(False)))

    wire.add_callback(responses.POST, url, answer_and_ask_again, content_type="application/json")
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/enable-quotas"), answer(200, age_payload(True), 'W/"3"'))
    first = ask("disable_quotas", tg, profile=age)

    with django_capture_on_commit_callbacks(execute=False):
        process_change(first.pk)

    assert asked_meanwhile[0].enqueued == 0  # it waited behind the first, which was on its way
    assert states([first, asked_meanwhile[0]]) == [State.APPLIED, State.APPLIED]
    assert Profile.objects.get(pk=age.pk).quotas_enabled is True


def test_past_the_changes_one_task_may_send_the_next_is_enqueued_and_left_waiting(
    wire,
    burst,
    settings,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    settings.SYNC_CHANGES_PER_TASK = 2

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        process_change(burst[0].pk)

    assert states(burst) == [State.APPLIED, State.APPLIED, State.PENDING, State.PENDING]
    assert len(tasks(enqueued)) == 1  # the third one's task
    assert len(api_calls(wire)) == 2


def test_a_change_refused_in_the_middle_is_failed_and_the_rest_of_the_burst_still_goes(
    wire,
    ask,
    tg,
    age,
    gender,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    """The refusal's re-read is stored over the answers carried before it (they are stored first), so the
    end shows what the supplier has now; the change behind goes on."""
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), answer(200, age_payload(False), 'W/"2"'))
    refusal = {"errors": [{"message": "Quotas cannot be enabled on this profile now."}]}
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/enable-quotas"), answer(422, refusal))
    # Someone lowered a goal at the supplier meanwhile: the re-read says so, the first answer did not.
    now = profiles_payload(age_payload(False, goals=(100, 90)), gender_payload())
    sequence(wire, responses.GET, profiles_url(tg), answer(200, now, 'W/"3"'))
    gender_off = regular_profile(
        "P-GEN", "GENDER", enabled=False, question_id=43, quotas=[("Q-M", "C-M", "Male", 100, 3)]
    )
    sequence(wire, responses.POST, profiles_url(tg, "/P-GEN/disable-quotas"), answer(200, gender_off, 'W/"4"'))
    changes = [
        ask("disable_quotas", tg, profile=age),
        ask("enable_quotas", tg, profile=age),
        ask("disable_quotas", tg, profile=gender),
    ]

    with django_capture_on_commit_callbacks(execute=False):
        process_change(changes[0].pk)

    assert states(changes) == [State.APPLIED, State.FAILED, State.APPLIED]
    assert "Quotas cannot be enabled" in RemoteChange.objects.get(pk=changes[1].pk).message
    assert [call.request.headers.get("If-Match") for call in api_calls(wire, "POST")] == ['W/"1"', 'W/"2"', 'W/"3"']
    assert Profile.objects.get(pk=age.pk).quotas_enabled is False
    assert Quota.objects.get(remote_id="Q-25").completes_goal == 90
    assert Profile.objects.get(pk=gender.pk).quotas_enabled is False
    tg.refresh_from_db()
    assert tg.version == 'W/"4"'
