"""A budget per target group and per project: a project manager sets it next to the spend, bad input is said
next to the field and the stored budget stays, a viewer cannot, and warnings come at 80 % and 100 %."""

from decimal import Decimal

import pytest
from django.urls import reverse

from costs.models import ProjectBudget, TargetGroupBudget
from costs.recording import record_costs
from costs.spend import budget_warnings
from projects.tests.factories import TargetGroupFactory
from quotas.history.recording import record_snapshot

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tg():
    # 120 completes at 2.50 USD: 300.00 spent; 380 to go: 1,250.00 projected.
    return TargetGroupFactory(current_completes=120, filling_goal=500, cpi="2.5000", cpi_currency="USD")


def _panel(client, tg):
    return client.get(reverse("costs:cost", args=[tg.pk]), **HTMX).content.decode()


@pytest.mark.parametrize(
    ("budget", "said"),
    [
        ("379.75", []),  # spend 300.00 is 79 % of it
        ("375.00", ["Spend to date 300.00 USD is 80% of the budget 375.00 USD."]),
        ("300.00", ["Spend to date 300.00 USD is at the budget 300.00 USD."]),
    ],
)
def test_spend_warns_at_80_and_100_percent_of_the_budget(pm_client, tg, budget, said):
    TargetGroupBudget.objects.create(target_group=tg, amount=Decimal(budget))

    html = _panel(pm_client, tg)

    for text in said:
        assert text in html
    projected = f"Projected spend 1,250.00 USD is above the budget {Decimal(budget):,.2f} USD."
    assert projected in html
    assert html.count("budget-warning") == len(said) + 1


def test_projected_spend_warns_before_spend_does():
    assert [w.text for w in budget_warnings(Decimal("3000"), "USD", Decimal("1000"), Decimal("3400"))] == [
        "Projected spend 3,400.00 USD is above the budget 3,000.00 USD."
    ]
    assert [w.level for w in budget_warnings(Decimal("1000"), "USD", Decimal("790"), Decimal("800"))] == ["warn"]
    assert budget_warnings(Decimal("1000"), "USD", Decimal("100"), Decimal("799.99")) == []


def test_a_project_manager_sets_a_budget_from_the_panel(pm_client, tg):
    response = pm_client.post(reverse("costs:budget", args=[tg.pk]), {"amount": "1000"}, **HTMX)

    assert TargetGroupBudget.objects.get(target_group=tg).amount == Decimal("1000.00")
    html = response.content.decode()
    assert "The budget is 1,000.00 USD." in html
    assert "Projected spend 1,250.00 USD is above the budget 1,000.00 USD." in html


def test_an_empty_budget_removes_it(pm_client, tg):
    TargetGroupBudget.objects.create(target_group=tg, amount=Decimal("900"))

    pm_client.post(reverse("costs:budget", args=[tg.pk]), {"amount": ""}, **HTMX)

    assert not TargetGroupBudget.objects.filter(target_group=tg).exists()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("-5", "A budget is more than 0; leave the field empty for no budget."),
        ("0", "A budget is more than 0; leave the field empty for no budget."),
        ("a lot", "Enter the budget as a number, for example 3000 or 2500.50."),
        ("1e400", "A budget is at most 1,000,000,000."),
        ("99999999999999999999", "A budget is at most 1,000,000,000."),
        ("NaN", "Enter the budget as a number, for example 3000 or 2500.50."),
        ("12.345", "A budget has at most two decimals (cents)."),
    ],
)
def test_bad_budget_input_is_said_next_to_the_field_and_the_stored_budget_stays(pm_client, tg, typed, said):
    TargetGroupBudget.objects.create(target_group=tg, amount=Decimal("900"))

    response = pm_client.post(reverse("costs:budget", args=[tg.pk]), {"amount": typed}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert said in html.replace("&#x27;", "'")
    assert f'value="{typed}"' in html  # what the PM typed comes back
    assert TargetGroupBudget.objects.get(target_group=tg).amount == Decimal("900")


def test_bad_budget_input_without_javascript_shows_the_page_with_the_field_marked(pm_client, tg):
    response = pm_client.post(reverse("costs:budget", args=[tg.pk]), {"amount": "-1"})

    assert response.status_code == 400
    assert "A budget is more than 0" in response.content.decode()


def test_a_viewer_sees_the_budget_but_cannot_set_it(viewer_client, tg):
    TargetGroupBudget.objects.create(target_group=tg, amount=Decimal("900"))

    assert 'id="budget-form"' not in _panel(viewer_client, tg)
    response = viewer_client.post(reverse("costs:budget", args=[tg.pk]), {"amount": "5"}, **HTMX)

    assert response.status_code == 403
    assert TargetGroupBudget.objects.get(target_group=tg).amount == Decimal("900")


def test_the_target_groups_page_shows_the_cost_panel(pm_client, tg):
    html = pm_client.get(tg.get_absolute_url()).content.decode()

    assert 'id="cost-panel"' in html
    assert "300.00 USD" in html and "1,250.00 USD" in html


def test_a_target_group_without_a_cpi_has_no_cost_panel(pm_client):
    tg = TargetGroupFactory(cpi=None, cpi_currency="")

    assert 'id="cost-panel"' not in pm_client.get(tg.get_absolute_url()).content.decode()


def test_the_project_budget_compares_its_target_groups_spend_in_its_currency(pm_client, tg):
    TargetGroupFactory(project=tg.project, current_completes=10, cpi="3.0000", cpi_currency="USD")  # 30.00
    TargetGroupFactory(project=tg.project, current_completes=10, cpi="1.0000", cpi_currency="EUR")  # 10.00 EUR
    record_snapshot()
    record_costs()

    response = pm_client.post(
        reverse("costs:project_budget", args=[tg.project.pk]), {"amount": "400", "currency": "usd"}, **HTMX
    )

    assert ProjectBudget.objects.get(project=tg.project).currency == "USD"
    html = response.content.decode()
    assert "Spend to date 330.00 USD is 82% of the budget 400.00 USD." in html
    assert "Spend of 10.00 EUR is in another currency than the budget (USD) and is not compared with it." in html
    page = pm_client.get(tg.project.get_absolute_url()).content.decode()
    assert 'id="project-cost"' in page and "82% of the budget" in page


def test_a_project_budget_needs_its_currency(pm_client, tg):
    ProjectBudget.objects.create(project=tg.project, amount=Decimal("50"), currency="USD")

    response = pm_client.post(reverse("costs:project_budget", args=[tg.project.pk]), {"amount": "9"}, **HTMX)

    assert "Say which currency the budget is in" in response.content.decode()
    assert ProjectBudget.objects.get(project=tg.project).amount == Decimal("50")
