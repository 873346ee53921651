"""A rule on a study closes the cell that fired at the wire: a Cint target group and a PureSpectrum survey
behind the live server's sandboxes fill a cell to 90% of the study's goal; the rule closes it at both through
the guard's own close (Cint's goal and PureSpectrum's current target become what each has achieved), read
back from each sandbox, audited as the rule's; the next look is the same episode and sends nothing."""

import datetime as dt

import pytest

from rules.firing import evaluate_all
from rules.forms import StudyRuleForm
from rules.models import RuleEpisode
from sandbox.models import PsQuota
from sandbox.models import Quota as CintQuota
from studies.tests.builders import study_over
from studies.tests.test_guard_wire import fill
from studies.tests.wire import gender_quotas, live_suppliers, wait_until_settled
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rule_closes_the_cell_that_fired_at_each_supplier(live_server, settings, monkeypatch, pm):
    cint, ps = live_suppliers(live_server, settings, monkeypatch)
    ((cint_male, _),) = gender_quotas(cint)
    ((ps_male, _),) = gender_quotas(ps)
    study, cells = study_over({"Male": (10, [cint_male, ps_male])}, goal=1000)
    form = StudyRuleForm({"name": "Male at 90%", "condition": "cell_fill", "fire_at": "85", "clear_at": "50",
                          "action": "close_cell"})  # fmt: skip
    assert form.is_valid(), form.errors
    rule = form.save(commit=False)
    rule.study, rule.created_by = study, pm
    rule.save()
    fill(cint_male, 4)
    fill(ps_male, 4)  # 8 of 10: not yet
    now = dt.datetime.now(dt.UTC)
    assert evaluate_all(now=now) == 0

    fill(ps_male, 5)  # 9 of 10: 90%
    assert evaluate_all(now=now + dt.timedelta(minutes=1)) == 1
    wait_until_settled()

    episode = RuleEpisode.objects.get(rule=rule)
    assert (episode.figure, episode.row_label) == (90, "Male")
    changes = list(RemoteChange.objects.order_by("pk"))
    assert len(changes) == 2 and {c.state for c in changes} == {"applied"}
    assert all("by rule ‘Male at 90%’ at" in c.summary and "on “Male”: 90%" in c.summary for c in changes)
    assert CintQuota.objects.get(pk=cint_male.remote_id).completes_goal == 4
    survey = PsQuota.objects.get(survey_id=ps_male.profile.target_group.remote_id, buyer_quota_id=ps_male.remote_id)
    assert survey.current_target == 5

    assert evaluate_all(now=now + dt.timedelta(minutes=2)) == 0
    assert RemoteChange.objects.count() == 2
