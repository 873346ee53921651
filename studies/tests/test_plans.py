"""A plan change's checks and parts, recorded in the outbox (nothing sent: the outbox's own tests send)."""

import pytest

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.tests.factories import ProfileFactory, QuotaFactory
from studies import advancing
from studies.models import PlanPart
from studies.plans import PlanRefused, move, request_plan_change
from studies.tests.builders import study_over
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


def quota(kind, goal, completes, **tg):
    connection = ConnectionFactory(kind=kind, account_id=f"{kind}-1", label=kind)
    target_group = TargetGroupFactory(project=ProjectFactory(connection=connection), name=f"{kind} US", **tg)
    profile = ProfileFactory(target_group=target_group, name="GENDER")
    return QuotaFactory(profile=profile, text="Male", completes_goal=goal, completes=completes, traffic_cap=None)


@pytest.fixture
def two(db):
    cint = quota(SupplierKind.CINT, 300, 120)
    ps = quota(SupplierKind.PURESPECTRUM, 200, 50)
    study, cells = study_over({"Male 18–34": (500, [cint, ps])})
    return study, cells["Male 18–34"], cint, ps


def test_a_move_records_the_lowering_at_once_and_keeps_the_raise_for_later(two, pm):
    study, cell, cint, ps = two
    plan = move(study, cell, cint.profile.target_group, ps.profile.target_group, 50, user=pm)

    lowering, raise_ = PlanPart.objects.filter(plan_change=plan).order_by("step")
    assert plan.summary == "Move 50 of Male 18–34 from cint US (Cint Exchange) to purespectrum US (PureSpectrum)"
    assert (lowering.step, lowering.goals, lowering.before) == (0, {cint.remote_id: 250}, {cint.remote_id: 300})
    assert lowering.change.kind == "set_quota_figures"
    assert lowering.change.payload == {"goals": {cint.remote_id: 250}, "targets": {}}
    assert (raise_.step, raise_.goals, raise_.targets, raise_.change) == (
        1, {ps.remote_id: 250}, {ps.remote_id: 250}, None)  # fmt: skip
    assert advancing.plan_state([lowering, raise_])[0] == "pending"
    assert RemoteChange.objects.count() == 1


def test_the_raise_goes_once_the_lowering_is_applied_and_only_once(two, pm):
    study, cell, cint, ps = two
    plan = move(study, cell, cint.profile.target_group, ps.profile.target_group, 50, user=pm)
    lowering = plan.parts.get(step=0)
    RemoteChange.objects.filter(pk=lowering.change_id).update(state="applied")

    assert advancing.advance(plan) == 1
    assert advancing.advance(plan) == 0
    assert advancing.advance_waiting() == 0
    raise_ = plan.parts.get(step=1)
    assert raise_.change.payload == {"goals": {ps.remote_id: 250}, "targets": {ps.remote_id: 250}}
    assert RemoteChange.objects.count() == 2


def test_the_beat_sends_a_raise_whose_lowering_settled_when_no_one_told(two, pm):
    study, cell, cint, ps = two
    plan = move(study, cell, cint.profile.target_group, ps.profile.target_group, 50, user=pm)
    RemoteChange.objects.filter(pk=plan.parts.get(step=0).change_id).update(state="applied")

    assert advancing.advance_waiting() == 1
    assert plan.parts.get(step=1).change is not None


def test_a_refused_lowering_holds_its_raise_with_the_reason(two, pm):
    study, cell, cint, ps = two
    plan = move(study, cell, cint.profile.target_group, ps.profile.target_group, 50, user=pm)
    RemoteChange.objects.filter(pk=plan.parts.get(step=0).change_id).update(
        state="failed", message="The quota is locked."
    )

    advancing.advance(plan)
    raise_ = plan.parts.get(step=1)
    assert raise_.change is None
    assert raise_.held_reason == "Not sent: lowering Male 18–34 at cint US (Cint Exchange) failed: The quota is locked."
    state, said = advancing.plan_state(list(plan.parts.select_related("change")))
    assert state == "failed" and "The quota is locked." in said


def test_never_below_what_a_supplier_has_achieved(two, pm):
    study, cell, cint, ps = two
    with pytest.raises(PlanRefused) as refused:
        move(study, cell, cint.profile.target_group, ps.profile.target_group, 200, user=pm)
    ((key, text),) = refused.value.errors
    assert key == (cell.pk, cint.profile.target_group_id)
    assert "has achieved 120" in text and "asked 100" in text
    assert not RemoteChange.objects.exists()


def test_goals_below_the_study_goal_need_the_pm_to_confirm(two, pm):
    study, cell, cint, ps = two
    goals = {(cell.pk, cint.profile.target_group_id): 250}
    with pytest.raises(PlanRefused) as refused:
        request_plan_change(study, goals, user=pm)
    assert refused.value.warnings == [(cell.pk, "The suppliers' goals for “Male 18–34” would add up to 450, "
                                                "below the study's 500.")]  # fmt: skip
    assert not RemoteChange.objects.exists()

    plan = request_plan_change(study, goals, user=pm, confirmed=True)
    assert plan.parts.get().change.payload["goals"] == {cint.remote_id: 250}


def test_a_finished_target_group_takes_no_goal_change(pm):
    cint = quota(SupplierKind.CINT, 300, 120, status="completed")
    ps = quota(SupplierKind.PURESPECTRUM, 200, 50)
    study, cells = study_over({"Male": (500, [cint, ps])})
    with pytest.raises(PlanRefused) as refused:
        move(study, cells["Male"], cint.profile.target_group, ps.profile.target_group, 10, user=pm)
    assert "nothing fills there any more" in refused.value.errors[0][1]


def test_a_raise_alone_is_sent_at_once(two, pm):
    study, cell, cint, ps = two
    plan = request_plan_change(study, {(cell.pk, ps.profile.target_group_id): 260}, user=pm)
    assert plan.parts.get().change.payload["goals"] == {ps.remote_id: 260}


def test_undo_sets_an_applied_part_back_as_a_plan_change_that_follows(two, pm):
    study, cell, cint, ps = two
    plan = move(study, cell, cint.profile.target_group, ps.profile.target_group, 50, user=pm)
    lowering = plan.parts.get(step=0)
    RemoteChange.objects.filter(pk=lowering.change_id).update(state="applied")
    lowering.refresh_from_db()

    undone = advancing.undo(lowering, user=pm)
    assert undone.follows == plan
    assert undone.parts.get().goals == {cint.remote_id: 300}
