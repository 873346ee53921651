"""A steady Cint sync of a large account, spread over 1 and over 4 Celery workers, against its floor.

The sandbox holds ACCOUNT target groups (live, TGS_PER_PROJECT to a project) and answers over HTTP from a
server of its own (gunicorn) with LATENCY_MS added to every request. The cockpit has them all as a steady
state leaves them: listed, and each read in full at some moment of the last period, spread evenly. Then
the beat's sync task is sent once to 1, then to 4, worker processes (`celery worker`, one task at a time
each), and the run is timed from its start to its end as the database recorded them.

The floor is what the supplier must be asked at least: every list page (projects, then each project's
target groups) plus the periodic full reads at their even rate (the target groups × the time since the
previous sync over the period, 4 requests each: details, overview, profiles, fielding runs). The last
line (`sync:`) gives the times and the ratio of requests to the floor, with ok or FAIL against the goals:
within 60 s with 4 workers, and at most 1.05 × the floor.

    python bench/sync_spread.py [--target-groups 20000] [--latency-ms 100]
    DATABASE_URL=postgres://... python bench/sync_spread.py   # SQLite, then PostgreSQL
"""

import argparse
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _django import ROOT, in_each_database

TGS_PER_PROJECT = 10
BEAT_SECONDS = 60
REQUESTS_PER_FULL_READ = 4
GOAL_SECONDS, GOAL_RATIO = 60.0, 1.05
STRIDE = 7919  # a prime: index × STRIDE mod N visits every offset once when N is not its multiple


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def broker():
    """Redis (CELERY_BROKER_URL, or the local one on its own database) when there is one: the filesystem
    broker's workers look for tasks once a second, which would be counted in the sync's time."""
    given = os.environ.get("BENCH_BROKER_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if given.startswith("redis"):
        return given
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) == 0:
            return "redis://127.0.0.1:6379/13"
    return "filesystem://localhost/"


def environment(port, scratch):
    site = f"http://127.0.0.1:{port}"
    return {
        "SITE_URL": site,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CINT_BASE_URL": f"{site}/sandbox/cint/v1",
        "CINT_AUTH_URL": f"{site}/sandbox/cint/oauth/token",
        "SANDBOX_ENABLED": "true",
        "SANDBOX_JOB_SECONDS": "0",
        "SANDBOX_ERROR_RATE": "0",
        "SANDBOX_RATE_LIMIT_RATE": "0",
        "SANDBOX_STALE_ETAG_RATE": "0",
        "SANDBOX_LOST_RESPONSE_RATE": "0",
        "SANDBOX_LATENCY_MS": "0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": broker(),
        # The workers share the cache: the supplier's token, and its 429 pauses.
        "CACHE_URL": f"filecache://{scratch}/cache",
        "LOG_LEVEL": "ERROR",
        "DEBUG": "false",
    }


def make_account(size):
    """The sandbox's account and the cockpit's mirror of it, in bulk; returns the connection."""
    from django.utils import timezone

    from projects.inprocess import in_process_session
    from projects.models import SupplierConnection
    from projects.models import TargetGroup as Mirror
    from sandbox.models import BusinessUnit
    from sandbox.models import Project as SandboxProject
    from sandbox.models import TargetGroup as SandboxTargetGroup
    from sandbox.seed import ensure_account
    from sync.adapters import adapter_for
    from sync.lists import list_projects, list_target_groups
    from sync.models import SyncRun
    from sync.upsert import Tally

    account = ensure_account(9100)
    unit = BusinessUnit.objects.filter(account=account).first()
    manager = account.users.first().pk
    now = timezone.now()
    projects = [
        SandboxProject(
            account=account, human_readable_id=f"P{n:05}", name=f"Tracker {n:05}", project_manager_id=manager
        )
        for n in range(math.ceil(size / TGS_PER_PROJECT))
    ]
    SandboxProject.objects.bulk_create(projects, batch_size=500)
    SandboxTargetGroup.objects.bulk_create(
        (
            SandboxTargetGroup(
                project=projects[n // TGS_PER_PROJECT], human_readable_id=f"T{n:06}", name=f"Wave {n:06}",
                status="live", business_unit=unit, locale="eng_us", project_manager_id=manager,
                start_at=now - timedelta(days=1), end_at=now + timedelta(days=6), filling_goal=500,
            )
            for n in range(size)
        ),
        batch_size=1000,
    )  # fmt: skip
    connection, _ = SupplierConnection.objects.get_or_create(kind="cint", account_id=str(account.pk))
    # The cockpit lists them once (in-process, no latency), as its first sync would.
    adapter = adapter_for(connection, session=in_process_session())
    run = SyncRun.objects.create(connection=connection, finished_at=now)
    mirrored = list_projects(adapter, connection, run, Tally())
    list_target_groups(adapter, mirrored, run, Tally())
    adapter.close()
    assert Mirror.objects.filter(project__connection=connection).count() == size, "the lists did not mirror all"
    return connection


def steady_state(connection, period):
    """Each target group read in full at some moment of the period that ended a beat ago, evenly spaced (as
    the even spread leaves them); the previous sync began a beat ago."""
    from django.db import transaction
    from django.utils import timezone

    from projects.models import TargetGroup
    from sync.models import SyncRun

    now = timezone.now()
    tgs = list(TargetGroup.objects.filter(project__connection=connection).order_by("pk").values_list("pk", flat=True))
    step = period / len(tgs)
    for start in range(0, len(tgs), 2000):
        chunk = tgs[start : start + 2000]
        with transaction.atomic():
            for index, pk in enumerate(chunk, start):
                # Spread over every part of the sync alike (as each part's own share leaves them).
                offset = (index * STRIDE) % len(tgs)
                moment = now - timedelta(seconds=BEAT_SECONDS + period - offset * step)
                TargetGroup.objects.filter(pk=pk).update(synced_at=moment)
    now = timezone.now()  # the writes above took a while: the previous sync began a beat before the next one
    SyncRun.objects.filter(connection=connection).update(
        started_at=now - timedelta(seconds=BEAT_SECONDS), finished_at=now - timedelta(seconds=BEAT_SECONDS - 1)
    )


def floor(connection, period):
    from sandbox.models import Project as SandboxProject

    projects = SandboxProject.objects.filter(account_id=int(connection.account_id)).count()
    list_pages = math.ceil(projects / 100) + projects  # each project's target groups fit one page
    full_reads = math.ceil(projects * TGS_PER_PROJECT * BEAT_SECONDS / period)
    return list_pages + full_reads * REQUESTS_PER_FULL_READ, list_pages, full_reads


def start(command, env, log):
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the sandbox server did not start on port {port}")


def one_sync(connection, workers, env, scratch, period):
    """Send the beat's sync task to `workers` worker processes; (seconds, requests, run)."""
    from sync.models import SyncRun
    from sync.tasks import sync_connection

    logs = [open(scratch / f"worker{n}.log", "w") for n in range(workers)]  # noqa: SIM115
    processes = [
        start(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
             f"--hostname=bench{n}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=WARNING"],
            env, logs[n],
        )
        for n in range(workers)
    ]  # fmt: skip
    try:
        time.sleep(6)  # the workers start
        steady_state(connection, period)
        before = set(SyncRun.objects.filter(connection=connection).values_list("pk", flat=True))
        sync_connection.delay(connection.pk)
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            run = SyncRun.objects.filter(connection=connection).exclude(pk__in=before).first()
            if run is not None and run.finished_at is not None:
                return (run.finished_at - run.started_at).total_seconds(), run.requests_made, run
            time.sleep(0.5)
        raise RuntimeError("the sync did not end within 15 minutes; see the worker logs in " + str(scratch))
    finally:
        for process in processes:
            stop(process)
        for log in logs:
            log.close()


def measure(size, latency_ms, counts=(1, 4)):
    scratch = Path(tempfile.mkdtemp(prefix="bench-spread-"))
    for folder in ("broker/out", "broker/processed", "broker/control", "cache"):
        (scratch / folder).mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, **environment(port, scratch)}
    from _django import setup

    setup(**environment(port, scratch))
    from django.conf import settings

    from config.celery import app

    app.control.purge()  # nothing left over from an earlier run
    print(f"broker {settings.CELERY_BROKER_URL}", flush=True)

    from sandbox.faults import set_faults

    period = settings.SYNC_FULL_READ_EVERY_SECONDS
    started = time.perf_counter()
    connection = make_account(size)
    print(f"{size} target groups in {size // TGS_PER_PROJECT} projects made in {time.perf_counter() - started:.0f} s")
    least, list_pages, full_reads = floor(connection, period)
    print(f"floor: {list_pages} list pages + {full_reads} full reads × {REQUESTS_PER_FULL_READ} = {least} requests")
    server_log = open(scratch / "server.log", "w")  # noqa: SIM115
    server = start(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "4",
         "--threads", "16", "--worker-class", "gthread"],
        env, server_log,
    )  # fmt: skip
    results = {}
    try:
        wait_for_port(port)
        set_faults(latency_ms=latency_ms)
        for workers in counts:
            seconds, requests, run = one_sync(connection, workers, env, scratch, period)
            assert run.error_count == 0, run.errors[:3]
            results[workers] = (seconds, requests)
            print(
                f"{workers} worker(s): {seconds:6.1f} s, {requests} requests ({requests / least:.3f} × floor), "
                f"{run.parts_total} parts, {run.target_groups_unchanged} unchanged",
                flush=True,
            )
    finally:
        stop(server)
        server_log.close()
    return results, least


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-groups", type=int, default=20_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--only-workers", type=int, help="measure with this many workers only (no verdict line)")
    args = parser.parse_args()
    if args.only_workers:
        measure(args.target_groups, args.latency_ms, counts=(args.only_workers,))
        return
    results, least = measure(args.target_groups, args.latency_ms)
    one, four = results[1], results[4]
    ratio = max(one[1], four[1]) / least
    print(
        f"sync: {args.target_groups} target groups at {args.latency_ms} ms a request: 1 worker {one[0]:.0f} s, "
        f"4 workers {four[0]:.0f} s {'ok' if four[0] <= GOAL_SECONDS else 'FAIL'} (goal ≤ {GOAL_SECONDS:.0f} s); "
        f"requests {ratio:.3f} × floor {'ok' if ratio <= GOAL_RATIO else 'FAIL'} (goal ≤ {GOAL_RATIO})"
    )


if __name__ == "__main__":
    if in_each_database(__file__, "sync_spread_bench"):
        main()
