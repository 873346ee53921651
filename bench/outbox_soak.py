"""The outbox under load and a crash: N changes against a faulty sandbox, one worker killed (-9) mid-run.

Starts the production processes (gunicorn serving the cockpit and the sandbox, a Celery
worker, Celery beat) on a database of its own — PostgreSQL and Redis when DATABASE_URL and
CELERY_BROKER_URL point at them, else SQLite and the filesystem broker — launches a few
target groups at the sandbox, turns its faults on (5xx 20 %, 429 10 %, stale ETag 10 %,
answers lost after applying 10 %), records N quota changes (toggles, quota goals, filling
goals), kills the worker with SIGKILL after a while, restarts it, and waits until every
change settles. It prints what a PM would see against what the supplier holds:

* misreported: shown failed although the supplier applied it;
* doubled: applied twice by the supplier (the same idempotency key in its log twice);
* lost: never settled;
* deadlocks: reported by PostgreSQL for the run's database, and in the processes' logs;
* resumed: the longest time from the worker's restart to the first send of each queue
  that was waiting (the floor is the worker's own start-up).

    python bench/outbox_soak.py                     # N=700
    python bench/outbox_soak.py --changes 200 --kill-after 15 --down 10
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _django import drop_postgres, throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNT_ID = "6201"
TARGET_GROUPS = 4
FAULTS = {"error_rate": 0.2, "rate_limit_rate": 0.1, "stale_etag_rate": 0.1, "lost_response_rate": 0.1}
OUTBOX = {"SYNC_BACKOFF_BASE_SECONDS": "0.2", "SYNC_BACKOFF_MAX_SECONDS": "4", "SYNC_MAX_ATTEMPTS": "12"}


def databases():
    """(DATABASE_URL, CELERY_BROKER_URL) of the run's own: a new PostgreSQL database, or SQLite."""
    url, broker = os.environ.get("DATABASE_URL", ""), os.environ.get("CELERY_BROKER_URL", "")
    folder = Path(tempfile.mkdtemp(prefix="outbox-soak-"))
    url = throwaway_postgres(url, "cockpit_soak") if url.startswith("postgres") else f"sqlite:///{folder}/soak.sqlite3"
    if broker.startswith("redis"):
        import redis

        broker = urlunsplit(urlsplit(broker)._replace(path="/11"))
        redis.Redis.from_url(broker).flushdb()
    else:  # the settings keep the filesystem broker's folders under var/
        for sub in ("out", "processed", "control"):
            (ROOT / "var" / "broker" / sub).mkdir(parents=True, exist_ok=True)
        broker = "filesystem://"
    return url, broker, folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=700)
    parser.add_argument("--kill-after", type=float, default=20.0, help="seconds after the changes are recorded")
    parser.add_argument("--down", type=float, default=10.0, help="seconds the worker stays dead")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()

    database_url, broker_url, folder = databases()
    os.environ.update(DATABASE_URL=database_url, CELERY_BROKER_URL=broker_url, **OUTBOX)
    from tests.processes import Processes

    processes = Processes(
        database_url=database_url,
        broker_url=broker_url,
        log_dir=folder,
        account_id=ACCOUNT_ID,
        extra=OUTBOX,
        web_workers=4,
        concurrency=4,
    )
    os.environ.update(
        SITE_URL=processes.site,
        CINT_BASE_URL=processes.env["CINT_BASE_URL"],
        CINT_AUTH_URL=processes.env["CINT_AUTH_URL"],
        SANDBOX_JOB_SECONDS="0",
        CELERY_TASK_ALWAYS_EAGER="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    processes.start_all()
    try:
        report = soak(processes, args)
    finally:
        processes.stop_all()
    report["deadlocks in the logs"] = sum(
        processes.log_text(name).count("deadlock detected") for name in processes.commands
    )
    print_report(report, database_url, broker_url, args)
    if database_url.startswith("postgres"):
        from django.db import connections

        connections.close_all()
        drop_postgres(database_url)


def soak(processes, args):
    from django.db.models import Count

    from projects.models import SupplierConnection, TargetGroup
    from quotas.models import Profile, Quota
    from sandbox.faults import set_faults
    from sandbox.models import AppliedRequest
    from sandbox.seed import ensure_account
    from sync.adapters import adapter_for
    from sync.intents import request_change
    from sync.models import RemoteChange
    from sync.pull import sync_connection
    from sync.tests.sandbox import launch_target_groups

    ensure_account(ACCOUNT_ID)
    set_faults(error_rate=0, rate_limit_rate=0, stale_etag_rate=0, lost_response_rate=0, latency_ms=0)
    connection = SupplierConnection.objects.create(kind="cint", account_id=ACCOUNT_ID, label="Soak")
    adapter = adapter_for(connection)
    launch_target_groups(adapter.client, TARGET_GROUPS, per_project=TARGET_GROUPS)
    assert sync_connection(connection, adapter=adapter).error_count == 0
    deadlocks_before = pg_deadlocks()
    set_faults(retry_after_seconds=1, **FAULTS)

    tgs = list(TargetGroup.objects.filter(project__connection=connection).order_by("pk"))
    started = time.monotonic()
    changes = []
    for number in range(args.changes):
        tg = tgs[number % len(tgs)]
        step = (number // len(tgs)) % 4
        age = Profile.objects.get(target_group=tg, question_id=42)
        if step in (0, 1):
            changes.append(
                request_change(
                    "disable_quotas" if step == 0 else "enable_quotas",
                    connection=connection,
                    target_group=tg,
                    profile=age,
                )
            )
        elif step == 2:
            quota = Quota.objects.filter(profile__target_group=tg, profile__question_id=43).order_by("position").first()
            changes.append(
                request_change(
                    "set_quota_goals",
                    connection=connection,
                    target_group=tg,
                    payload={"goals": {quota.remote_id: 40 + number}},
                )
            )
        else:
            changes.append(
                request_change(
                    "set_target_group_filling_goal",
                    connection=connection,
                    target_group=tg,
                    payload={"filling_goal": 150 + number},
                )
            )
    ids = [change.pk for change in changes]
    recorded_in = time.monotonic() - started

    time.sleep(args.kill_after)
    settled_at_kill = RemoteChange.objects.filter(pk__in=ids, state__in=RemoteChange.SETTLED_STATES).count()
    processes.kill("worker")
    time.sleep(args.down)
    from django.utils import timezone

    waiting = set(
        RemoteChange.objects.filter(pk__in=ids, state__in=["pending", "sending"]).values_list(
            "target_group_id", flat=True
        )
    )
    restarted_at = timezone.now()
    ready_before = processes.log_text("worker").count(" ready.")
    processes.start("worker")
    while processes.log_text("worker").count(" ready.") == ready_before and time.monotonic() < started + args.timeout:
        time.sleep(0.1)
    ready_after = (timezone.now() - restarted_at).total_seconds()

    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if not RemoteChange.objects.filter(pk__in=ids, state__in=["pending", "sending"]).exists():
            break
        time.sleep(1)
    settle_seconds = time.monotonic() - started

    rows = list(RemoteChange.objects.filter(pk__in=ids))
    keys = {str(row.idempotency_key): row for row in rows}
    log = AppliedRequest.objects.filter(idempotency_key__in=list(keys))
    applied_keys = set(log.values_list("idempotency_key", flat=True))
    doubled = log.values("idempotency_key").annotate(times=Count("id")).filter(times__gt=1).count()
    resumed = []
    for tg_id in waiting:
        first = (
            RemoteChange.objects.filter(pk__in=ids, target_group_id=tg_id, sent_at__gte=restarted_at)
            .order_by("sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        if first is not None:
            resumed.append((first - restarted_at).total_seconds())
    states = {state: sum(1 for row in rows if row.state == state) for state in ("applied", "conflict", "failed")}
    return {
        "changes": len(rows),
        "recorded in (s)": f"{recorded_in:.1f}",
        "settled when the worker was killed": settled_at_kill,
        **states,
        "misreported (failed, but the supplier holds it)": sum(
            1 for key, row in keys.items() if row.state == "failed" and key in applied_keys
        ),
        "doubled (applied twice by the supplier)": doubled,
        "lost (never settled)": sum(1 for row in rows if not row.is_settled),
        "answers lost by the sandbox": log.filter(answer_lost=True).count(),
        "deadlocks (PostgreSQL)": (pg_deadlocks() - deadlocks_before) if deadlocks_before is not None else "n/a",
        "queues waiting at the restart": len(waiting),
        "worker ready after its restart (s)": f"{ready_after:.1f}",
        "slowest queue resumed after the restart (s)": f"{max(resumed):.1f}" if resumed else "n/a",
        "... after the worker was ready (s)": f"{max(resumed) - ready_after:.1f}" if resumed else "n/a",
        "time to settle everything (s)": f"{settle_seconds:.0f}",
    }


def pg_deadlocks():
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def print_report(report, database_url, broker_url, args):
    print(
        f"database {urlsplit(database_url).scheme}, broker {urlsplit(broker_url).scheme}; "
        f"faults {FAULTS}; worker killed {args.kill_after:g} s in, down {args.down:g} s"
    )
    width = max(len(name) for name in report)
    for name, value in report.items():
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
