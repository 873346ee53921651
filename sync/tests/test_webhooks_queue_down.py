"""A webhook delivery is answered 2xx once its event is stored, whether or not the task queue takes the task
that applies it: the stuck-change sweep applies what is left."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import QuotaFactory
from sync.models import WebhookEvent

from .test_webhooks import SECRET, deliver, quota_fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection():
    return ConnectionFactory(webhook_id="01JPVZD75DW4KRP7MPFMF6KGZX", webhook_secret=SECRET)


@pytest.fixture
def tg(connection):
    return TargetGroupFactory(project__connection=connection, filling_goal=500)


def fill(tg, quota, *, completes, screens, seconds_ago):
    """A quota fill that happened `seconds_ago`."""
    event = quota_fill(tg, quota.remote_id, completes=completes, screens=screens)
    event["time"] = (timezone.now() - timedelta(seconds=seconds_ago)).isoformat()
    return event


def forget_broker_connections(app):
    """Close the broker pools and drop the app's references, so the next task builds them for the current URL."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def queue_without_folders(tmp_path):
    """Tasks go to a filesystem broker whose folders are missing (a fresh clone before anything made
    them): publishing a task fails as it does there."""
    from config.celery import app

    missing = tmp_path / "broker-never-made"
    folders = {
        "data_folder_in": str(missing / "out"),
        "data_folder_out": str(missing / "out"),
        "processed_folder": str(missing / "processed"),
        "control_folder": str(missing / "control"),
    }
    # Celery copies the broker's URL to its read and write URLs when it is configured: all three move.
    keys = ("broker_url", "broker_read_url", "broker_write_url", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    broker = "filesystem://localhost/"
    app.conf.update(
        broker_url=broker,
        broker_read_url=broker,
        broker_write_url=broker,
        broker_transport_options=folders,
        task_always_eager=False,
    )
    forget_broker_connections(app)
    cache.clear()  # no apply task "already on its way" from an earlier test
    try:
        yield
    finally:
        app.conf.update(saved)
        forget_broker_connections(app)


def test_a_fill_is_answered_200_and_stored_when_the_queue_cannot_take_the_apply_task(client, connection, tg, tmp_path):
    quota = QuotaFactory(profile__target_group=tg, completes=10, prescreens=20)

    with queue_without_folders(tmp_path):
        response = deliver(client, connection, fill(tg, quota, completes=73, screens=113, seconds_ago=2))

    assert response.status_code == 200
    assert response.json()["received"] is True
    event = WebhookEvent.objects.get()
    assert event.processed_at is None  # stored, waiting to be applied


def test_the_sweep_applies_a_fill_stored_while_the_queue_was_down(client, connection, tg, tmp_path):
    from sync.tasks import recover_stuck_changes

    quota = QuotaFactory(profile__target_group=tg, completes=10, prescreens=20)
    with queue_without_folders(tmp_path):
        deliver(client, connection, fill(tg, quota, completes=73, screens=113, seconds_ago=2))
        # the next delivery tries the queue again (and is answered the same way)
        second = deliver(client, connection, fill(tg, quota, completes=74, screens=115, seconds_ago=1))
    assert second.status_code == 200

    recover_stuck_changes()  # the beat's sweep, once the queue takes tasks again

    quota.refresh_from_db()
    assert (quota.completes, quota.prescreens) == (74, 115)
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
