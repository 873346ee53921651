"""The guard and plan raises on their way: a raise not sent yet that would reopen a cell the guard closes is held,
saying why; one already sent is followed by the guard's close, so the supplier ends with the cell closed."""

import pytest

from projects.models import SupplierKind
from studies import advancing
from studies.guard import guard
from studies.models import Study
from studies.plans import move, request_plan_change
from studies.tests.builders import study_over
from studies.tests.test_plans import quota
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def nearly_full(db):
    """Male 18–34: 249 of 250 (PureSpectrum 150 of 200, Audience-Align 99 of 200); Female: far from full."""
    ps = quota(SupplierKind.PURESPECTRUM, 200, 150, current_completes=150)
    aa = quota(SupplierKind.AUDIENCE_ALIGN, 200, 99, current_completes=99)
    study, cells = study_over({"Male 18–34": (250, [ps, aa])}, goal=1000)
    return study, cells["Male 18–34"], ps, aa


def fill(row, completes):
    type(row).objects.filter(pk=row.pk).update(completes=completes)


def test_a_raise_not_sent_yet_is_held_when_the_guard_closes_its_cell(nearly_full, pm):
    study, cell, ps, aa = nearly_full
    plan = move(study, cell, aa.profile.target_group, ps.profile.target_group, 30, user=pm)
    lowering, raise_ = plan.parts.order_by("step")
    fill(aa, 100)  # 250 of 250: full while the lowering is on its way

    (act,) = guard(Study.objects.get(pk=study.pk))

    raise_.refresh_from_db()
    assert raise_.change is None
    assert raise_.held_reason == "Not sent: the guard closed Male 18–34 when it reached its goal"
    assert "Held the raise not sent yet of Male 18–34 at purespectrum US (PureSpectrum)." in act.text
    # The lowering settles: the held raise stays held, and the plan says why.
    RemoteChange.objects.filter(pk=lowering.change_id).update(state="applied")
    assert advancing.advance(plan) == 0
    assert advancing.advance_waiting() == 0
    raise_.refresh_from_db()
    assert raise_.change is None
    state, said = advancing.plan_state(list(plan.parts.select_related("change")))
    assert state == "partly_failed"
    assert "Not sent: the guard closed Male 18–34 when it reached its goal" in said


def test_a_raise_already_sent_is_followed_by_the_guards_close(nearly_full, pm):
    study, cell, ps, aa = nearly_full
    plan = request_plan_change(study, {(cell.pk, aa.profile.target_group_id): 260}, user=pm)
    raise_ = plan.parts.get()
    assert raise_.change.payload == {"goals": {aa.remote_id: 260}, "targets": {}}
    fill(aa, 100)

    (act,) = guard(Study.objects.get(pk=study.pk))

    aa_close = act.changes.get(target_group=aa.profile.target_group)
    assert aa_close.pk > raise_.change_id  # applied after the raise, so the goal ends at what it achieved
    assert aa_close.payload == {"goals": {aa.remote_id: 100}}
    assert "Held" not in act.text


def test_a_raise_of_another_cell_is_not_held(db, pm):
    ps_male = quota(SupplierKind.PURESPECTRUM, 200, 150, current_completes=150)
    aa_male = quota(SupplierKind.AUDIENCE_ALIGN, 200, 100, current_completes=100)
    ps_tg, aa_tg = ps_male.profile.target_group, aa_male.profile.target_group
    from quotas.tests.factories import QuotaFactory

    ps_female = QuotaFactory(profile=ps_male.profile, text="Female", completes_goal=200, completes=10, traffic_cap=None)
    aa_female = QuotaFactory(profile=aa_male.profile, text="Female", completes_goal=200, completes=10, traffic_cap=None)
    study, cells = study_over({"Male": (300, [ps_male, aa_male]), "Female": (400, [ps_female, aa_female])}, goal=1000)
    plan = move(study, cells["Female"], aa_tg, ps_tg, 30, user=pm)
    fill(aa_male, 150)  # Male is full; Female's raise has nothing to do with it

    guard(Study.objects.get(pk=study.pk))

    raise_ = plan.parts.get(step=1)
    assert raise_.held_reason == ""
    RemoteChange.objects.filter(pk=plan.parts.get(step=0).change_id).update(state="applied")
    assert advancing.advance(plan) == 1
