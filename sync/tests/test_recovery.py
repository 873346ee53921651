"""A worker that dies mid-send leaves its change `sending`; the beat task finishes it exactly once."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory
from sync.intents import request_change
from sync.models import RemoteChange
from sync.tasks import recover_stuck_changes
from sync.tests.wire import profiles_payload, profiles_url, regular_profile, wire  # noqa: F401

pytestmark = pytest.mark.django_db

ETAG = {"ETag": 'W/"2"'}


@pytest.fixture
def tg():
    return TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"')


def recorded(kind, tg, profile, django_capture_on_commit_callbacks):
    """A change recorded but whose task never ran (the worker died before or while sending)."""
    with django_capture_on_commit_callbacks(execute=False):
        return request_change(kind, connection=tg.project.connection, target_group=tg, profile=profile)


def left_sending(change, minutes_ago, attempts=1):
    RemoteChange.objects.filter(pk=change.pk).update(
        state=RemoteChange.State.SENDING, attempts=attempts, sent_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_change_left_sending_is_finished_by_the_recovery_task_exactly_once(
    wire,
    tg,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    change = recorded("disable_quotas", tg, profile, django_capture_on_commit_callbacks)
    left_sending(change, minutes_ago=10)
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    # The dead worker's try never reached the supplier: the read shows quotas still enabled.
    read = wire.add(
        responses.GET, profiles_url(tg), json=profiles_payload(regular_profile("P-AGE", "AGE")), headers=ETAG
    )
    sent = wire.add(responses.POST, url, json=regular_profile("P-AGE", "AGE", enabled=False))

    with django_capture_on_commit_callbacks(execute=True):
        recover_stuck_changes.delay()
        recover_stuck_changes.delay()

    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED
    assert (read.call_count, sent.call_count) == (1, 1)
    assert sent.calls[0].request.headers["idempotency-key"] == str(change.idempotency_key)
    assert change.attempts == 2


def test_a_change_the_dead_worker_had_applied_is_read_back_and_not_sent_again(
    wire,
    tg,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    change = recorded("disable_quotas", tg, profile, django_capture_on_commit_callbacks)
    left_sending(change, minutes_ago=10)
    # The supplier applied the first try; its answer never came back.
    disabled = profiles_payload(regular_profile("P-AGE", "AGE", enabled=False))
    read = wire.add(responses.GET, profiles_url(tg), json=disabled, headers=ETAG)
    sent = wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json={})

    with django_capture_on_commit_callbacks(execute=True):
        recover_stuck_changes.delay()

    change.refresh_from_db()
    profile.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED
    assert "already disabled at the supplier" in change.message
    assert (read.call_count, sent.call_count) == (1, 0)
    assert profile.quotas_enabled is False


def test_change_sending_right_now_is_left_alone(wire, tg, django_capture_on_commit_callbacks):  # noqa: F811
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE")
    change = recorded("enable_quotas", tg, profile, django_capture_on_commit_callbacks)
    left_sending(change, minutes_ago=0.5)  # under SYNC_STUCK_AFTER_SECONDS (60 s): a worker may be on it
    sent = wire.add(responses.POST, profiles_url(tg, "/P-AGE/enable-quotas"), json={})

    recover_stuck_changes.delay()

    change.refresh_from_db()
    assert change.state == RemoteChange.State.SENDING
    assert sent.call_count == 0


def test_recovery_resumes_a_target_groups_queue_in_order(wire, tg, django_capture_on_commit_callbacks):  # noqa: F811
    age = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    gender = ProfileFactory(target_group=tg, remote_id="P-GEN", name="GENDER")
    first = recorded("disable_quotas", tg, age, django_capture_on_commit_callbacks)
    second = recorded("disable_quotas", tg, gender, django_capture_on_commit_callbacks)
    left_sending(first, minutes_ago=10)
    RemoteChange.objects.filter(pk=second.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    both = profiles_payload(regular_profile("P-AGE", "AGE"), regular_profile("P-GEN", "GENDER"))
    wire.add(responses.GET, profiles_url(tg), json=both, headers=ETAG)
    wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json=regular_profile("P-AGE", "AGE"))
    wire.add(responses.POST, profiles_url(tg, "/P-GEN/disable-quotas"), json=regular_profile("P-GEN", "GENDER"))

    with django_capture_on_commit_callbacks(execute=True):
        recover_stuck_changes.delay()

    assert list(RemoteChange.objects.order_by("pk").values_list("state", flat=True)) == ["applied", "applied"]
    assert [call.request.url.split("/profiles/")[1] for call in wire.calls if "/profiles/" in call.request.url] == [
        "P-AGE/disable-quotas",
        "P-GEN/disable-quotas",
    ]


def idle_for(change, seconds):
    RemoteChange.objects.filter(pk=change.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.parametrize(("idle", "enqueued"), [(8, False), (12, True)])
def test_a_waiting_queue_is_started_once_it_has_been_idle_ten_seconds(
    wire,
    tg,
    django_capture_on_commit_callbacks,
    idle,
    enqueued,  # noqa: F811
):
    """The head of a queue whose task was lost (a worker died before taking it) is sent by the sweep."""
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    change = recorded("disable_quotas", tg, profile, django_capture_on_commit_callbacks)
    idle_for(change, idle)
    sent = wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json=regular_profile("P-AGE", "AGE"))

    recover_stuck_changes.delay()

    change.refresh_from_db()
    assert (change.state == RemoteChange.State.APPLIED, sent.call_count) == (enqueued, int(enqueued))


def test_a_starting_worker_sets_the_waiting_queues_going(wire, tg, django_capture_on_commit_callbacks):  # noqa: F811
    from sync.tasks import resume_queues_when_a_worker_starts

    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    change = recorded("disable_quotas", tg, profile, django_capture_on_commit_callbacks)
    idle_for(change, 30)
    wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json=regular_profile("P-AGE", "AGE"))

    resume_queues_when_a_worker_starts()

    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED


@pytest.mark.parametrize(
    ("enabled_at_the_supplier", "state", "words"),
    [
        (False, RemoteChange.State.APPLIED, "already disabled at the supplier"),
        (True, RemoteChange.State.FAILED, "the supplier does not have it"),
    ],
)
def test_a_change_whose_worker_died_on_its_last_try_is_only_checked_never_sent_again(
    wire,
    tg,
    settings,
    django_capture_on_commit_callbacks,
    enabled_at_the_supplier,
    state,
    words,  # noqa: F811
):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    change = recorded("disable_quotas", tg, profile, django_capture_on_commit_callbacks)
    left_sending(change, minutes_ago=10, attempts=settings.SYNC_MAX_ATTEMPTS)
    supplier = profiles_payload(regular_profile("P-AGE", "AGE", enabled=enabled_at_the_supplier))
    wire.add(responses.GET, profiles_url(tg), json=supplier, headers=ETAG)
    sent = wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json={})

    with django_capture_on_commit_callbacks(execute=True):
        recover_stuck_changes.delay()

    change.refresh_from_db()
    assert change.state == state
    assert words in change.message
    assert sent.call_count == 0


def test_a_worker_node_that_starts_again_takes_back_at_once_what_its_dead_run_left_sending(
    wire,
    tg,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    from types import SimpleNamespace

    from sync.tasks import resume_queues_when_a_worker_starts

    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE")
    mine = recorded("disable_quotas", tg, profile, django_capture_on_commit_callbacks)
    RemoteChange.objects.filter(pk=mine.pk).update(
        state="sending", attempts=1, sent_at=timezone.now(), claimed_by="celery@box-1/4242"
    )
    other_tg = TargetGroupFactory(project=tg.project)
    others = recorded(
        "enable_quotas", other_tg, ProfileFactory(target_group=other_tg), django_capture_on_commit_callbacks
    )
    RemoteChange.objects.filter(pk=others.pk).update(
        state="sending",
        attempts=1,
        sent_at=timezone.now(),
        claimed_by="celery@box-2/77",  # alive elsewhere
    )
    wire.add(responses.GET, profiles_url(tg), json=profiles_payload(regular_profile("P-AGE", "AGE")), headers=ETAG)
    sent = wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), json=regular_profile("P-AGE", "AGE"))

    with django_capture_on_commit_callbacks(execute=True):
        resume_queues_when_a_worker_starts(sender=SimpleNamespace(hostname="celery@box-1"))

    mine.refresh_from_db()
    others.refresh_from_db()
    assert mine.state == RemoteChange.State.APPLIED and sent.call_count == 1  # seconds after the restart, read first
    assert others.state == RemoteChange.State.SENDING  # another node's change is left to it
