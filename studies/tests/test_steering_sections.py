"""Nothing a PM types on the study page is wiped: "Allocate" and "Move" are sections of their own, drawn when
opened, outside the part that re-draws when a change settles (the plan changes and the guard's acts). Sending
answers with the section as typed and the plan changes out of band; without htmx the page still works."""

import re

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from quotas.models import Quota
from quotas.tests.factories import ProfileFactory, QuotaFactory
from studies.models import PlanChange
from studies.plans import move
from studies.tests.builders import study_over
from studies.tests.test_plans import quota
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def two_cells(db):
    """Two cells, each at Cint (achieved 120 of 300 / 40 of 100) and PureSpectrum (50 of 200 / 10 of 100)."""
    cint_male, ps_male = quota(SupplierKind.CINT, 300, 120), quota(SupplierKind.PURESPECTRUM, 200, 50)
    cint_tg, ps_tg = cint_male.profile.target_group, ps_male.profile.target_group
    cint_female = QuotaFactory(profile=ProfileFactory(target_group=cint_tg), text="Female", completes_goal=100,
                               completes=40, traffic_cap=None)  # fmt: skip
    ps_female = QuotaFactory(profile=ProfileFactory(target_group=ps_tg), text="Female", completes_goal=100,
                             completes=10, traffic_cap=None)  # fmt: skip
    study, cells = study_over({"Male": (500, [cint_male, ps_male]), "Female": (200, [cint_female, ps_female])})
    return study, cells, cint_tg, ps_tg


def goal_field(cell, tg):
    return f"goal-{cell.pk}-{tg.pk}"


def value_of(html, name):
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no field {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def test_the_study_page_draws_neither_form_until_its_section_is_opened(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    page = pm_client.get(study.get_absolute_url()).content.decode()

    allocate, move_url = reverse("studies:allocate", args=[study.pk]), reverse("studies:move", args=[study.pk])
    assert f'hx-get="{allocate}"' in page and f'href="{allocate}#study-allocate-section"' in page
    assert f'hx-get="{move_url}"' in page and f'href="{move_url}#study-move-section"' in page
    assert f'name="{goal_field(cells["Male"], cint)}"' not in page and 'name="n"' not in page


def test_a_settle_redraw_carries_no_field_a_pm_types_in(pm_client, pm, two_cells):
    study, cells, cint, ps = two_cells
    move(study, cells["Male"], cint, ps, 10, user=pm)
    redraw = pm_client.get(reverse("studies:plans", args=[study.pk]), **HTMX).content.decode()

    assert 'id="study-plans"' in redraw and "Move 10 of Male" in redraw  # the plan changes are there
    for typed in ('<input type="number"', "<select", "<textarea", 'name="n"', "goal-"):
        assert typed not in redraw
    assert reverse("studies:allocate", args=[study.pk]) not in redraw
    assert reverse("studies:move", args=[study.pk]) not in redraw


def test_the_sections_open_for_htmx_and_at_their_own_url(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    for name, field in (("studies:allocate", goal_field(cells["Female"], ps)), ("studies:move", "n")):
        url = reverse(name, args=[study.pk])
        section = pm_client.get(url, **HTMX).content.decode()
        assert "<html" not in section and f'name="{field}"' in section and 'id="study-plans"' not in section
        opened = pm_client.get(url).content.decode()
        assert "<html" in opened and f'name="{field}"' in opened
        assert f'id="study-{name.split(":")[1]}-section" open' in opened
    allocate = pm_client.get(reverse("studies:allocate", args=[study.pk]), **HTMX).content.decode()
    assert value_of(allocate, goal_field(cells["Male"], cint)) == "300"  # today's goal at Cint


def test_a_refused_allocation_keeps_every_value_typed_and_says_why_next_to_the_field(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    typed = {
        goal_field(cells["Male"], cint): "100",  # below the 120 Cint achieved
        goal_field(cells["Male"], ps): "400",
        goal_field(cells["Female"], cint): "130",
        goal_field(cells["Female"], ps): "70",
    }
    response = pm_client.post(reverse("studies:allocate", args=[study.pk]), {"mode": "numbers", **typed}, **HTMX)

    html = response.content.decode()
    assert 'id="study-allocate"' in html and "<html" not in html
    assert f'id="{goal_field(cells["Male"], cint)}-error"' in html and "has achieved 120" in html
    assert {name: value_of(html, name) for name in typed} == typed
    assert 'id="study-plans"' not in html  # nothing was sent: the plan changes stay as they are
    assert not PlanChange.objects.exists() and not RemoteChange.objects.exists()


def test_an_allocation_that_is_not_a_number_keeps_what_was_typed(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    typed = {goal_field(cells["Male"], cint): "three hundred", goal_field(cells["Male"], ps): "250"}
    html = pm_client.post(reverse("studies:allocate", args=[study.pk]), {"mode": "numbers", **typed},
                          **HTMX).content.decode()  # fmt: skip
    assert f'id="{goal_field(cells["Male"], cint)}-error"' in html
    assert value_of(html, goal_field(cells["Male"], cint)) == "three hundred"
    assert value_of(html, goal_field(cells["Male"], ps)) == "250"
    assert not PlanChange.objects.exists()


def test_an_allocation_sent_answers_with_the_section_as_typed_and_the_plan_changes_out_of_band(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    typed = {
        goal_field(cells["Male"], cint): "250",
        goal_field(cells["Male"], ps): "250",
        goal_field(cells["Female"], cint): "100",
        goal_field(cells["Female"], ps): "100",
    }
    response = pm_client.post(reverse("studies:allocate", args=[study.pk]), {"mode": "numbers", **typed}, **HTMX)

    html = response.content.decode()
    plan = PlanChange.objects.get()
    section, plans = html.split('<div id="study-plans"', 1)
    assert 'id="allocate-message"' in section and "Plan change asked" in section
    assert {name: value_of(section, name) for name in typed} == typed
    assert 'hx-swap-oob="true"' in plans and f'id="plan-change-{plan.pk}"' in plans
    assert plan.parts.get(step=0).goals == {Quota.objects.get(profile__target_group=cint, text="Male").remote_id: 250}


def test_a_move_sent_answers_with_the_section_and_the_plan_changes_out_of_band(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    data = {"n": "30", "cell": cells["Female"].pk, "from_tg": cint.pk, "to_tg": ps.pk}
    html = pm_client.post(reverse("studies:move", args=[study.pk]), data, **HTMX).content.decode()

    section, plans = html.split('<div id="study-plans"', 1)
    assert 'id="move-message"' in section and "Move 30 of Female" in section
    assert value_of(section, "n") is None  # the next move's size is typed afresh
    assert f'<option value="{cells["Female"].pk}" selected>' in section
    assert 'hx-swap-oob="true"' in plans and "Move 30 of Female" in plans


def test_without_javascript_a_refused_allocation_is_the_whole_page_with_the_section_open(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    typed = {
        goal_field(cells["Male"], cint): "100",  # below the 120 Cint achieved
        goal_field(cells["Male"], ps): "400",
        goal_field(cells["Female"], cint): "100",
        goal_field(cells["Female"], ps): "100",
    }
    response = pm_client.post(reverse("studies:allocate", args=[study.pk]), {"mode": "numbers", **typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html and 'id="study-allocate-section" open' in html and 'id="combined-grid"' in html
    assert "has achieved 120" in html and {name: value_of(html, name) for name in typed} == typed
    assert not PlanChange.objects.exists()


def test_without_javascript_a_refused_move_is_the_whole_page_with_the_section_open(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    data = {"n": "250", "cell": cells["Male"].pk, "from_tg": cint.pk, "to_tg": ps.pk}
    response = pm_client.post(reverse("studies:move", args=[study.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="study-move-section" open' in html and 'id="move-n-error"' in html and value_of(html, "n") == "250"
    assert not PlanChange.objects.exists()


def test_without_javascript_what_is_sent_redirects_to_the_study_with_a_message(pm_client, two_cells):
    study, cells, cint, ps = two_cells
    data = {"n": "30", "cell": cells["Female"].pk, "from_tg": cint.pk, "to_tg": ps.pk}
    response = pm_client.post(reverse("studies:move", args=[study.pk]), data, follow=True)

    assert response.redirect_chain[-1][0] == study.get_absolute_url()
    assert "Plan change asked: Move 30 of Female" in response.content.decode()
    assert PlanChange.objects.count() == 1


def test_a_viewer_opens_the_sections_and_sees_no_form(viewer_client, two_cells):
    study, cells, cint, ps = two_cells
    allocate = viewer_client.get(reverse("studies:allocate", args=[study.pk]), **HTMX).content.decode()
    assert "<form" not in allocate and ">300<" in allocate  # today's goal at Cint, to read
    moving = viewer_client.get(reverse("studies:move", args=[study.pk]), **HTMX).content.decode()
    assert "<form" not in moving and "Only project managers move goals." in moving
    assert 'id="study-move-section"' not in viewer_client.get(study.get_absolute_url()).content.decode()


def test_the_sections_of_a_study_that_does_not_exist_are_404_with_the_layout(pm_client):
    for name in ("studies:allocate", "studies:move", "studies:plans"):
        response = pm_client.get(reverse(name, args=[999999]))
        assert response.status_code == 404 and "Quota cockpit" in response.content.decode()
