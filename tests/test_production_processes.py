"""The production processes (gunicorn, a Celery worker, Celery beat) on PostgreSQL and Redis carry a PM's
change from the web to the supplier and back.

The supplier here is the sandbox, served by the same gunicorn; everything else is as in
`Procfile.production`: separate processes, the Redis broker, the database scheduler.
"""

import importlib
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
from django.apps import apps as django_apps
from django.conf import global_settings
from django.conf import settings as django_settings

from projects.models import SupplierConnection
from quotas.models import Profile
from sandbox.faults import set_faults
from sandbox.seed import ensure_account
from sync.adapters import adapter_for
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.sandbox import launch_target_groups
from tests.processes import Processes, wait_for

ACCOUNT_ID = "6101"
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def beat_schedule(transactional_db):
    """The schedule the migrations made, back after an earlier transactional test emptied the database."""
    for migration in ("0002_beat_schedule", "0004_recovery_every_ten_seconds"):
        module = importlib.import_module(f"sync.migrations.{migration}")
        (step,) = module.Migration.operations
        step.code(django_apps, None)


@pytest.fixture
def production(settings, tmp_path, beat_schedule):
    if not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the production processes run on PostgreSQL (set DATABASE_URL)")
    broker = settings.CELERY_BROKER_URL
    if urlsplit(broker).scheme not in ("redis", "rediss"):
        pytest.skip("the production processes run on Redis (set CELERY_BROKER_URL to a redis:// URL)")
    import redis

    own_broker = urlunsplit(urlsplit(broker)._replace(path="/13"))
    try:
        redis.Redis.from_url(own_broker, socket_timeout=2).flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer ({exc})")
    # The processes check the PM's password with the production hashers, so it is stored with one of them.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    processes = Processes(database_url=database_url(), broker_url=own_broker, log_dir=tmp_path, account_id=ACCOUNT_ID)
    settings.CINT_BASE_URL = processes.env["CINT_BASE_URL"]
    settings.CINT_AUTH_URL = processes.env["CINT_AUTH_URL"]
    settings.SANDBOX_JOB_SECONDS = 0
    processes.start_all()
    try:
        yield processes
    finally:
        processes.stop_all()


def database_url():
    db = django_settings.DATABASES["default"]
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def log_in(site, username, password):
    session = requests.Session()
    session.get(site + "/login/", timeout=10)
    answer = session.post(
        site + "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": site + "/login/"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.url.rstrip("/") == site, "the PM could not log in"
    return session


def test_a_change_goes_from_the_web_to_the_supplier_and_back_through_the_production_processes(production, pm):
    site = production.site
    ensure_account(ACCOUNT_ID)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, lost_response_rate=0.0, latency_ms=0)
    connection = SupplierConnection.objects.create(kind="cint", account_id=ACCOUNT_ID, label="Cint (production test)")
    adapter = adapter_for(connection)
    ((project_id, tg_id),) = launch_target_groups(adapter.client, 1)
    assert sync_connection(connection, adapter=adapter).error_count == 0
    age = Profile.objects.get(target_group__remote_id=tg_id, question_id=42)
    assert age.quotas_enabled

    session = log_in(site, "pm", "pw-pm")
    answer = session.post(
        f"{site}/target-groups/{age.target_group_id}/profiles/{age.pk}/quotas/",
        data={"enabled": "off", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": site + "/"},
        timeout=10,
    )
    assert answer.status_code == 200  # the redirect to the page, with "sent to the supplier"

    change = RemoteChange.objects.get(profile=age)
    wait_for(lambda: RemoteChange.objects.get(pk=change.pk).is_settled, 40, "the worker to settle the change")
    change.refresh_from_db()
    assert change.state == RemoteChange.State.APPLIED, change.message
    remote = adapter.client.get_profile(project_id, tg_id, age.remote_id).data
    assert remote["quotas_enabled"] is False  # at the supplier
    age.refresh_from_db()
    assert age.quotas_enabled is False  # and back in the cockpit
    # Beat sends the stuck-change sweep every 10 seconds, from the database schedule, and the worker runs it.
    wait_for(lambda: "Sending due task Recover stuck outbox changes" in production.log_text("beat"), 30, "beat")
    wait_for(lambda: "sync.tasks.recover_stuck_changes" in production.log_text("worker"), 30, "the sweep to run")
    assert all(process.poll() is None for process in production.running.values())
