"""One page, one truth: the target group's completes move with its quota fills, and "last synced"
is the last successful read of the target group (its list row included)."""

from datetime import timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from sync.pull import sync_connection
from sync.tests.test_webhooks import SECRET, deliver, quota_fill
from sync.tests.wire import FakeCint, profiles_payload, regular_profile, wire  # noqa: F401
from sync.webhooks import apply_pending

pytestmark = pytest.mark.django_db


def header(client, tg):
    return client.get(reverse("quotas:header", args=[tg.pk]), HTTP_HX_REQUEST="true").content.decode()


def test_the_header_completes_move_with_the_quota_fills_webhooks_bring(client, pm_client):
    connection = ConnectionFactory(webhook_id="01JPVZD75DW4KRP7MPFMF6KGZX", webhook_secret=SECRET)
    tg = TargetGroupFactory(project__connection=connection, filling_goal=400, current_completes=113)
    gender = ProfileFactory(target_group=tg, name="GENDER")
    QuotaFactory(profile=gender, text="Male", completes_goal=200, completes=60)
    female = QuotaFactory(profile=gender, text="Female", completes_goal=200, completes=53)

    assert deliver(client, connection, quota_fill(tg, female.remote_id, completes=82, screens=300)).status_code == 200
    apply_pending()

    html = header(pm_client, tg)
    assert "142 of 400" in html  # 60 men and 82 women, as the quotas below say
    tg.refresh_from_db()
    assert tg.current_completes == 142


def test_a_profile_below_the_target_groups_count_does_not_lower_it(pm_client):
    tg = TargetGroupFactory(filling_goal=400, current_completes=150)
    age = ProfileFactory(target_group=tg, name="AGE")  # only two bands have quotas
    QuotaFactory(profile=age, completes=40)
    QuotaFactory(profile=age, completes=30)
    TargetGroup.objects.filter(pk=tg.pk).align_counts()
    assert "150 of 400" in header(pm_client, tg)


@pytest.fixture
def supplier(wire):  # noqa: F811
    fake = FakeCint(wire)
    fake.add_project("PR-1", "Brand tracker")
    age = regular_profile(
        "P-AGE", "AGE", quotas=[("Q-18", "C-18", "18-24", 100, 12), ("Q-25", "C-25", "25-34", 100, 9)]
    )
    fake.add_target_group("PR-1", "TG-1", profiles=profiles_payload(age))
    return fake


def test_a_list_row_behind_the_quota_counts_does_not_put_the_header_behind_them(supplier, pm_client):
    connection = ConnectionFactory()
    sync_connection(connection)  # the list row says 10 completes; the quotas 12 + 9

    tg = TargetGroup.objects.get(remote_id="TG-1")
    assert "21 of 500" in header(pm_client, tg)


def test_last_synced_is_the_list_read_that_confirmed_an_unchanged_target_group(supplier, pm_client):
    connection = ConnectionFactory()
    sync_connection(connection)
    tg = TargetGroup.objects.get(remote_id="TG-1")
    earlier = timezone.now() - timedelta(minutes=6)  # its last full read, and every read since
    TargetGroup.objects.filter(pk=tg.pk).update(synced_at=earlier, last_read_at=earlier)
    assert "6\xa0minutes ago" in header(pm_client, tg)

    run = sync_connection(connection)  # the list shows it unchanged: no full read is due yet

    assert run.target_groups_unchanged == 1
    tg.refresh_from_db()
    assert tg.synced_at == earlier  # the next full read is still due on time
    assert "0\xa0minutes ago" in header(pm_client, tg)


def test_a_failed_list_read_is_not_a_sync(supplier, wire):  # noqa: F811
    connection = ConnectionFactory()
    sync_connection(connection)
    connection.refresh_from_db()
    first = connection.last_synced_at
    projects_list = next(r for r in wire.registered() if "projects(" in str(r.url))
    wire.remove(projects_list)
    wire.add(responses.GET, projects_list.url, status=503, json={"detail": "Down for maintenance."})

    run = sync_connection(connection)

    assert run.error_count
    connection.refresh_from_db()
    assert connection.last_synced_at == first
