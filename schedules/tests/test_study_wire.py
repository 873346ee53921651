"""A study's scheduled move at the wire: a Cint target group and a PureSpectrum survey behind the live
server's sandboxes. The beat runs it when its time comes, without a click: Cint's goal is lowered and
PureSpectrum's raised, read back from each sandbox, and the PM who asked hears it was done."""

import datetime as dt

import pytest

from notifications.models import Notification
from sandbox.models import PsQuota
from sandbox.models import Quota as CintQuota
from schedules.models import ScheduledChange, ScheduledRun
from schedules.tasks import run_due
from studies import advancing
from studies.tests.builders import study_over
from studies.tests.wire import gender_quotas, live_suppliers, wait_until_settled

from .study_helpers import ask_on_study, move_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_scheduled_move_is_applied_at_both_suppliers_and_told_to_the_pm(live_server, settings, monkeypatch, pm):
    cint, ps = live_suppliers(live_server, settings, monkeypatch)
    ((cint_male, _),) = gender_quotas(cint)
    ((ps_male, _),) = gender_quotas(ps)
    study, cells = study_over({"Male": (300, [cint_male, ps_male])})
    now = dt.datetime.now(dt.UTC)
    at = f"{now + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}"
    form, schedule = ask_on_study(study, pm, move_data(cells["Male"], cint_male, ps_male, 30, at), now=now, zone="UTC")
    assert schedule is not None, form.errors

    assert run_due() == 0  # not yet
    ScheduledChange.objects.filter(pk=schedule.pk).update(run_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))
    assert run_due() == 1
    wait_until_settled()
    run_due()  # the next beat tells how it ended

    plan = ScheduledRun.objects.get(schedule=schedule).plan_change
    parts = list(plan.parts.select_related("change", "target_group__project__connection").order_by("step"))
    assert advancing.plan_state(parts) == ("applied", "Applied")
    assert all("scheduled by Pat Manager for" in part.change.summary for part in parts)
    survey = PsQuota.objects.get(buyer_quota_id=ps_male.remote_id, survey_id=ps_male.profile.target_group.remote_id)
    assert (CintQuota.objects.get(pk=cint_male.remote_id).completes_goal, survey.required_count) == (70, 230)
    told = Notification.objects.get(user=pm, kind="scheduled_done")
    assert told.text.startswith(f"Done as scheduled on the study “{study.name}”: Move 30 of Male from")
    assert told.link == study.get_absolute_url()
    assert run_due() == 0 and Notification.objects.filter(user=pm).count() == 1
