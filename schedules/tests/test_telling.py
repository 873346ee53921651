"""The PM who scheduled a change hears how it ended, once: applied at the supplier, or not (the supplier
refused it), driven through the outbox at the wire."""

import datetime as dt

import pytest
import responses
from django.core import mail

from notifications.models import Notification
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from schedules.models import ScheduledChange
from schedules.tasks import run_due
from sync.models import RemoteChange
from sync.tests.wire import profiles_payload, profiles_url, regular_profile, wire  # noqa: F401

from .helpers import ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def tg():
    return TargetGroupFactory(project__connection=ConnectionFactory(), version='W/"1"', name="Brand tracker DE")


@pytest.fixture
def age(tg):
    profile = ProfileFactory(target_group=tg, remote_id="P-AGE", name="AGE", question_id=42, quotas_enabled=True)
    QuotaFactory(profile=profile, remote_id="Q-18", text="18-24", completes_goal=100, completes=90)
    return profile


def age_profiles():
    return profiles_payload(regular_profile("P-AGE", "AGE", enabled=False, quotas=[("Q-18", "C-18", "18-24", 100, 90)]))


def schedule_quotas_off(tg, age, pm):
    pm.email = "pat@example.com"
    pm.save()
    now = dt.datetime.now(dt.UTC)
    local = (now + dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=1)))
    form, schedule = ask(tg, pm, {"action": "quotas_off", "profile": age.pk, "at": f"{local:%Y-%m-%dT%H:%M}"},
                         now=now)  # fmt: skip
    assert schedule is not None, form.errors
    return schedule


def come(schedule):
    """The hour has come: its time is now a moment ago (the beat's task reads the clock itself)."""
    ScheduledChange.objects.filter(pk=schedule.pk).update(run_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))


def beats(capture):
    with capture(execute=True):  # the outbox sends once the run's transaction commits
        run_due()
    with capture(execute=True):  # the next beat tells how it ended
        run_due()


def test_a_scheduled_change_applied_is_told_once_to_the_pm_who_asked(
    wire, tg, age, pm, django_capture_on_commit_callbacks
):
    schedule = schedule_quotas_off(tg, age, pm)
    wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), status=204, headers={"ETag": 'W/"2"'})
    wire.add(responses.GET, profiles_url(tg), json=age_profiles(), headers={"ETag": 'W/"2"'})
    come(schedule)

    beats(django_capture_on_commit_callbacks)
    beats(django_capture_on_commit_callbacks)  # a later beat tells nothing twice

    assert RemoteChange.objects.get().state == RemoteChange.State.APPLIED
    told = Notification.objects.get(kind="scheduled_done")
    assert told.user == pm and told.text.startswith("Done as scheduled on “Brand tracker DE”: Disable quotas")
    assert [m.to for m in mail.outbox if "Done as scheduled" in m.body] == [["pat@example.com"]]


def test_a_scheduled_change_the_supplier_refuses_is_told_as_not_applied(
    wire, tg, age, pm, django_capture_on_commit_callbacks
):
    schedule = schedule_quotas_off(tg, age, pm)
    wire.add(responses.POST, profiles_url(tg, "/P-AGE/disable-quotas"), status=400,
             json={"detail": "Profile quotas cannot be disabled now"})  # fmt: skip
    wire.add(responses.GET, profiles_url(tg), json=age_profiles(), headers={"ETag": 'W/"2"'})
    come(schedule)

    beats(django_capture_on_commit_callbacks)

    assert RemoteChange.objects.get().state == RemoteChange.State.FAILED
    told = Notification.objects.get(kind="scheduled_failed")
    assert "was not applied by the supplier" in told.text and "cannot be disabled now" in told.text


def test_nothing_is_told_while_the_change_is_still_pending(tg, age, pm):
    schedule = schedule_quotas_off(tg, age, pm)
    come(schedule)

    run_due()  # recorded, not sent (no commit hook runs here)

    assert RemoteChange.objects.get().state == RemoteChange.State.PENDING
    assert not Notification.objects.filter(kind__startswith="scheduled").exists()
