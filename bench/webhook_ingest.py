"""Quota fills made visible per second, end to end, against bare inserts of the same events per second.

Both measured in one run on the same database, in alternating rounds so whatever else the machine
does weighs on both alike:

* end to end: signed quota-fill CloudEvents handed to the cockpit's WSGI application as a web
  server hands them (signature check, parse, store once), then the applier run as the worker's
  task runs it, until every quota shows its newest fill. The two run one after the other in one
  process, so their work adds up as on a single core (a worker beside the web process only helps);
* bare inserts: the same events stored as `WebhookEvent` rows one by one with the ORM, payload
  included, and nothing else.

The account has live target groups of ten quotas each (two profiles of five); every round sends
fills of all its quotas with rising counts, stamped in order. The receiver's and the applier's own
rates are printed too. The last line says the ratio on each database, ok or FAIL against the goal
(visible fills ≥ 0.5 × bare inserts).

    python bench/webhook_ingest.py       # on SQLite, and on PostgreSQL too when DATABASE_URL is set
"""

import json
import os
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from _django import in_each_database, setup

TARGET_GROUPS = 20
QUOTAS_PER_PROFILE = 5
ROUNDS = 6
EVENTS_PER_ROUND = 400
GOAL = 0.5
SECRET = "FP7UPZpATKBcYJj4va95PYud+a3gCidRERiLO+9MoFE="
RESULTS = "WEBHOOK_BENCH_RESULTS"  # the file each database's run writes its ratio to


def setup_django():
    # The receiver hands the application to a worker: tasks are queued (in memory), not run in the request.
    # A long-lived server process keeps its database connection between requests (CONN_MAX_AGE).
    setup(CELERY_TASK_ALWAYS_EAGER="false", CELERY_BROKER_URL="memory://", CONN_MAX_AGE="60")


def make_account():
    """Live target groups of one connection, ten quotas each; returns (connection, [(tg, quota), …])."""
    from django.utils import timezone

    from projects.models import Project, SupplierConnection, TargetGroup
    from quotas.models import Profile, Quota

    connection, _ = SupplierConnection.objects.update_or_create(
        kind="cint", account_id="8001", defaults={"label": "Webhook bench", "webhook_secret": SECRET}
    )
    project, _ = Project.objects.get_or_create(connection=connection, remote_id="BENCH-PROJECT", defaults={"name": "P"})
    read_yesterday = timezone.now() - timedelta(days=1)
    quotas = []
    for t in range(TARGET_GROUPS):
        tg = TargetGroup.objects.create(
            project=project, remote_id=f"BENCH-TG-{t}", name=f"TG {t}", locale="eng_us", status="live"
        )
        for p in range(2):
            profile = Profile.objects.create(target_group=tg, remote_id=f"P{p}-{t}", question_id=p, name=f"Q{p}")
            for q in range(QUOTAS_PER_PROFILE):
                quota = Quota.objects.create(
                    profile=profile,
                    remote_id=f"Q{p}{q}-{t}",
                    text=str(q),
                    completes_goal=10_000,
                    synced_at=read_yesterday,
                )
                quotas.append((tg, quota))
    return connection, quotas


class Fills:
    """Quota-fill CloudEvents of the account, each quota's counts rising, stamped a millisecond apart
    (from an hour ago: the receiver takes no moment ahead of its clock)."""

    def __init__(self, quotas):
        from django.utils import timezone

        self.quotas = quotas
        self.start = timezone.now() - timedelta(hours=1)
        self.sent = 0
        self.latest = {}  # quota pk -> the completes of its newest fill

    def next(self, count):
        documents = []
        for _ in range(count):
            i = self.sent
            tg, quota = self.quotas[(i * 7) % len(self.quotas)]  # quotas of every target group, interleaved
            completes = i // len(self.quotas)
            moment = self.start + timedelta(milliseconds=i)
            documents.append(
                {
                    "specversion": "1.0",
                    "id": str(uuid.uuid4()),
                    "source": f"/demand/accounts/8001/projects/BENCH-PROJECT/target-groups/{tg.remote_id}",
                    "type": "com.cint.quota-fill.registered",
                    "subject": tg.remote_id,
                    "time": moment.isoformat().replace("+00:00", "Z"),
                    "datacontenttype": "application/json",
                    "data": {
                        "account_id": 8001,
                        "target_group_id": tg.remote_id,
                        "profile_quota_id": quota.remote_id,
                        "screens": 2 * completes + 1,
                        "prescreens": 2 * completes + 1,
                        "completes": completes,
                        "completes_goal": 10_000,
                    },
                }
            )
            self.latest[quota.pk] = completes
            self.sent += 1
        return documents


def deliver(connection, bodies):
    """Deliveries handed to the cockpit's WSGI application as a web server (gunicorn) hands them."""
    import io

    from django.urls import reverse

    from config.wsgi import application
    from suppliers.cint.webhooks import sign

    path = reverse("sync:webhook", args=["cint", connection.pk])
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    for body in bodies:
        raw = body.encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(raw),
            "CONTENT_TYPE": "application/cloudevents+json",
            "CONTENT_LENGTH": str(len(raw)),
            "HTTP_CINT_SIGNATURE": sign(SECRET, int(time.time()), raw),
        }
        b"".join(application(environ, start_response))
    assert set(statuses) == {"200 OK"}, set(statuses)


def apply_all():
    """The worker's task, run until no stored event waits."""
    from sync.models import WebhookEvent
    from sync.tasks import apply_webhook_events

    apply_webhook_events()
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()


def visible(fills):
    from quotas.models import Quota

    shown = dict(Quota.objects.filter(pk__in=fills.latest).values_list("pk", "completes"))
    return shown == fills.latest


def end_to_end(connection, documents, fills):
    """(Seconds the receiver took, seconds the applier then took until every fill was visible).

    One after the other in one process, as on one core: the receiver's work and the worker's add up."""
    bodies = [json.dumps(document, separators=(",", ":")) for document in documents]
    started = time.perf_counter()
    deliver(connection, bodies)
    received = time.perf_counter()
    apply_all()
    assert visible(fills), "a quota does not show its newest fill"
    return received - started, time.perf_counter() - received


def bare_inserts(connection, documents):
    """Seconds to store the same rows the receiver stores, payload included (read before the clock starts)."""
    from django.utils.dateparse import parse_datetime

    from suppliers.cint.webhooks import parse_event
    from suppliers.records import payload_to_json
    from sync.models import WebhookEvent

    copies = [{**document, "id": str(uuid.uuid4())} for document in documents]
    payloads = [payload_to_json(parse_event(json.dumps(document).encode()).payload) for document in copies]
    started = time.perf_counter()
    for document, payload in zip(copies, payloads, strict=True):
        WebhookEvent.objects.create(
            connection=connection,
            event_id=document["id"],
            type=document["type"],
            source=document["source"],
            subject=document["subject"],
            time=parse_datetime(document["time"]),
            data=document["data"],
            payload=payload,
        )
    elapsed = time.perf_counter() - started
    WebhookEvent.objects.filter(event_id__in=[copy["id"] for copy in copies]).delete()  # never applied
    return elapsed


def measure():
    setup_django()
    from django.db import connection as db

    connection, quotas = make_account()
    fills = Fills(quotas)
    end_to_end(connection, fills.next(100), fills)  # warm up: connection, url resolver, caches
    receive_s = apply_s = insert_s = 0.0
    for _ in range(ROUNDS):
        documents = fills.next(EVENTS_PER_ROUND)
        insert_s += bare_inserts(connection, documents)
        receiving, applying = end_to_end(connection, documents, fills)
        receive_s, apply_s = receive_s + receiving, apply_s + applying
    events = ROUNDS * EVENTS_PER_ROUND
    shown, inserted = events / (receive_s + apply_s), events / insert_s
    ratio = shown / inserted
    print(f"{db.vendor}: {events} quota fills of {len(quotas)} quotas in {TARGET_GROUPS} target groups")
    print(f"  the receiver (verify, check, store once): {events / receive_s:8.0f} events/s")
    print(f"  the applier, until every fill is visible: {events / apply_s:8.0f} events/s")
    print(f"  visible, end to end (the two together):   {shown:8.0f} fills/s")
    print(f"  bare inserts of the same events:          {inserted:8.0f} rows/s")
    print(f"  ratio visible / bare inserts:             {ratio:8.2f}", flush=True)
    if os.environ.get(RESULTS):
        with open(os.environ[RESULTS], "a") as results:
            results.write(f"{db.vendor} {ratio:.2f} {shown:.0f} {inserted:.0f}\n")


def report(path):
    parts = []
    for line in Path(path).read_text().splitlines():
        vendor, ratio, visible, inserted = line.split()
        verdict = "ok" if float(ratio) >= GOAL else "FAIL"
        parts.append(f"{vendor} {ratio} ({visible}/s visible, {inserted}/s inserted) {verdict}")
    print("fills: " + "; ".join(parts) + f" (goal: visible ≥ {GOAL} × bare inserts)")


if __name__ == "__main__":
    if not os.environ.get(RESULTS):
        os.environ[RESULTS] = str(Path(tempfile.mkdtemp(prefix="bench-")) / "fills.txt")
    if in_each_database(__file__, "cockpit_webhook_bench"):  # SQLite, and PostgreSQL when DATABASE_URL says so
        measure()
    else:
        report(os.environ[RESULTS])
