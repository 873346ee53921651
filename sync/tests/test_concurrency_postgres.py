"""On PostgreSQL, with row locks that mean something: workers, webhook deliveries and PM actions on the same
target groups at once answer no 500 and meet no deadlock; two workers on one queue send each change once, in order."""

import hashlib
import hmac
import json
import threading
import time
import uuid

import pytest
from django.db import connection as db
from django.db import connections
from django.test import Client
from django.urls import reverse

from projects.models import TargetGroup
from quotas.models import Profile, Quota
from sandbox.models import AppliedRequest
from sync.intents import request_change
from sync.models import RemoteChange
from sync.sending import process_change
from sync.tests.test_sandbox_outbox import sandbox, wait_until_settled  # noqa: F401  (the `sandbox` fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRET = "concurrency-secret"


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("row locks and deadlocks are PostgreSQL's (set DATABASE_URL)")


@pytest.fixture
def workers_send(settings):
    """The changes are recorded as the web does, and sent by the worker threads of each test (not eagerly)."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def deadlocks():
    with db.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def in_thread(function, errors):
    def run():
        try:
            function()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def worker_loop(stop, errors, ids=None):
    """A worker: takes whatever pending change (of `ids`, or any) is next, until told to stop."""

    def run():
        while not stop.is_set():
            pending = RemoteChange.objects.filter(state="pending")
            if ids is not None:
                pending = pending.filter(pk__in=ids)
            pending = list(pending.order_by("pk").values_list("pk", flat=True))
            if not pending:
                time.sleep(0.02)
                continue
            for pk in pending:
                process_change(pk)

    return in_thread(run, errors)


def signed(body):
    timestamp = int(time.time())
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Cint-Signature": f"t={timestamp},v1={digest}"}


def test_worker_webhooks_and_pm_actions_at_once_answer_no_500_and_meet_no_deadlock(
    sandbox,
    pm,
    workers_send,  # noqa: F811
):
    sandbox.webhook_secret = SECRET
    sandbox.save(update_fields=["webhook_secret"])
    tgs = list(TargetGroup.objects.filter(project__connection=sandbox).order_by("pk")[:3])
    before = deadlocks()
    statuses, errors, stop = [], [], threading.Event()

    def pm_actions():
        client = Client(raise_request_exception=False)
        client.force_login(pm)
        for round_ in range(8):
            for tg in tgs:
                age = Profile.objects.get(target_group=tg, question_id=42)
                quota = Quota.objects.filter(profile__target_group=tg, profile__question_id=43).first()
                posts = [
                    (reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off" if round_ % 2 else "on"}),
                    (reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": str(300 + round_)}),
                    (
                        reverse("quotas:grid", args=[tg.pk]),
                        {f"goal-quota-{quota.pk}": str(50 + round_), "confirm": "yes"},
                    ),
                ]
                for url, data in posts:
                    statuses.append(("pm", client.post(url, data, headers={"HX-Request": "true"}).status_code))

    def deliveries():
        client = Client(raise_request_exception=False)
        url = reverse("sync:webhook", args=["cint", sandbox.pk])
        for number in range(60):
            tg = tgs[number % len(tgs)]
            quota = Quota.objects.filter(profile__target_group=tg).order_by("pk")[number % 3]
            event = {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "type": "com.cint.quota-fill.registered" if number % 2 else "com.cint.target-group.updated",
                "time": "2030-01-01T10:00:00Z",
                "data": {
                    "target_group_id": tg.remote_id,
                    "profile_quota_id": quota.remote_id,
                    "completes": number,
                    "changes": [{"object": "filling_goal_change", "new_value": 400 + number}],
                },
            }
            body = json.dumps(event).encode()
            answer = client.post(url, data=body, content_type="application/json", headers=signed(body))
            statuses.append(("webhook", answer.status_code))

    workers = [worker_loop(stop, errors) for _ in range(2)]
    actors = [in_thread(pm_actions, errors), in_thread(deliveries, errors)]
    try:
        for actor in actors:
            actor.join(timeout=120)
        wait_until_settled(RemoteChange.objects.all(), timeout=90)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)

    assert errors == []
    assert [status for status in statuses if status[1] >= 500] == []
    assert len(statuses) == 8 * 3 * 3 + 60
    assert deadlocks() == before
    assert set(RemoteChange.objects.values_list("state", flat=True)) <= {"applied", "conflict"}


def test_two_workers_on_one_queue_send_each_change_once_and_in_order(sandbox, workers_send):  # noqa: F811
    tg = TargetGroup.objects.filter(project__connection=sandbox).order_by("pk").first()
    age = Profile.objects.get(target_group=tg, question_id=42)
    changes = []
    for number in range(12):
        kind = "disable_quotas" if number % 2 == 0 else "enable_quotas"
        changes.append(request_change(kind, connection=sandbox, target_group=tg, profile=age))
    ids = [change.pk for change in changes]
    errors, stop = [], threading.Event()
    first_before = AppliedRequest.objects.count()

    workers = [worker_loop(stop, errors, ids) for _ in range(2)]
    try:
        wait_until_settled(RemoteChange.objects.filter(pk__in=ids), timeout=60)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)

    assert errors == []
    rows = list(RemoteChange.objects.filter(pk__in=ids).order_by("pk"))
    assert {row.state for row in rows} == {"applied"}
    assert all(row.attempts == 1 for row in rows)  # never claimed twice
    sent = AppliedRequest.objects.order_by("pk")[first_before:]
    assert [row.path.rsplit("/", 1)[-1] for row in sent] == [
        "disable-quotas" if number % 2 == 0 else "enable-quotas" for number in range(12)
    ]
    assert [row.sent_at for row in rows] == sorted(row.sent_at for row in rows)  # the queue's order


def test_a_write_on_one_target_group_does_not_hold_up_another_target_group_of_its_project():
    """The worker storing an answer on one target group (its row locked) must not keep a PM's change
    on a sibling target group of the same project waiting."""
    from django.db import transaction

    from projects.tests.factories import ProjectFactory, TargetGroupFactory
    from sync.locks import lock_target_group

    project = ProjectFactory()
    first, second = TargetGroupFactory(project=project), TargetGroupFactory(project=project)
    locked, release, errors = threading.Event(), threading.Event(), []

    def hold_first():
        with transaction.atomic():
            lock_target_group(first.pk)
            locked.set()
            release.wait(10)

    holder = in_thread(hold_first, errors)
    try:
        assert locked.wait(10)
        with transaction.atomic():
            with db.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            lock_target_group(second.pk)  # before: waited on the project's row, then "lock timeout"
    finally:
        release.set()
        holder.join(10)
    assert errors == []
