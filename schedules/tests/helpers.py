"""Schedules asked for as the page's form asks for them, at a chosen moment in a chosen zone."""

import datetime as dt

from django.utils import timezone

from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.models import Profile, Quota
from schedules.forms import ScheduleForm

UTC = dt.UTC
BERLIN = "Europe/Berlin"


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def purespectrum_tg(**extra):
    connection = ConnectionFactory(kind="purespectrum", account_id="ps-1", label="PureSpectrum")
    return TargetGroupFactory(project=ProjectFactory(connection=connection), **extra)


def quota_of(tg, *, goal=500, cap=300):
    profile = Profile.objects.create(target_group=tg, remote_id=f"PR-{tg.pk}", question_id=42, name="AGE")
    return Quota.objects.create(
        profile=profile, remote_id=f"Q-{tg.pk}", text="18-24", completes_goal=goal, traffic_cap=cap
    )


def ask(tg, by, data, *, now, zone=BERLIN):
    """The form as the page posts it, typed in `zone` at `now`: the form, and the schedule stored if valid."""
    with timezone.override(zone):
        form = ScheduleForm(data, tg=tg, now=now)
        if not form.is_valid():
            return form, None
    return form, form.save(by=by)
