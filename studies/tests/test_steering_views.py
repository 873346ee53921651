"""The study page's Allocate, Move, Plan changes and Guard sections."""

import pytest

from studies.models import GuardAct, PlanChange
from studies.plans import move
from studies.tests.test_plans import two  # noqa: F401  (a fixture)
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_pm_moves_goal_and_sees_the_plan_change_with_its_parts(pm_client, two):  # noqa: F811
    study, cell, cint, ps = two
    data = {"n": "50", "cell": cell.pk, "from_tg": cint.profile.target_group_id, "to_tg": ps.profile.target_group_id}
    response = pm_client.post(f"/studies/{study.pk}/move/", data, **HTMX)

    assert response.status_code == 200
    plan = PlanChange.objects.get()
    html = response.content.decode()
    assert f'id="plan-change-{plan.pk}"' in html
    assert "Move 50 of Male 18–34 from cint US (Cint Exchange) to purespectrum US (PureSpectrum)" in html
    assert "Waiting for the lowerings" in html
    assert f'id="change-{plan.parts.get(step=0).change_id}"' in html  # the lowering's polling badge


def test_a_move_below_what_was_achieved_says_so_next_to_the_field_and_keeps_the_input(pm_client, two):  # noqa: F811
    study, cell, cint, ps = two
    data = {"n": "200", "cell": cell.pk, "from_tg": cint.profile.target_group_id, "to_tg": ps.profile.target_group_id}
    response = pm_client.post(f"/studies/{study.pk}/move/", data, **HTMX)

    html = response.content.decode()
    assert 'id="move-n-error"' in html and "has achieved 120" in html
    assert 'name="n" value="200"' in html
    assert not PlanChange.objects.exists() and not RemoteChange.objects.exists()


def test_a_move_without_javascript_that_is_refused_shows_the_page_with_the_errors(pm_client, two):  # noqa: F811
    study, cell, cint, ps = two
    data = {"n": "0", "cell": cell.pk, "from_tg": cint.profile.target_group_id, "to_tg": ps.profile.target_group_id}
    response = pm_client.post(f"/studies/{study.pk}/move/", data)
    assert response.status_code == 400
    assert 'id="move-n-error"' in response.content.decode()


def test_allocating_by_shares_sends_the_shares_of_the_cell_goal(pm_client, two):  # noqa: F811
    study, cell, cint, ps = two
    cint_field = f"goal-{cell.pk}-{cint.profile.target_group_id}"
    ps_field = f"goal-{cell.pk}-{ps.profile.target_group_id}"
    response = pm_client.post(f"/studies/{study.pk}/allocate/", {"mode": "shares", cint_field: "40", ps_field: "60"},
                              **HTMX)  # fmt: skip

    assert response.status_code == 200
    plan = PlanChange.objects.get()
    assert plan.parts.get(step=0).goals == {cint.remote_id: 200}
    assert plan.parts.get(step=1).goals == {ps.remote_id: 300}


def test_goals_short_of_the_study_goal_are_sent_only_when_confirmed(pm_client, two):  # noqa: F811
    study, cell, cint, ps = two
    fields = {
        f"goal-{cell.pk}-{cint.profile.target_group_id}": "250",
        f"goal-{cell.pk}-{ps.profile.target_group_id}": "200",
    }
    response = pm_client.post(f"/studies/{study.pk}/allocate/", {"mode": "numbers", **fields}, **HTMX)
    html = response.content.decode()
    assert "would add up to 450, below the study" in html and 'id="allocate-confirm-error"' in html
    assert 'value="250"' in html
    assert not PlanChange.objects.exists()

    pm_client.post(f"/studies/{study.pk}/allocate/", {"mode": "numbers", "confirm": "on", **fields}, **HTMX)
    assert PlanChange.objects.count() == 1


def test_a_viewer_changes_nothing(viewer_client, two):  # noqa: F811
    study, cell, cint, ps = two
    data = {"n": "5", "cell": cell.pk, "from_tg": cint.profile.target_group_id, "to_tg": ps.profile.target_group_id}
    assert viewer_client.post(f"/studies/{study.pk}/move/", data).status_code == 403
    assert viewer_client.post(f"/studies/{study.pk}/allocate/", {"mode": "numbers"}).status_code == 403
    assert not PlanChange.objects.exists()
    page = viewer_client.get(f"/studies/{study.pk}/").content.decode()
    assert 'id="study-allocate"' in page and 'action="/studies/' not in page


def test_retry_and_undo_of_an_unknown_part_is_404_with_the_layout(pm_client, two):  # noqa: F811
    study, *_ = two
    for verb in ("retry", "undo"):
        response = pm_client.post(f"/studies/{study.pk}/plan-parts/999999/{verb}/")
        assert response.status_code == 404
    assert pm_client.post("/studies/999999/move/", {}).status_code == 404


def test_undo_of_a_part_not_applied_says_why(pm_client, pm, two):  # noqa: F811
    study, cell, cint, ps = two
    plan = move(study, cell, cint.profile.target_group, ps.profile.target_group, 10, user=pm)
    part = plan.parts.get(step=0)
    response = pm_client.post(f"/studies/{study.pk}/plan-parts/{part.pk}/undo/", **HTMX)
    assert "Only an applied part can be undone." in response.content.decode()
    assert PlanChange.objects.count() == 1


def test_the_guard_section_says_what_it_did(viewer_client, two):  # noqa: F811
    study, cell, *_ = two
    GuardAct.objects.create(study=study, cell=cell, text="“Male 18–34” reached 500 of its 500 completes: closed at X.")
    page = viewer_client.get(f"/studies/{study.pk}/").content.decode()
    assert "reached 500 of its 500 completes: closed at X." in page
