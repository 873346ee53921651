"""`notify`: who hears of an event, and how (in the cockpit, by e-mail, on their webhook, at once or not)."""

import json

import pytest
import responses
from django.core import mail

from notifications.models import Delivery, Event, Notification, NotificationSetting
from notifications.send import notify
from projects.tests.factories import TargetGroupFactory
from sync.models import RemoteChange

from .conftest import HOOK

pytestmark = pytest.mark.django_db


@pytest.fixture
def tg():
    return TargetGroupFactory(name="Brand tracker DE")


def asked_change_on(tg, user):
    RemoteChange.objects.create(
        kind="disable_quotas", connection=tg.project.connection, target_group=tg, requested_by=user
    )


def test_by_default_a_user_hears_of_their_own_target_groups_by_e_mail(
    tg, pm, viewer, settings, django_capture_on_commit_callbacks
):
    pm.email, viewer.email = "pat@example.com", "vic@example.com"
    pm.save(), viewer.save()
    asked_change_on(tg, pm)

    with django_capture_on_commit_callbacks(execute=True):
        notify(Event.QUOTA_FULL, target_group=tg, text="The quota “18-24” is full.")

    notification = Notification.objects.get()
    assert (notification.user, notification.target_group, notification.link) == (pm, tg, tg.get_absolute_url())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.com"]
    assert "The quota “18-24” is full." in message.subject
    assert "Brand tracker DE" in message.body
    assert f"{settings.SITE_URL}{tg.get_absolute_url()}" in message.body
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state, delivery.address) == ("email", "sent", "pat@example.com")


def test_a_user_who_chose_every_target_group_hears_of_all(tg, pm, viewer):
    NotificationSetting.objects.create(user=viewer, scope=NotificationSetting.Scope.ALL)

    notify(Event.PAUSED_BY_SUPPLIER, target_group=tg, text="The supplier paused it.")

    assert list(Notification.objects.values_list("user__username", flat=True)) == ["viewer"]


def test_events_a_user_left_out_are_not_recorded_for_them(tg, pm):
    NotificationSetting.objects.create(user=pm, scope="all", kinds=[Event.CHANGE_FAILED])

    notify(Event.QUOTA_FULL, target_group=tg, text="Full.")
    notify(Event.CHANGE_FAILED, target_group=tg, text="Failed.")

    assert list(Notification.objects.values_list("kind", flat=True)) == [Event.CHANGE_FAILED]


def test_named_users_hear_of_it_whatever_target_groups_they_chose(tg, pm, viewer):
    notify(Event.SCHEDULED_DONE, target_group=tg, text="Done.", users=[pm.pk])

    assert list(Notification.objects.values_list("user", flat=True)) == [pm.pk]


def test_an_at_once_user_gets_a_webhook_post_with_the_sentence_and_the_link(
    tg, pm, hooks, settings, django_capture_on_commit_callbacks
):
    NotificationSetting.objects.create(user=pm, scope="all", email=False, webhook_url=HOOK)
    hooks.add(responses.POST, HOOK, status=200, body="ok")

    with django_capture_on_commit_callbacks(execute=True):
        notify(Event.CHANGE_FAILED, target_group=tg, text="Disable quotas on “AGE” failed.")

    body = json.loads(hooks.calls[0].request.body)
    assert "Disable quotas on “AGE” failed." in body["text"] and "Brand tracker DE" in body["text"]
    assert f"<{settings.SITE_URL}{tg.get_absolute_url()}|Open in the cockpit>" in body["text"]
    assert mail.outbox == []
    assert Delivery.objects.get().notification == Notification.objects.get()


def test_a_digest_user_gets_nothing_at_once(tg, pm, hooks, django_capture_on_commit_callbacks):
    pm.email = "pat@example.com"
    pm.save()
    NotificationSetting.objects.create(user=pm, scope="all", timing="digest", webhook_url=HOOK)

    with django_capture_on_commit_callbacks(execute=True):
        notify(Event.QUOTA_FULL, target_group=tg, text="Full.")

    assert Notification.objects.count() == 1
    assert mail.outbox == [] and len(hooks.calls) == 0 and not Delivery.objects.exists()


def test_a_delivery_run_twice_sends_once(tg, pm):
    from config.tasks import task

    pm.email = "pat@example.com"
    pm.save()
    NotificationSetting.objects.create(user=pm, scope="all")
    [notification] = notify(Event.QUOTA_FULL, target_group=tg, text="Full.")

    task("notifications.tasks.deliver")(notification.pk)
    task("notifications.tasks.deliver")(notification.pk)

    assert len(mail.outbox) == 1
