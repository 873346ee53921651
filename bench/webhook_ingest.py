"""Webhook events received per second, against plain inserts of the same rows per second.

Both measured in one run on the same database: N signed quota-fill CloudEvents posted
to the receiver (signature check, parse and check, store once; the fills are applied in
batches by a task, as a worker does), then the same N `WebhookEvent` rows inserted one
by one with the ORM. The ratio says what the receiver costs on top of writing the row.
The batched application is timed too (events applied per second).

    python bench/webhook_ingest.py       # on SQLite, and on PostgreSQL too when DATABASE_URL is set
"""

import json
import time
import uuid

from _django import in_each_database, setup

EVENTS = 2000
SECRET = "FP7UPZpATKBcYJj4va95PYud+a3gCidRERiLO+9MoFE="


def setup_django():
    # The receiver hands the application to a worker: tasks are queued (in memory), not run in the request.
    # A long-lived server process keeps its database connection between requests (CONN_MAX_AGE).
    setup(CELERY_TASK_ALWAYS_EAGER="false", CELERY_BROKER_URL="memory://", CONN_MAX_AGE="60")


def make_target_group():
    from django.utils import timezone

    from projects.models import Project, SupplierConnection, TargetGroup
    from quotas.models import Profile, Quota

    connection, _ = SupplierConnection.objects.update_or_create(
        kind="cint", account_id="8001", defaults={"label": "Webhook bench", "webhook_secret": SECRET}
    )
    project, _ = Project.objects.get_or_create(connection=connection, remote_id="BENCH-PROJECT", defaults={"name": "P"})
    tg, _ = TargetGroup.objects.get_or_create(
        project=project, remote_id=f"BENCH-TG-{uuid.uuid4().hex[:8]}", defaults={"name": "TG", "locale": "eng_us"}
    )
    quotas = []
    for p in range(2):
        profile = Profile.objects.create(target_group=tg, remote_id=f"P{p}-{tg.remote_id}", question_id=p, name=f"Q{p}")
        for q in range(5):
            quotas.append(
                Quota.objects.create(
                    profile=profile,
                    remote_id=f"Q{p}{q}-{tg.remote_id}",
                    text=str(q),
                    completes_goal=1000,
                    synced_at=timezone.now() - timezone.timedelta(days=1),
                )
            )
    return connection, tg, quotas


def events(tg, quotas, count):
    from django.utils import timezone

    now = timezone.now().isoformat().replace("+00:00", "Z")  # the receiver refuses moments ahead of its clock
    for i in range(count):
        quota = quotas[i % len(quotas)]
        yield {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": f"/demand/accounts/8001/projects/{tg.project.remote_id}/target-groups/{tg.remote_id}",
            "type": "com.cint.quota-fill.registered",
            "subject": tg.remote_id,
            "time": now,
            "datacontenttype": "application/json",
            "data": {
                "account_id": 8001,
                "target_group_id": tg.remote_id,
                "profile_quota_id": quota.remote_id,
                "screens": i,
                "prescreens": i,
                "completes": i // 2,
                "completes_goal": 1000,
            },
        }


def ingest_rate(connection, bodies):
    """Deliveries handed to the cockpit's WSGI application as a web server (gunicorn) hands them."""
    import io

    from django.urls import reverse

    from config.wsgi import application
    from suppliers.cint.webhooks import sign

    path = reverse("sync:webhook", args=["cint", connection.pk])
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    started = time.perf_counter()
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
    elapsed = time.perf_counter() - started
    assert set(statuses) == {"200 OK"}, set(statuses)
    return len(bodies) / elapsed


def insert_rate(connection, documents):
    """The same rows the receiver stores, payload included (read before the clock starts)."""
    from django.utils.dateparse import parse_datetime

    from suppliers.cint.webhooks import parse_event
    from suppliers.records import payload_to_json
    from sync.models import WebhookEvent

    payloads = [payload_to_json(parse_event(json.dumps(document).encode()).payload) for document in documents]
    started = time.perf_counter()
    for document, payload in zip(documents, payloads, strict=True):
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
    return len(documents) / (time.perf_counter() - started)


def apply_rate():
    from sync.models import WebhookEvent
    from sync.webhooks import apply_pending

    waiting = WebhookEvent.objects.filter(processed_at__isnull=True).count()
    started = time.perf_counter()
    while apply_pending():
        pass
    return waiting / (time.perf_counter() - started)


def measure():
    setup_django()
    from django.db import connection as db

    from quotas.models import Quota
    from sync.models import WebhookEvent

    connection, tg, quotas = make_target_group()
    documents = list(events(tg, quotas, EVENTS))
    bodies = [json.dumps(document, separators=(",", ":")) for document in documents]
    # Warm up (connection, templates, url resolver), then measure each on an empty table.
    ingest_rate(connection, [json.dumps(d, separators=(",", ":")) for d in events(tg, quotas, 50)])
    apply_rate()
    WebhookEvent.objects.filter(connection=connection).delete()
    # Rounds taken in turns, so whatever else the machine does weighs on both alike.
    received_s = inserted_s = 0.0
    rounds = 10
    chunk = EVENTS // rounds
    copies = [{**document, "id": str(uuid.uuid4())} for document in documents]
    for i in range(rounds):
        part = slice(i * chunk, (i + 1) * chunk)
        received_s += chunk / ingest_rate(connection, bodies[part])
        inserted_s += chunk / insert_rate(connection, copies[part])
    ingested, inserted = EVENTS / received_s, EVENTS / inserted_s
    WebhookEvent.objects.filter(event_id__in=[copy["id"] for copy in copies]).delete()
    assert WebhookEvent.objects.filter(connection=connection, processed_at__isnull=True).count() == EVENTS
    applied = apply_rate()
    last = documents[-1]["data"]
    assert Quota.objects.get(remote_id=last["profile_quota_id"]).completes == last["completes"]  # the newest won
    WebhookEvent.objects.filter(connection=connection).delete()
    print(f"{db.vendor}: {EVENTS} quota-fill CloudEvents")
    print(f"  received (verify + check + store once): {ingested:8.0f} events/s")
    print(f"  plain ORM inserts of the same rows:     {inserted:8.0f} rows/s")
    print(f"  ratio received / inserted:              {ingested / inserted:8.2f}")
    print(f"  applied afterwards, in batches:         {applied:8.0f} events/s")


if __name__ == "__main__":
    if in_each_database(__file__, "cockpit_webhook_bench"):  # SQLite, and PostgreSQL when DATABASE_URL says so
        measure()
