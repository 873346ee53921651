"""The daily digest: a day's unread notifications in the user's own zone, sent once, from the hour they chose."""

import json
from datetime import UTC, datetime

import pytest
import responses
from django.core import mail
from django_celery_beat.models import PeriodicTask

from notifications.digests import send_due_digests
from notifications.models import Digest, Notification, NotificationSetting
from preferences.models import Preference
from projects.tests.factories import TargetGroupFactory

from .conftest import HOOK

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def digest_pm(pm):
    """A PM in Berlin (UTC+1 in January) who wants a digest at 08:00, by e-mail and on a webhook."""
    pm.email = "pat@example.com"
    pm.save()
    Preference.objects.create(user=pm, time_zone="Europe/Berlin")
    NotificationSetting.objects.create(user=pm, scope="all", timing="digest", digest_hour=8, webhook_url=HOOK)
    return pm


@pytest.fixture
def a_day_of_events(digest_pm):
    """Notifications around 15 January 2030 in Berlin: its first and last minutes, one read, and the days around."""
    tg = TargetGroupFactory(name="Brand tracker DE")
    made = {}
    for name, moment in {
        "before": at(2030, 1, 14, 22, 59),  # 23:59 on the 14th in Berlin
        "first": at(2030, 1, 14, 23, 0),  # 00:00 on the 15th
        "noon": at(2030, 1, 15, 11, 0),
        "read": at(2030, 1, 15, 12, 0),
        "last": at(2030, 1, 15, 22, 59),  # 23:59 on the 15th
        "after": at(2030, 1, 15, 23, 0),  # 00:00 on the 16th
    }.items():
        made[name] = Notification.objects.create(
            user=digest_pm, kind="quota_full", target_group=tg, text=f"Event {name}.", link="/x", created_at=moment
        )
    Notification.objects.filter(pk=made["read"].pk).update(read_at=at(2030, 1, 15, 13, 0))
    return made


def test_the_digest_holds_the_days_unread_notifications_in_the_users_zone(a_day_of_events, hooks):
    hooks.add(responses.POST, HOOK, status=200)

    [digest] = send_due_digests(now=at(2030, 1, 16, 7, 0))  # 08:00 in Berlin

    assert (digest.day.isoformat(), digest.count) == ("2030-01-15", 3)
    [message] = mail.outbox
    assert message.to == ["pat@example.com"]
    assert "Tuesday 15 January 2030: 3 unread" in message.subject
    for name in ("first", "noon", "last"):
        assert f"Event {name}." in message.body
    for name in ("before", "read", "after"):
        assert f"Event {name}." not in message.body
    assert "00:00  Event first." in message.body and "23:59  Event last." in message.body
    [call] = hooks.calls
    text = json.loads(call.request.body)["text"]
    assert text.count("Event ") == 3 and "Event after." not in text


def test_the_digest_waits_for_the_users_hour_and_goes_once(a_day_of_events, hooks):
    hooks.add(responses.POST, HOOK, status=200)

    assert send_due_digests(now=at(2030, 1, 16, 6, 59)) == []  # 07:59 in Berlin
    assert mail.outbox == []
    assert len(send_due_digests(now=at(2030, 1, 16, 7, 0))) == 1
    assert send_due_digests(now=at(2030, 1, 16, 7, 15)) == []  # the next look of the beat
    assert send_due_digests(now=at(2030, 1, 16, 20, 0)) == []
    assert len(mail.outbox) == 1 and len(hooks.calls) == 1 and Digest.objects.count() == 1


def test_a_beat_that_missed_the_hour_sends_the_digest_when_it_next_looks(a_day_of_events, hooks):
    hooks.add(responses.POST, HOOK, status=200)

    assert len(send_due_digests(now=at(2030, 1, 16, 15, 0))) == 1
    assert "Tuesday 15 January 2030" in mail.outbox[0].subject


def test_a_day_without_news_sends_nothing(digest_pm, hooks):
    [digest] = send_due_digests(now=at(2030, 1, 16, 7, 0))

    assert digest.count == 0 and mail.outbox == [] and len(hooks.calls) == 0


def test_at_once_users_get_no_digest(pm):
    NotificationSetting.objects.create(user=pm, scope="all")
    Notification.objects.create(user=pm, kind="quota_full", text="Full.", created_at=at(2030, 1, 15, 11, 0))

    assert send_due_digests(now=at(2030, 1, 16, 9, 0)) == []


def test_the_beat_looks_for_due_digests_every_quarter_hour():
    entry = PeriodicTask.objects.select_related("interval").get(task="notifications.tasks.send_digests")
    assert entry.enabled and (entry.interval.every, entry.interval.period) == (15, "minutes")
