"""The quota change kinds at the wire: what they send, store, and decide after a 412."""

import json
from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota
from quotas.tests.factories import InterlockCellFactory, InterlockedProfileFactory, ProfileFactory, QuotaFactory
from sync.intents import request_change
from sync.models import RemoteChange
from sync.sending import process_change
from sync.tests.wire import (  # noqa: F401  (the `wire` fixture)
    api_calls,
    details,
    interlocked_profile,
    profiles_payload,
    profiles_url,
    regular_profile,
    tg_url,
    wire,
)
from sync.wording import describe

pytestmark = pytest.mark.django_db


@pytest.fixture
def tg():
    return TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"', filling_goal=500)


@pytest.fixture
def age(tg):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE", question_id=42, quotas_enabled=True)
    QuotaFactory(profile=profile, remote_id="Q-18", text="18-24", completes_goal=100)
    QuotaFactory(profile=profile, remote_id="Q-25", text="25-34", completes_goal=100)
    return profile


@pytest.fixture
def gender(tg):
    profile = ProfileFactory(target_group=tg, remote_id="P-GEN", name="GENDER", question_id=43)
    QuotaFactory(profile=profile, remote_id="Q-M", text="Male", completes_goal=100)
    return profile


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Ask for a change and let the outbox send it (tasks run in-process)."""

    def ask(kind, tg, **options):
        with django_capture_on_commit_callbacks(execute=True):
            change = request_change(kind, connection=tg.project.connection, target_group=tg, **options)
        change.refresh_from_db()
        return change

    return ask


def age_payload(enabled=True, goals=(100, 100)):
    return regular_profile(
        "P-AGE",
        "AGE",
        enabled=enabled,
        quotas=[("Q-18", "C-18", "18-24", goals[0], 1), ("Q-25", "C-25", "25-34", goals[1], 2)],
    )


def gender_payload():
    return regular_profile("P-GEN", "GENDER", question_id=43, quotas=[("Q-M", "C-M", "Male", 100, 3)])


def answer(status, body=None, etag=None):
    headers = {"ETag": etag} if etag else {}
    return (status, headers, json.dumps(body if body is not None else {}))


def sequence(wire, method, url, *answers):  # noqa: F811
    """Answer the calls to `url` in turn with `answers` (the last one repeats)."""
    remaining = list(answers)

    def callback(request):
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    wire.add_callback(method, url, callback, content_type="application/json")


def calls_to(wire, url, method="POST"):  # noqa: F811
    return [call for call in api_calls(wire, method) if call.request.url == url]


# --- enable / disable quotas -------------------------------------------------------------


def test_disable_quotas_shows_disabled_at_once_and_waits_to_be_sent(tg, age, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        change = request_change("disable_quotas", connection=tg.project.connection, target_group=tg, profile=age)

    age.refresh_from_db()
    assert age.quotas_enabled is False
    assert change.state == RemoteChange.State.PENDING
    assert describe(change) == "Disable quotas on “AGE”"


def test_enable_quotas_sends_the_key_and_the_etag_and_stores_the_answer(wire, send, tg, age):  # noqa: F811
    age.quotas_enabled = False
    age.save()
    url = profiles_url(tg, "/P-AGE/enable-quotas")
    sequence(wire, responses.POST, url, answer(200, age_payload(enabled=True, goals=(120, 80)), etag='W/"2"'))

    change = send("enable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    request = calls_to(wire, url)[0].request
    assert request.headers["idempotency-key"] == str(change.idempotency_key)
    assert request.headers["If-Match"] == 'W/"1"'
    age.refresh_from_db()
    tg.refresh_from_db()
    assert age.quotas_enabled is True
    assert Quota.objects.get(remote_id="Q-18").completes_goal == 120
    assert tg.version == 'W/"2"'


def test_412_then_profile_gone_is_a_conflict_in_words(wire, send, tg, age, gender):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(412, {"detail": "ETag mismatch"}))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(gender_payload()), etag='W/"3"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.CONFLICT
    assert "“AGE” no longer exists at the supplier" in change.message
    assert len(calls_to(wire, url)) == 1
    age.refresh_from_db()
    assert age.vanished_at is not None


def test_412_then_already_disabled_is_applied_with_a_sentence(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(412))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(False)), etag='W/"3"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    assert change.message == "Quotas on “AGE” were already disabled at the supplier; nothing more to do."
    assert len(calls_to(wire, url)) == 1


def test_412_then_still_needed_is_sent_again_with_the_new_etag_and_the_same_key(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(412), answer(200, age_payload(False), etag='W/"4"'))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"3"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    first, second = (call.request for call in calls_to(wire, url))
    assert (first.headers["If-Match"], second.headers["If-Match"]) == ('W/"1"', 'W/"3"')
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == str(change.idempotency_key)
    tg.refresh_from_db()
    assert tg.version == 'W/"4"'


def test_412_without_an_etag_on_the_profiles_reads_the_details_for_it(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(412), answer(200, age_payload(False)))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True))))
    sequence(wire, responses.GET, tg_url(tg, "/details"), answer(200, details(tg.remote_id), etag='W/"7"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    assert calls_to(wire, url)[1].request.headers["If-Match"] == 'W/"7"'


def test_412_twice_is_a_conflict_and_shows_the_suppliers_values(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(412))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"3"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.CONFLICT
    assert "kept changing" in change.message
    assert len(calls_to(wire, url)) == 2
    age.refresh_from_db()
    assert age.quotas_enabled is True


# --- refusals: 400 / 404 / 422 -----------------------------------------------------------


@pytest.mark.parametrize("status", [400, 404, 422])
def test_refused_change_fails_keeps_the_suppliers_words_and_reverts_the_intent(wire, send, tg, age, status):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(status, {"detail": "Profile quotas cannot be disabled now"}))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"2"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.FAILED
    assert change.response_status == status
    assert change.response == {"detail": "Profile quotas cannot be disabled now"}
    if status != 404:
        assert "Profile quotas cannot be disabled now" in change.message
    age.refresh_from_db()
    assert age.quotas_enabled is True
    assert len(calls_to(wire, url)) == 1


def test_refused_quota_goals_come_back_to_the_suppliers_goals(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(422, {"detail": "Goals exceed the filling goal"}))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"2"'))

    change = send("set_quota_goals", tg, payload={"goals": {"Q-18": 900}})

    assert change.state == RemoteChange.State.FAILED
    assert "Goals exceed the filling goal" in change.message
    assert Quota.objects.get(remote_id="Q-18").completes_goal == 100


# --- retries: 429 / 5xx ------------------------------------------------------------------


def test_429_and_5xx_are_retried_with_the_same_key_after_checking_the_supplier(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(
        wire,
        responses.POST,
        url,
        answer(503, {"detail": "Service unavailable"}),
        (429, {"Retry-After": "0"}, json.dumps({"details": "Too many requests"})),
        answer(502),
        answer(200, age_payload(False), etag='W/"2"'),
    )
    # The contract does not de-duplicate v2 disable-quotas by key: each re-send is preceded by a read.
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"1"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    assert change.attempts == 4
    keys = [call.request.headers["idempotency-key"] for call in calls_to(wire, url)]
    assert keys == [str(change.idempotency_key)] * 4
    order = [call.request.method for call in api_calls(wire) if call.request.url in (url, profiles_url(tg))]
    assert order == ["POST", "GET", "POST", "GET", "POST", "GET", "POST"]


def test_still_failing_after_the_last_try_fails_and_shows_the_suppliers_values(wire, send, tg, age, settings):  # noqa: F811
    settings.SYNC_MAX_ATTEMPTS = 3
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, answer(503, {"detail": "Service unavailable"}))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"2"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.FAILED
    assert "after 3 tries" in change.message
    assert len({call.request.headers["idempotency-key"] for call in calls_to(wire, url)}) == 1
    age.refresh_from_db()
    assert age.quotas_enabled is True


def test_when_the_supplier_stays_down_the_next_sync_reads_the_target_group_in_full(wire, send, tg, age, settings):  # noqa: F811
    settings.SYNC_MAX_ATTEMPTS = 2
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), answer(503))
    sequence(wire, responses.GET, profiles_url(tg), answer(503))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.FAILED
    assert "probably not applied" in change.message
    tg.refresh_from_db()
    assert tg.synced_at is None  # no ETag shortcut: the next pull replaces the intent with the supplier's values


def test_a_412_whose_resend_must_wait_keeps_showing_the_pm_what_was_asked(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    shown_while_sending = []
    answers = [answer(412), answer(503), answer(200, age_payload(False), etag='W/"6"')]

    def supplier(request):
        if len(answers) < 3:  # a re-send: what does the cockpit show the PM at that moment?
            shown_while_sending.append(Profile.objects.get(pk=age.pk).quotas_enabled)
        return answers.pop(0)

    wire.add_callback(responses.POST, url, supplier, content_type="application/json")
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(True)), etag='W/"5"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    assert shown_while_sending == [False, False]  # the re-read showed "on"; the asked "off" came back


def test_an_answer_the_cockpit_cannot_read_is_checked_with_the_supplier_not_shown_failed(wire, send, tg, age):  # noqa: F811
    """The supplier answered 200 (it applied the change), but the cockpit met an error storing the answer:
    the change is not left sending nor shown failed; the next try reads the supplier and finds it done."""
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    unreadable = {"id": "P-AGE", "conditions": "not an object"}
    sequence(wire, responses.POST, url, answer(200, unreadable))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(False)), etag='W/"3"'))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    assert "already disabled at the supplier" in change.message
    assert len(calls_to(wire, url)) == 1  # never sent twice
    assert not RemoteChange.objects.filter(target_group=tg, state=RemoteChange.State.SENDING).exists()


def test_an_internal_error_on_every_try_ends_failed_in_words_that_say_it_may_be_applied(
    wire,
    send,
    tg,
    age,
    settings,  # noqa: F811
):
    settings.SYNC_MAX_ATTEMPTS = 2
    unreadable = {"id": "P-AGE", "conditions": "not an object"}
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), answer(200, unreadable))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, {"data": "not a list of profiles"}))

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.FAILED
    assert "may or may not have been applied" in change.message
    tg.refresh_from_db()
    assert tg.synced_at is None  # the next sync reads it in full


# --- interlocks --------------------------------------------------------------------------


def interlock_answer(cells=(("CELL-1", "18-24, Male", 40, 0), ("CELL-2", "25-34, Male", 60, 0))):
    return interlocked_profile("IL-NEW", [age_payload(), gender_payload()], cells=cells)


def test_create_interlock_shows_a_pending_interlock_then_the_suppliers_cells(wire, send, tg, age, gender):  # noqa: F811
    url = profiles_url(tg, "/create-interlocked-profile")
    sequence(wire, responses.POST, url, answer(200, interlock_answer(), etag='W/"2"'))

    change = send("create_interlock", tg, payload={"profile_ids": ["P-AGE", "P-GEN"], "target_group_filling_goal": 500})

    assert change.state == RemoteChange.State.APPLIED
    assert json.loads(calls_to(wire, url)[0].request.body) == {
        "target_group_filling_goal": 500,
        "profiles": ["P-AGE", "P-GEN"],
    }
    interlock = InterlockedProfile.objects.get(target_group=tg, vanished_at__isnull=True)
    assert interlock.remote_id == "IL-NEW"
    assert set(interlock.profiles.values_list("name", flat=True)) == {"AGE", "GENDER"}
    assert list(interlock.cells.values_list("text", flat=True)) == ["18-24, Male", "25-34, Male"]
    assert describe(change) == "Interlock AGE, GENDER"


def test_create_interlock_is_shown_before_it_is_sent(tg, age, gender, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        request_change(
            "create_interlock",
            connection=tg.project.connection,
            target_group=tg,
            payload={"profile_ids": ["P-AGE", "P-GEN"], "target_group_filling_goal": 500},
        )

    age.refresh_from_db()
    assert age.interlocked_profile.remote_id.startswith("pending-")
    assert age.interlocked_profile.name == "AGE, GENDER"


def test_create_interlock_412_with_a_profile_gone_is_a_conflict_and_clears_the_pending_interlock(
    wire,
    send,
    tg,
    age,
    gender,  # noqa: F811
):
    sequence(wire, responses.POST, profiles_url(tg, "/create-interlocked-profile"), answer(412))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload()), etag='W/"3"'))

    change = send("create_interlock", tg, payload={"profile_ids": ["P-AGE", "P-GEN"], "target_group_filling_goal": 500})

    assert change.state == RemoteChange.State.CONFLICT
    assert "“GENDER” no longer exists" in change.message
    assert not InterlockedProfile.objects.filter(target_group=tg).exists()
    assert Profile.objects.filter(target_group=tg, interlocked_profile__isnull=False).count() == 0


def test_create_interlock_412_when_already_interlocked_is_applied(wire, send, tg, age, gender):  # noqa: F811
    url = profiles_url(tg, "/create-interlocked-profile")
    sequence(wire, responses.POST, url, answer(412))
    members = [age_payload(), gender_payload()]
    already = profiles_payload(*members, interlock=interlocked_profile("IL-X", members, cells=[("C1", "a", 1, 0)]))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, already, etag='W/"3"'))

    change = send("create_interlock", tg, payload={"profile_ids": ["P-AGE", "P-GEN"], "target_group_filling_goal": 500})

    assert change.state == RemoteChange.State.APPLIED
    assert "already interlocked" in change.message
    assert InterlockedProfile.objects.get(target_group=tg).remote_id == "IL-X"
    assert len(calls_to(wire, url)) == 1


def test_create_interlock_412_when_another_interlock_holds_a_profile_is_a_conflict(wire, send, tg, age, gender):  # noqa: F811
    ProfileFactory(target_group=tg, remote_id="P-REG", name="REGION")
    sequence(wire, responses.POST, profiles_url(tg, "/create-interlocked-profile"), answer(412))
    region = regular_profile("P-REG", "REGION", question_id=44)
    other = interlocked_profile("IL-Y", [age_payload(), region], name="AGE, REGION")
    payload = profiles_payload(age_payload(), gender_payload(), region, interlock=other)
    sequence(wire, responses.GET, profiles_url(tg), answer(200, payload, etag='W/"3"'))

    change = send("create_interlock", tg, payload={"profile_ids": ["P-AGE", "P-GEN"], "target_group_filling_goal": 500})

    assert change.state == RemoteChange.State.CONFLICT
    assert "“AGE, REGION”" in change.message
    assert "Remove that interlock first" in change.message


def test_remove_interlock_hides_it_at_once_and_stores_the_standalone_profiles(wire, send, tg, age, gender):  # noqa: F811
    interlock = InterlockedProfileFactory(target_group=tg, remote_id="IL-1", name="AGE, GENDER")
    Profile.objects.filter(pk__in=[age.pk, gender.pk]).update(interlocked_profile=interlock)
    url = profiles_url(tg, "/IL-1/remove-interlocks")
    sequence(wire, responses.POST, url, answer(200, {"data": [age_payload(), gender_payload()]}, etag='W/"2"'))

    change = send("remove_interlock", tg, payload={"interlocked_profile_id": "IL-1"})

    assert change.state == RemoteChange.State.APPLIED
    interlock.refresh_from_db()
    assert interlock.vanished_at is not None
    assert not Profile.objects.filter(target_group=tg, interlocked_profile__isnull=False).exists()
    assert describe(change) == "Remove the interlock “AGE, GENDER”"


def test_remove_interlock_412_when_already_removed_is_applied_with_a_sentence(wire, send, tg, age, gender):  # noqa: F811
    interlock = InterlockedProfileFactory(target_group=tg, remote_id="IL-1", name="AGE, GENDER")
    Profile.objects.filter(pk__in=[age.pk, gender.pk]).update(interlocked_profile=interlock)
    url = profiles_url(tg, "/IL-1/remove-interlocks")
    sequence(wire, responses.POST, url, answer(412))
    payload = profiles_payload(age_payload(), gender_payload())
    sequence(wire, responses.GET, profiles_url(tg), answer(200, payload, etag='W/"3"'))

    change = send("remove_interlock", tg, payload={"interlocked_profile_id": "IL-1"})

    assert change.state == RemoteChange.State.APPLIED
    assert change.message == "The interlock “AGE, GENDER” had already been removed at the supplier; nothing more to do."
    assert len(calls_to(wire, url)) == 1


def test_remove_interlock_refused_brings_the_interlock_back(wire, send, tg, age, gender):  # noqa: F811
    interlock = InterlockedProfileFactory(target_group=tg, remote_id="IL-1", name="AGE, GENDER")
    Profile.objects.filter(pk__in=[age.pk, gender.pk]).update(interlocked_profile=interlock)
    sequence(wire, responses.POST, profiles_url(tg, "/IL-1/remove-interlocks"), answer(400, {"detail": "Nope"}))
    members = [age_payload(), gender_payload()]
    payload = profiles_payload(*members, interlock=interlocked_profile("IL-1", members))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, payload, etag='W/"2"'))

    change = send("remove_interlock", tg, payload={"interlocked_profile_id": "IL-1"})

    assert change.state == RemoteChange.State.FAILED
    interlock.refresh_from_db()
    assert interlock.vanished_at is None
    assert set(interlock.profiles.values_list("remote_id", flat=True)) == {"P-AGE", "P-GEN"}


# --- quota goals and the filling goal ----------------------------------------------------


def test_set_quota_goals_sends_goals_grouped_by_profile_and_stores_the_answer(wire, send, tg, age, gender):  # noqa: F811
    cell_owner = InterlockedProfileFactory(target_group=tg, remote_id="IL-1")
    InterlockCellFactory(interlocked_profile=cell_owner, remote_id="CELL-1", completes_goal=10)
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(201, profiles_payload(age_payload(goals=(150, 100)), gender_payload())))

    change = send("set_quota_goals", tg, payload={"goals": {"Q-18": 150, "Q-M": 90, "CELL-1": 20}})

    assert change.state == RemoteChange.State.APPLIED
    body = json.loads(calls_to(wire, url, "PUT")[0].request.body)
    assert body == {
        "profiles": [
            {"profile_id": "IL-1", "quotas": [{"quota_id": "CELL-1", "filling_goal": 20}]},
            {"profile_id": "P-AGE", "quotas": [{"quota_id": "Q-18", "filling_goal": 150}]},
            {"profile_id": "P-GEN", "quotas": [{"quota_id": "Q-M", "filling_goal": 90}]},
        ]
    }
    assert Quota.objects.get(remote_id="Q-18").completes_goal == 150
    assert describe(change) == "Change the completes goals of 3 quotas"


def test_set_quota_goals_412_when_a_quota_is_gone_is_a_conflict(wire, send, tg, age):  # noqa: F811
    sequence(wire, responses.PUT, profiles_url(tg, "/filling-goal"), answer(412))
    regrouped = regular_profile("P-AGE", "AGE", quotas=[("Q-NEW", "C-18", "18-34", 200, 0)])
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(regrouped), etag='W/"3"'))

    change = send("set_quota_goals", tg, payload={"goals": {"Q-18": 150}})

    assert change.state == RemoteChange.State.CONFLICT
    assert "“18-24” no longer exists" in change.message


def test_set_quota_goals_412_when_the_goals_are_already_set_is_applied(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(412))
    payload = profiles_payload(age_payload(goals=(150, 100)))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, payload, etag='W/"3"'))

    change = send("set_quota_goals", tg, payload={"goals": {"Q-18": 150}})

    assert change.state == RemoteChange.State.APPLIED
    assert "already had these completes goals" in change.message
    assert len(calls_to(wire, url, "PUT")) == 1


def test_set_filling_goal_shows_it_at_once_and_sends_it(wire, send, tg, age):  # noqa: F811
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(201, profiles_payload(age_payload()), etag='W/"2"'))

    change = send("set_target_group_filling_goal", tg, payload={"filling_goal": 800})

    assert change.state == RemoteChange.State.APPLIED
    assert json.loads(calls_to(wire, url, "PUT")[0].request.body) == {"filling_goal": 800}
    tg.refresh_from_db()
    assert (tg.filling_goal, tg.version) == (800, 'W/"2"')
    assert describe(change) == "Set the target group's filling goal to 800"


def test_set_filling_goal_412_when_already_set_is_applied(wire, send, tg):  # noqa: F811
    sequence(wire, responses.PUT, profiles_url(tg, "/filling-goal"), answer(412))
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload(goals=(400, 400)))))
    sequence(
        wire, responses.GET, tg_url(tg, "/details"), answer(200, details(tg.remote_id, filling_goal=800), etag='W/"3"')
    )

    change = send("set_target_group_filling_goal", tg, payload={"filling_goal": 800})

    assert change.state == RemoteChange.State.APPLIED
    assert change.message == "The supplier already had a filling goal of 800; nothing more to do."
    # The supplier rescaled the quota goals with it: the cockpit shows them as read.
    goals = Quota.objects.filter(profile__target_group=tg).values_list("completes_goal", flat=True)
    assert sorted(goals) == [400, 400]


def test_set_filling_goal_412_when_still_needed_is_sent_again(wire, send, tg):  # noqa: F811
    url = profiles_url(tg, "/filling-goal")
    sequence(wire, responses.PUT, url, answer(412), answer(201, profiles_payload(), etag='W/"4"'))
    sequence(
        wire, responses.GET, tg_url(tg, "/details"), answer(200, details(tg.remote_id, filling_goal=500), etag='W/"3"')
    )
    sequence(wire, responses.GET, profiles_url(tg), answer(200, profiles_payload(age_payload())))

    change = send("set_target_group_filling_goal", tg, payload={"filling_goal": 800})

    assert change.state == RemoteChange.State.APPLIED
    assert [call.request.headers["If-Match"] for call in calls_to(wire, url, "PUT")] == ['W/"1"', 'W/"3"']
    tg.refresh_from_db()
    assert tg.filling_goal == 800


def test_changes_to_one_target_group_go_one_at_a_time_in_order(
    wire,
    tg,
    age,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    from sync.sending import process_change

    with django_capture_on_commit_callbacks(execute=False):
        first = request_change("disable_quotas", connection=tg.project.connection, target_group=tg, profile=age)
        second = request_change("enable_quotas", connection=tg.project.connection, target_group=tg, profile=age)
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), answer(200, age_payload(False)))
    sequence(wire, responses.POST, profiles_url(tg, "/P-AGE/enable-quotas"), answer(200, age_payload(True)))

    assert process_change(second.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        process_change(first.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (RemoteChange.State.APPLIED, RemoteChange.State.APPLIED)
    assert [call.request.url.rsplit("/", 1)[-1] for call in api_calls(wire, "POST")] == [
        "disable-quotas",
        "enable-quotas",
    ]
    assert InterlockCell.objects.count() == 0


# --- lost answers: re-read before re-sending, where the supplier does not de-duplicate ------------


def test_a_lost_answer_to_an_applied_write_is_read_back_and_never_sent_twice(wire, send, tg, age):  # noqa: F811
    """v2 disable-quotas has no idempotency-key in the contract: after the answer is lost, the
    outbox reads the profiles, finds the quotas disabled, and does not send the write again."""
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    supplier = {"enabled": True}

    def apply_then_drop(request):
        supplier["enabled"] = False  # the supplier applied it...
        raise requests.ConnectionError("connection reset by peer")  # ...and the answer never arrived

    wire.add_callback(responses.POST, url, apply_then_drop, content_type="application/json")
    wire.add_callback(
        responses.GET,
        profiles_url(tg),
        lambda request: answer(200, profiles_payload(age_payload(enabled=supplier["enabled"])), etag='W/"5"'),
        content_type="application/json",
    )

    change = send("disable_quotas", tg, profile=age)

    assert change.state == RemoteChange.State.APPLIED
    assert "already disabled at the supplier" in change.message
    assert [call.request.method for call in api_calls(wire)] == ["POST", "GET"]
    age.refresh_from_db()
    tg.refresh_from_db()
    assert (age.quotas_enabled, tg.version) == (False, 'W/"5"')


def test_a_lost_answer_to_a_write_the_supplier_de_duplicates_is_sent_again_with_the_same_key(
    wire,
    send,
    tg,
    age,
    gender,  # noqa: F811
):
    """create-interlocked-profile takes an idempotency-key (the contract): the re-send replays."""
    url = profiles_url(tg, "/create-interlocked-profile")
    answers = iter([requests.ConnectionError("reset"), answer(200, interlock_answer(), etag='W/"2"')])

    def lose_the_first(request):
        outcome = next(answers)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    wire.add_callback(responses.POST, url, lose_the_first, content_type="application/json")

    change = send("create_interlock", tg, payload={"profile_ids": ["P-AGE", "P-GEN"], "target_group_filling_goal": 500})

    assert change.state == RemoteChange.State.APPLIED
    assert [call.request.method for call in api_calls(wire)] == ["POST", "POST"]
    assert {call.request.headers["idempotency-key"] for call in api_calls(wire)} == {str(change.idempotency_key)}


def test_a_429_is_tried_again_no_sooner_than_its_retry_after(
    wire, tg, age, settings, django_capture_on_commit_callbacks
):  # noqa: F811
    settings.SYNC_BACKOFF_BASE_SECONDS = 1
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    sequence(wire, responses.POST, url, (429, {"Retry-After": "30"}, json.dumps({"details": "Too many requests"})))
    with django_capture_on_commit_callbacks(execute=False):
        change = request_change("disable_quotas", connection=tg.project.connection, target_group=tg, profile=age)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=False) as retries:
        process_change(change.pk)

    change.refresh_from_db()
    assert change.state == RemoteChange.State.PENDING
    assert change.message.startswith("Will retry in 30 s")
    assert before + timedelta(seconds=29) <= change.next_attempt_at <= timezone.now() + timedelta(seconds=31)
    assert len(retries) == 1  # the retry is enqueued once the row is committed
