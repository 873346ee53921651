"""Spend to date is each complete priced at the CPI in force when it came, as the cockpit recorded its CPI and
completes over time; projected spend adds what the goal still needs at the CPI now."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from costs.models import CpiPeriod, TargetGroupFigures
from costs.recording import record_costs
from costs.summary import target_group_cost
from projects.models import TargetGroup
from projects.tests.factories import TargetGroupFactory
from quotas.history.models import TargetGroupPoint
from quotas.history.recording import record_snapshot
from quotas.tasks import record_history

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def interval(tg, at, **moved):
    """The mirror moves (as a sync, a webhook or an applied change writes it), then the beat's interval runs:
    the history's snapshot, then the cost step."""
    if moved:
        TargetGroup.objects.filter(pk=tg.pk).update(**moved)
    record_snapshot(at)
    record_costs(at)
    tg.refresh_from_db()
    return TargetGroupFigures.objects.get(target_group=tg)


@pytest.fixture
def tg():
    return TargetGroupFactory(current_completes=0, filling_goal=100, cpi="1.5000", cpi_currency="USD")


def test_spend_across_a_cpi_change_prices_each_complete_at_the_cpi_then(tg):
    interval(tg, T0)
    interval(tg, T0 + MINUTE, current_completes=10)
    figures = interval(tg, T0 + 2 * MINUTE, cpi=Decimal("2.00"))
    assert figures.spend == Decimal("15.00")

    figures = interval(tg, T0 + 3 * MINUTE, current_completes=15)

    assert figures.spend == Decimal("25.00")  # 10 × 1.50 + 5 × 2.00
    assert figures.projected_spend == Decimal("195.00")  # 25.00 + 85 to go × 2.00
    assert figures.currency == "USD"
    assert target_group_cost(tg).spend == Decimal("25.00")  # the panel reads the same


def test_completes_and_a_cpi_change_in_one_interval_price_that_intervals_completes_at_the_new_cpi(tg):
    interval(tg, T0, current_completes=10)
    figures = interval(tg, T0 + MINUTE, current_completes=15, cpi=Decimal("2.00"))

    assert figures.spend == Decimal("25.00")
    assert list(CpiPeriod.objects.values_list("from_at", "cpi", "completes_before")) == [
        (T0, Decimal("1.5"), None),
        (T0 + MINUTE, Decimal("2"), 10),
    ]


def test_completes_before_the_first_known_cpi_are_priced_at_it():
    tg = TargetGroupFactory(current_completes=40, filling_goal=100, cpi="3.0000")

    figures = interval(tg, T0)

    assert figures.spend == Decimal("120.00")
    assert figures.projected_spend == Decimal("300.00")
    page = target_group_cost(tg)
    assert page.first_known_at == T0 and page.changes[0].before is None


def test_two_cpi_changes_back_and_forth(tg):
    interval(tg, T0, current_completes=10)  # 10 × 1.50
    interval(tg, T0 + MINUTE, cpi=Decimal("2.00"), current_completes=20)  # 10 × 2.00
    figures = interval(tg, T0 + 2 * MINUTE, cpi=Decimal("1.50"), current_completes=24)  # 4 × 1.50

    assert figures.spend == Decimal("41.00")
    changes = target_group_cost(tg).changes
    assert [(c.before, c.after) for c in changes if c.before is not None] == [
        (Decimal("2"), Decimal("1.5")),
        (Decimal("1.5"), Decimal("2")),
    ]


def test_spend_outlives_the_pruned_history(tg):
    interval(tg, T0, current_completes=10)
    interval(tg, T0 + MINUTE, cpi=Decimal("2.00"), current_completes=15)
    TargetGroupPoint.objects.all().delete()

    assert target_group_cost(tg).spend == Decimal("25.00")


def test_a_currency_change_keeps_the_earlier_spend_apart(tg):
    interval(tg, T0, current_completes=10)
    figures = interval(tg, T0 + MINUTE, cpi=Decimal("2.00"), cpi_currency="EUR", current_completes=15)

    assert (figures.spend, figures.currency) == (Decimal("10.00"), "EUR")
    cost = target_group_cost(tg)
    assert cost.other_currencies == {"USD": Decimal("15.00")}


def test_a_goal_change_alone_moves_the_projected_spend(tg):
    interval(tg, T0, current_completes=10)

    figures = interval(tg, T0 + MINUTE, filling_goal=200)

    assert figures.projected_spend == Decimal("300.00")  # 15.00 + 190 × 1.50


def test_nothing_moved_nothing_written(tg):
    interval(tg, T0, current_completes=10)

    assert record_costs(T0 + MINUTE) == {"cpi_periods": 0, "figures": 0}


def test_a_target_group_without_a_cpi_has_no_spend():
    tg = TargetGroupFactory(cpi=None, cpi_currency="")

    figures = interval(tg, T0)

    assert figures.spend is None and figures.projected_spend is None
    assert not CpiPeriod.objects.exists()


def test_drafts_are_not_priced():
    TargetGroupFactory(status=TargetGroup.Status.DRAFT)

    assert record_costs(T0) == {"cpi_periods": 0, "figures": 0}


def test_the_beats_task_runs_the_cost_step_after_the_snapshot(tg):
    TargetGroup.objects.filter(pk=tg.pk).update(current_completes=4)
    record_history()

    figures = TargetGroupFigures.objects.get(target_group=tg)
    assert figures.spend == Decimal("6.00") and figures.completes == 4
    assert CpiPeriod.objects.filter(target_group=tg).count() == 1


def test_the_cost_step_costs_statements_per_batch_not_per_target_group():
    def counted(n, at):
        tgs = TargetGroupFactory.create_batch(n, current_completes=3)
        record_snapshot(at)
        with CaptureQueriesContext(connection) as captured:
            assert record_costs(at)["figures"] == n
        TargetGroup.objects.filter(pk__in=[t.pk for t in tgs]).update(status=TargetGroup.Status.DRAFT)
        return len(captured)

    few, many = counted(10, T0), counted(120, T0 + MINUTE)
    assert few <= 10
    assert many <= few + 2  # SQLite splits one upsert of 120 rows by its limit of variables; PostgreSQL does not


def test_the_cost_panel_lists_the_cpi_changes_and_says_how_completes_are_priced(pm_client, tg):
    interval(tg, T0, current_completes=10)
    interval(tg, T0 + MINUTE, cpi=Decimal("2.00"), current_completes=15)

    html = pm_client.get(tg.get_absolute_url()).content.decode()

    panel = html.split('id="cost-panel"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num">1.50</td><td class="num">2.00 USD</td>' in panel
    assert "25.00 USD" in panel  # spend to date
    assert "195.00 USD" in panel  # projected: 25.00 + 85 × 2.00
    assert "completes from before then are priced at that first CPI" in panel
