"""Webhook events ingested per second, against plain inserts of the same rows per second.

Both measured in one run on the same database: N signed quota-fill CloudEvents posted
to the receiver (signature check, parse, store once, apply to the quota), then the
same N `WebhookEvent` rows inserted one by one with the ORM. The ratio says what the
receiver costs on top of writing the row.

    python bench/webhook_ingest.py       # a temporary SQLite database
    DATABASE_URL=postgres://... python bench/webhook_ingest.py
"""

import json
import time
import uuid

from _django import setup

EVENTS = 2000
SECRET = "FP7UPZpATKBcYJj4va95PYud+a3gCidRERiLO+9MoFE="


def setup_django():
    setup()


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
                Quota.objects.create(profile=profile, remote_id=f"Q{p}{q}-{tg.remote_id}", text=str(q),
                                     completes_goal=1000, synced_at=timezone.now() - timezone.timedelta(days=1))
            )
    return connection, tg, quotas


def events(tg, quotas, count):
    for i in range(count):
        quota = quotas[i % len(quotas)]
        yield {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": f"/demand/accounts/8001/projects/{tg.project.remote_id}/target-groups/{tg.remote_id}",
            "type": "com.cint.quota-fill.registered",
            "subject": tg.remote_id,
            "time": "2099-01-01T00:00:00.000Z",
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
    from django.test import Client
    from django.urls import reverse

    from suppliers.cint.webhooks import sign

    client = Client()
    url = reverse("sync:webhook", args=["cint", connection.pk])
    started = time.perf_counter()
    for body in bodies:
        signature = sign(SECRET, int(time.time()), body)
        response = client.post(url, data=body, content_type="application/cloudevents+json",
                               headers={"Cint-Signature": signature})
        assert response.status_code == 200, response.content
    return len(bodies) / (time.perf_counter() - started)


def insert_rate(connection, documents):
    from django.utils.dateparse import parse_datetime

    from sync.models import WebhookEvent

    started = time.perf_counter()
    for document in documents:
        WebhookEvent.objects.create(
            connection=connection,
            event_id=document["id"],
            type=document["type"],
            source=document["source"],
            subject=document["subject"],
            time=parse_datetime(document["time"]),
            data=document["data"],
        )
    return len(documents) / (time.perf_counter() - started)


def main():
    setup_django()
    from sync.models import WebhookEvent

    connection, tg, quotas = make_target_group()
    documents = list(events(tg, quotas, EVENTS))
    bodies = [json.dumps(document, separators=(",", ":")) for document in documents]
    # Warm up (connection, templates, url resolver), then measure each on an empty table.
    ingest_rate(connection, [json.dumps(d, separators=(",", ":")) for d in events(tg, quotas, 50)])
    WebhookEvent.objects.filter(connection=connection).delete()
    ingested = ingest_rate(connection, bodies)
    assert WebhookEvent.objects.filter(connection=connection).count() == EVENTS
    WebhookEvent.objects.filter(connection=connection).delete()
    inserted = insert_rate(connection, documents)
    WebhookEvent.objects.filter(connection=connection).delete()
    print(f"events: {EVENTS} quota-fill CloudEvents")
    print(f"webhook ingest (verify + store once + apply): {ingested:8.0f} events/s")
    print(f"plain ORM inserts of the same rows:           {inserted:8.0f} rows/s")
    print(f"ratio ingest / insert: {ingested / inserted:.2f}")


if __name__ == "__main__":
    main()
