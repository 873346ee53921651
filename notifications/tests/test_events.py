"""The events the cockpit tells PMs of, driven where they happen: the outbox settling a change, the supplier's
fills arriving by webhook, and a sync finding a target group paused or complete."""

from datetime import UTC, datetime

import pytest
import responses
from django.core import mail

from notifications.models import Notification, NotificationSetting
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from quotas.webhooks import apply_quota_fills
from suppliers.records import QuotaFill
from sync.intents import request_change
from sync.models import RemoteChange
from sync.pull import sync_connection
from sync.tests.wire import (  # noqa: F401  (the `wire` fixture)
    FakeCint,
    profiles_payload,
    profiles_url,
    regular_profile,
    wire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tg():
    return TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"', name="Brand tracker DE")


@pytest.fixture
def age(tg):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE", question_id=42, quotas_enabled=True)
    QuotaFactory(profile=profile, remote_id="Q-18", text="18-24", completes_goal=100, completes=90)
    return profile


@pytest.fixture
def reachable_pm(pm):
    pm.email = "pat@example.com"
    pm.save()
    return pm


def age_profiles():
    return profiles_payload(regular_profile("P-AGE", "AGE", enabled=True, quotas=[("Q-18", "C-18", "18-24", 100, 90)]))


def ask(tg, profile, by, capture):
    with capture(execute=True):
        change = request_change(
            "disable_quotas", connection=tg.project.connection, target_group=tg, profile=profile, by=by
        )
    change.refresh_from_db()
    return change


def test_a_change_the_supplier_refuses_is_told_to_the_pm_who_asked(
    wire, tg, age, reachable_pm, viewer, django_capture_on_commit_callbacks
):
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    wire.add(responses.POST, url, status=400, json={"detail": "Profile quotas cannot be disabled now"})
    wire.add(responses.GET, profiles_url(tg), json=age_profiles(), headers={"ETag": 'W/"2"'})

    change = ask(tg, age, reachable_pm, django_capture_on_commit_callbacks)

    assert change.state == RemoteChange.State.FAILED
    notification = Notification.objects.get()
    assert (notification.user, notification.kind, notification.target_group) == (reachable_pm, "change_failed", tg)
    assert "on “Brand tracker DE” failed" in notification.text
    assert "Profile quotas cannot be disabled now" in notification.text
    assert notification.link == tg.get_absolute_url()
    [message] = mail.outbox
    assert message.to == ["pat@example.com"] and "Profile quotas cannot be disabled now" in message.body


def test_a_change_in_conflict_is_told(wire, tg, age, reachable_pm, django_capture_on_commit_callbacks):
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    wire.add(responses.POST, url, status=412, json={})
    wire.add(responses.GET, profiles_url(tg), json=age_profiles(), headers={"ETag": 'W/"3"'})

    change = ask(tg, age, reachable_pm, django_capture_on_commit_callbacks)

    assert change.state == RemoteChange.State.CONFLICT
    notification = Notification.objects.get()
    assert notification.kind == "change_conflict" and "kept changing" in notification.text


def test_an_applied_change_tells_nobody(wire, tg, age, reachable_pm, django_capture_on_commit_callbacks):
    url = profiles_url(tg, "/P-AGE/disable-quotas")
    wire.add(responses.POST, url, status=204, headers={"ETag": 'W/"2"'})
    wire.add(responses.GET, profiles_url(tg), json=age_profiles(), headers={"ETag": 'W/"2"'})

    change = ask(tg, age, reachable_pm, django_capture_on_commit_callbacks)

    assert change.state == RemoteChange.State.APPLIED
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_quota_that_reaches_its_goal_by_webhook_is_told_once(tg, age, pm, django_capture_on_commit_callbacks):
    NotificationSetting.objects.create(user=pm, scope="all")
    connection = tg.project.connection
    at = datetime(2030, 1, 1, 10, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        apply_quota_fills([(connection, QuotaFill(tg.remote_id, "Q-18", completes=99, prescreens=None), at)])
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        apply_quota_fills(
            [
                (connection, QuotaFill(tg.remote_id, "Q-18", completes=100, prescreens=None), at),
                (connection, QuotaFill(tg.remote_id, "Q-18", completes=101, prescreens=None), at),
            ]
        )
    with django_capture_on_commit_callbacks(execute=True):
        apply_quota_fills([(connection, QuotaFill(tg.remote_id, "Q-18", completes=102, prescreens=None), at)])

    notification = Notification.objects.get()
    assert notification.kind == "quota_full" and notification.target_group == tg
    assert notification.text == "The quota “18-24” is full: it reached its goal of 100 completes."


@pytest.fixture
def supplier(wire):  # noqa: F811
    fake = FakeCint(wire, page_size=2)
    fake.add_project("PR-1", "Brand tracker")
    fake.add_target_group("PR-1", "TG-1", name="Brand tracker DE")
    return fake


def test_a_sync_that_finds_a_target_group_paused_by_the_supplier_tells_it(
    supplier, pm, django_capture_on_commit_callbacks
):
    NotificationSetting.objects.create(user=pm, scope="all")
    connection = ConnectionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sync_connection(connection)
    assert not Notification.objects.exists()  # first seen: nothing moved

    supplier.target_group("TG-1")["status"] = "paused"
    supplier.touch("TG-1")
    with django_capture_on_commit_callbacks(execute=True):
        sync_connection(connection)
        sync_connection(connection)

    tg = TargetGroup.objects.get(remote_id="TG-1")
    assert tg.status == TargetGroup.Status.PAUSED
    notification = Notification.objects.get()
    assert notification.kind == "paused_by_supplier" and notification.target_group == tg
    assert notification.text == "The supplier paused “Brand tracker DE”."

    supplier.target_group("TG-1")["status"] = "completed"
    supplier.touch("TG-1")
    with django_capture_on_commit_callbacks(execute=True):
        sync_connection(connection)

    latest = Notification.objects.first()
    assert latest.kind == "target_group_complete" and "“Brand tracker DE” is complete" in latest.text


def test_a_sync_that_reads_a_quota_at_its_goal_tells_it_once(supplier, pm, django_capture_on_commit_callbacks):
    NotificationSetting.objects.create(user=pm, scope="all")
    supplier.target_group("TG-1")["profiles"] = age_profiles()  # 90 of 100
    connection = ConnectionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sync_connection(connection)
    assert not Notification.objects.exists()

    supplier.target_group("TG-1")["profiles"] = profiles_payload(
        regular_profile("P-AGE", "AGE", enabled=True, quotas=[("Q-18", "C-18", "18-24", 100, 100)])
    )
    supplier.touch("TG-1")
    with django_capture_on_commit_callbacks(execute=True):
        sync_connection(connection)
        supplier.touch("TG-1")
        sync_connection(connection)

    notification = Notification.objects.get()
    assert notification.kind == "quota_full" and notification.target_group.remote_id == "TG-1"
    assert "“18-24” is full" in notification.text
