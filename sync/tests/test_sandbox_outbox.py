"""200 quota changes on 10 target groups against the sandbox, with faults injected at the wire.

The sandbox runs behind `live_server` and answers 20% of calls with a 5xx, 10% with a
429 and 10% of If-Match mutations with a 412 (stale ETag), all before anything is
applied; and it loses the answer of 10% of the mutations it did apply (a 503 after the
commit), the one fault an idempotency key is for. Every change must end `applied` or
`conflict` (with a reason); the sandbox's own log must show each idempotency key applied
at most once, exactly for the changes the supplier answered, and lost answers replayed
to a retry with the same key. Run eagerly (tasks in-process, any database) and with a
real Celery worker on the Redis of CELERY_BROKER_URL (skipped without it).
"""

import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db.models import Count, Sum

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory
from quotas.models import Profile, Quota
from sandbox.faults import set_faults
from sandbox.models import AppliedRequest, IdempotencyRecord
from sandbox.seed import ensure_account
from suppliers.cint import CintTransport
from sync.intents import request_change
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.sandbox import launch_target_groups
from sync.tests.sandbox import supplier_client as client_for

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT_ID = "1001"
TARGET_GROUPS = 10
CHANGES_PER_TARGET_GROUP = 20


@pytest.fixture
def sandbox(live_server, settings, monkeypatch):
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = ACCOUNT_ID
    settings.SANDBOX_JOB_SECONDS = 0
    # Short backoff, and enough tries that a change is not unlucky 12 times in a row.
    settings.SYNC_BACKOFF_BASE_SECONDS = 0.02
    settings.SYNC_BACKOFF_MAX_SECONDS = 0.5
    settings.SYNC_MAX_ATTEMPTS = 12
    monkeypatch.setattr(CintTransport, "backoff_seconds", 0.01)
    from django.core.cache import cache

    cache.clear()
    ensure_account(ACCOUNT_ID)
    set_faults(
        error_rate=0.0,
        rate_limit_rate=0.0,
        stale_etag_rate=0.0,
        lost_response_rate=0.0,
        latency_ms=0,
        retry_after_seconds=0,
    )
    connection = ConnectionFactory(account_id=ACCOUNT_ID)
    client = client_for(connection)
    launch_target_groups(client, TARGET_GROUPS, per_project=5)
    client.transport.session.close()  # no idle keep-alive connection left for the live server to trip on
    run = sync_connection(connection)
    assert run.error_count == 0, run.errors
    return connection


def ask_for_200_changes(connection):
    """20 changes per target group: toggle AGE, set a GENDER quota goal, set the filling goal."""
    changes = []
    for tg in TargetGroup.objects.filter(project__connection=connection).order_by("pk"):
        age = Profile.objects.get(target_group=tg, question_id=42)
        quota = Quota.objects.filter(profile__target_group=tg, profile__question_id=43).order_by("position").first()
        for i in range(CHANGES_PER_TARGET_GROUP):
            step = i % 4
            if step == 0:
                changes.append(request_change("disable_quotas", connection=connection, target_group=tg, profile=age))
            elif step == 1:
                changes.append(request_change("enable_quotas", connection=connection, target_group=tg, profile=age))
            elif step == 2:
                payload = {"goals": {quota.remote_id: 40 + i}}
                changes.append(
                    request_change("set_quota_goals", connection=connection, target_group=tg, payload=payload)
                )
            else:
                payload = {"filling_goal": 150 + i}
                changes.append(
                    request_change(
                        "set_target_group_filling_goal", connection=connection, target_group=tg, payload=payload
                    )
                )
    return changes


def wait_until_settled(changes, timeout=50):
    ids = [change.pk for change in changes]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not RemoteChange.objects.filter(pk__in=ids, state__in=["pending", "sending"]).exists():
            return
        time.sleep(0.2)
    unsettled = list(RemoteChange.objects.filter(pk__in=ids, state__in=["pending", "sending"]).values())
    raise AssertionError(f"{len(unsettled)} changes did not settle in {timeout} s: {unsettled[:3]}")


def mirrored_state(connection):
    tgs = TargetGroup.objects.filter(project__connection=connection)
    return {
        "filling_goals": dict(tgs.values_list("remote_id", "filling_goal")),
        "enabled": dict(Profile.objects.filter(target_group__in=tgs).values_list("remote_id", "quotas_enabled")),
        "goals": dict(Quota.objects.filter(profile__target_group__in=tgs).values_list("remote_id", "completes_goal")),
    }


def check_outcome(connection, changes):
    rows = list(RemoteChange.objects.filter(pk__in=[c.pk for c in changes]))
    assert len(rows) == TARGET_GROUPS * CHANGES_PER_TARGET_GROUP
    states = {row.state for row in rows}
    assert states <= {"applied", "conflict"}, [(r.kind, r.state, r.message) for r in rows if r.state == "failed"]
    assert all(row.message for row in rows if row.state == "conflict")

    # A change is applied at the supplier under its key exactly when the supplier answered it 2xx
    # (`applied` without a message), or when its answer was lost and the re-read before a re-send
    # found it done (`applied` with the verdict's words, no status). A 412 is only ever answered
    # before anything is applied, so a change settled after a 412 (`applied` because the re-read
    # found it already so, or `conflict`) has none. Each key is applied at most once.
    keys = [str(row.idempotency_key) for row in rows]
    log = AppliedRequest.objects.filter(idempotency_key__in=keys)
    applied_twice = log.values("idempotency_key").annotate(times=Count("id")).filter(times__gt=1)
    assert list(applied_twice) == []
    by_supplier = {str(row.idempotency_key) for row in rows if row.state == "applied" and not row.message}
    by_verdict = [row for row in rows if row.state == "applied" and row.message]
    after_412 = {str(row.idempotency_key) for row in by_verdict if row.response_status == 412}
    verified = {str(row.idempotency_key) for row in by_verdict if row.response_status is None}
    assert len(after_412) + len(verified) == len(by_verdict), [r.response_status for r in by_verdict]
    lost = set(log.filter(answer_lost=True).values_list("idempotency_key", flat=True))
    # A change the re-read found already so without its own write: only right after a change of the
    # same thing (the profile's switch, the goal) that was not applied: a conflict left the supplier
    # where this one asks. Changes of other things of the target group may come in between.
    previous = {}
    for row in sorted(rows, key=lambda row: row.pk):
        subject = (row.target_group_id, row.profile_id or row.kind)
        previous[str(row.idempotency_key)] = previous.get(subject)
        previous[subject] = row
    unexplained = [
        key for key in verified - lost if previous[key] is None or previous[key].state not in ("conflict", "failed")
    ]
    assert unexplained == [], "a change was taken for done by a re-read although the supplier never applied it"
    verified &= lost
    assert set(log.values_list("idempotency_key", flat=True)) == by_supplier | verified
    assert not after_412 & set(log.values_list("idempotency_key", flat=True))

    # Lost answers happened. None of these operations is de-duplicated by key in the contract, so
    # each lost answer was followed by a re-read, never by a second write.
    assert lost, "no answer was lost: the lost-response fault was not exercised"
    records = IdempotencyRecord.objects.filter(key__in=keys)
    replays = records.aggregate(total=Sum("replays"))["total"] or 0
    print(
        f"\n{len(by_supplier)} changes applied by the supplier, {len(verified)} found applied by the re-read "
        f"after a lost answer, {len(after_412)} by a re-read after a 412, "
        f"{len(rows) - len(by_supplier) - len(by_verdict)} conflicts; {len(lost)} answers lost, {replays} replays"
    )
    assert replays == 0
    assert lost <= by_supplier | verified

    # What the cockpit shows is what the supplier has.
    shown = mirrored_state(connection)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, lost_response_rate=0.0)
    for tg in TargetGroup.objects.filter(project__connection=connection):
        tg.synced_at = None  # read everything again
        tg.save(update_fields=["synced_at"])
    assert sync_connection(connection).error_count == 0
    assert mirrored_state(connection) == shown


def faulty_sandbox():
    set_faults(error_rate=0.2, rate_limit_rate=0.1, stale_etag_rate=0.1, lost_response_rate=0.1, retry_after_seconds=0)


def test_200_changes_through_a_faulty_sandbox_settle_and_apply_once_eagerly(sandbox):
    faulty_sandbox()

    changes = ask_for_200_changes(sandbox)

    wait_until_settled(changes, timeout=5)
    check_outcome(sandbox, changes)


def worker_broker_url(app_broker_url, cache_url="", runner=""):
    """The app's Redis server with a database of the test's own: the worker's queue is flushed
    before the run, and a worker of the app on the same broker must not take the test's tasks.
    Each pytest-xdist process (`runner`, "gw0", "gw1"...) takes another one, so two tests with a
    worker at the same time neither flush nor take each other's tasks."""
    parts = urlsplit(app_broker_url)
    taken = {_redis_db(app_broker_url)}
    if cache_url and urlsplit(cache_url)[:2] == parts[:2]:
        taken.add(_redis_db(cache_url))
    free = [n for n in range(15, 0, -1) if n not in taken]
    index = int(runner[2:]) if runner.startswith("gw") and runner[2:].isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{free[index % len(free)]}"))


def _redis_db(url):
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


@pytest.fixture
def celery_worker_on_redis(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("a worker thread beside the live server needs PostgreSQL (SQLite's shared test database locks)")
    app_broker = settings.CELERY_BROKER_URL
    if urlsplit(app_broker).scheme not in ("redis", "rediss"):
        pytest.skip(
            f"CELERY_BROKER_URL is {urlsplit(app_broker).scheme}://, not redis://: set it to a Redis URL "
            "(e.g. redis://127.0.0.1:6379/0) to run the outbox with a real Celery worker"
        )
    redis = pytest.importorskip("redis")
    cache = settings.CACHES["default"]
    cache_url = cache.get("LOCATION", "") if "redis" in cache.get("BACKEND", "").lower() else ""
    cache_url = cache_url if isinstance(cache_url, str) else ""
    broker = worker_broker_url(app_broker, cache_url, os.environ.get("PYTEST_XDIST_WORKER", ""))
    try:
        redis.Redis.from_url(broker, socket_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"the Redis of CELERY_BROKER_URL does not answer ({exc})")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=broker, broker_transport_options={}, task_always_eager=False)
    forget_broker_connections(app)
    redis.Redis.from_url(broker).flushdb()
    try:
        with start_worker(app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        app.conf.update(saved)
        forget_broker_connections(app)


def test_the_worker_gets_a_redis_database_of_its_own():
    assert worker_broker_url("redis://127.0.0.1:6379/14") == "redis://127.0.0.1:6379/15"
    assert worker_broker_url("redis://:pw@cache.internal:6380/15") == "redis://:pw@cache.internal:6380/14"
    assert worker_broker_url("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/14"
    assert worker_broker_url("redis://127.0.0.1:6379/15", "redis://other:6379/14") == "redis://127.0.0.1:6379/14"


def test_each_test_process_gives_its_worker_another_redis_database():
    assert worker_broker_url("redis://127.0.0.1:6379/14", runner="gw0") == "redis://127.0.0.1:6379/15"
    assert worker_broker_url("redis://127.0.0.1:6379/14", runner="gw1") == "redis://127.0.0.1:6379/13"
    assert worker_broker_url("redis://127.0.0.1:6379/14", "redis://127.0.0.1:6379/13", "gw1") == (
        "redis://127.0.0.1:6379/12"
    )


def forget_broker_connections(app):
    """Close the broker pools and drop the app's references, so the next call builds them for the current URL."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.redis
def test_200_changes_through_a_faulty_sandbox_settle_and_apply_once_with_a_celery_worker(
    sandbox, celery_worker_on_redis
):
    faulty_sandbox()

    changes = ask_for_200_changes(sandbox)

    wait_until_settled(changes, timeout=50)
    check_outcome(sandbox, changes)
