"""Plan changes at the wire: a Cint target group and a PureSpectrum survey behind the live server's sandboxes.

A move lowers one supplier's goal before it raises the other's (the sandboxes' own logs say in which order),
both are applied and read back from each sandbox; a refused lowering holds the raise it paid for, with its
reason; a retry sends both; an undo sets a part back.
"""

import pytest

from sandbox.faults import set_faults
from sandbox.models import AppliedRequest, PsQuota
from sandbox.models import Quota as CintQuota
from studies import advancing
from studies.models import PlanPart
from studies.plans import move
from studies.tests.builders import study_over
from studies.tests.wire import gender_quotas, live_suppliers, no_faults, wait_until_settled
from sync.pull import sync_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def suppliers(live_server, settings, monkeypatch):
    return live_suppliers(live_server, settings, monkeypatch)


@pytest.fixture
def study(suppliers):
    cint, ps = suppliers
    (cint_male, cint_female), = gender_quotas(cint)  # fmt: skip
    (ps_male, ps_female), = gender_quotas(ps)  # fmt: skip
    study, cells = study_over({"Male": (300, [cint_male, ps_male]), "Female": (300, [cint_female, ps_female])})
    return study, cells, cint_male, ps_male


def sandbox_goals(cint_quota, ps_quota):
    ps = PsQuota.objects.get(buyer_quota_id=ps_quota.remote_id, survey_id=ps_quota.profile.target_group.remote_id)
    return CintQuota.objects.get(pk=cint_quota.remote_id).completes_goal, ps.required_count, ps.current_target


def test_a_move_lowers_cint_before_it_raises_purespectrum_and_both_are_applied(study, pm):
    study, cells, cint_male, ps_male = study
    first_write = AppliedRequest.objects.order_by("-id").values_list("id", flat=True).first() or 0

    plan = move(study, cells["Male"], cint_male.profile.target_group, ps_male.profile.target_group, 50, user=pm)
    wait_until_settled()

    parts = list(PlanPart.objects.filter(plan_change=plan).select_related("change").order_by("step"))
    assert [(p.step, p.change.state) for p in parts] == [(0, "applied"), (1, "applied")]
    assert advancing.plan_state(parts) == ("applied", "Applied")
    writes = list(AppliedRequest.objects.filter(id__gt=first_write).order_by("id").values_list("supplier", flat=True))
    assert writes and writes[0] == "cint" and "purespectrum" in writes
    assert writes.index("purespectrum") > max(i for i, s in enumerate(writes) if s == "cint")
    assert sandbox_goals(cint_male, ps_male) == (50, 250, 250)
    cint_male.refresh_from_db()
    ps_male.refresh_from_db()
    assert (cint_male.completes_goal, ps_male.completes_goal) == (50, 250)
    assert "plan change “Move 50 of Male" in parts[0].change.summary


def test_a_refused_lowering_holds_the_raise_then_a_retry_sends_both_and_an_undo_sets_one_back(study, pm, settings):
    study, cells, cint_male, ps_male = study
    settings.SYNC_MAX_ATTEMPTS = 1
    set_faults(error_rate=1.0)  # Cint answers 5xx, once is all it gets
    plan = move(study, cells["Male"], cint_male.profile.target_group, ps_male.profile.target_group, 40, user=pm)
    no_faults()
    wait_until_settled()
    sync_connection(cint_male.profile.target_group.project.connection)  # the cockpit shows Cint's truth again

    lowering, raise_ = PlanPart.objects.filter(plan_change=plan).select_related("change").order_by("step")
    assert lowering.change.state == "failed"
    assert raise_.change is None
    assert raise_.held_reason.startswith("Not sent: lowering Male at ")
    assert "failed:" in raise_.held_reason
    state, said = advancing.plan_state([lowering, raise_])
    assert state == "failed" and "Not sent" in said
    assert sandbox_goals(cint_male, ps_male) == (100, 200, 200)

    settings.SYNC_MAX_ATTEMPTS = 12
    again = advancing.retry(raise_, user=pm)
    wait_until_settled()
    parts = list(PlanPart.objects.filter(plan_change=again).select_related("change").order_by("step"))
    assert again.follows_id == plan.pk
    assert [(p.step, p.change.state) for p in parts] == [(0, "applied"), (1, "applied")]
    assert sandbox_goals(cint_male, ps_male) == (60, 240, 240)

    undone = advancing.undo(parts[1], user=pm, confirmed=True)
    wait_until_settled()
    (back,) = PlanPart.objects.filter(plan_change=undone).select_related("change")
    assert back.change.state == "applied"
    assert sandbox_goals(cint_male, ps_male) == (60, 200, 200)
