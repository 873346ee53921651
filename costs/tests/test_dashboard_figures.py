"""The dashboard's pace, finish and spend columns are sorted in the database from the figures the cost step
stored, so its first page costs the same at any account size; above the table, spend and projected spend per
supplier and in total equal the sum of the listed target groups' own figures."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from costs.models import TargetGroupFigures
from costs.recording import record_costs
from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.history.recording import record_snapshot

pytestmark = pytest.mark.django_db


def _names(html):
    return re.findall(r'<a href="/target-groups/\d+/">(Target group [^<]+)</a>', html)


def _fielded(gains, **extra):
    """Target groups whose completes grew by `gains` (one each) over the last three hours, recorded as the
    beat records them, with their cost step run."""
    now = timezone.now()
    tgs = [
        TargetGroupFactory(
            name=f"Target group {i}",
            current_completes=0,
            filling_goal=1000,
            fielding_end_at=now + timedelta(days=5),
            **extra,
        )  # fmt: skip
        for i in range(len(gains))
    ]
    record_snapshot(now - timedelta(hours=3))
    for tg, gain in zip(tgs, gains, strict=True):
        TargetGroup.objects.filter(pk=tg.pk).update(current_completes=gain)
    record_snapshot(now)
    record_costs(now)
    return tgs


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("spend", ["Target group 1", "Target group 2", "Target group 0"]),
        ("-spend", ["Target group 0", "Target group 2", "Target group 1"]),
        ("pace", ["Target group 1", "Target group 2", "Target group 0"]),
        ("-pace", ["Target group 0", "Target group 2", "Target group 1"]),
        ("finish", ["Target group 0", "Target group 2", "Target group 1"]),  # the fastest finishes first
    ],
)
def test_the_dashboard_sorts_on_pace_finish_and_spend(pm_client, sort, expected):
    _fielded([300, 30, 120])

    html = pm_client.get(reverse("projects:dashboard"), {"sort": sort}).content.decode()

    assert _names(html) == expected


def test_the_columns_show_the_stored_figures(pm_client):
    (tg,) = _fielded([120], cpi="2.5000")
    figures = TargetGroupFigures.objects.get(target_group=tg)

    html = pm_client.get(reverse("projects:dashboard")).content.decode()

    assert f"{figures.per_day:.1f}" in html and f'class="badge {figures.verdict}"' in html
    assert "300.00 / 2,500.00 USD" in html  # 120 × 2.50; + 880 × 2.50


def _account(n, project):
    TargetGroup.objects.bulk_create(
        TargetGroup(project=project, remote_id=f"{project.pk}-{i}", name=f"Target group {project.pk}-{i:03d}",
                    status="live", filling_goal=100, current_completes=i, cpi=Decimal("1.25"), cpi_currency="USD")
        for i in range(n)
    )  # fmt: skip
    record_snapshot()
    record_costs()


@pytest.mark.parametrize("sort", ["pace", "-finish", "spend"])
def test_the_dashboard_costs_the_same_queries_at_25_and_60_target_groups(
    pm_client, django_assert_max_num_queries, sort
):
    url = reverse("projects:dashboard")
    project = ProjectFactory()

    def queries():
        with django_assert_max_num_queries(25) as captured:
            assert pm_client.get(url, {"sort": sort}).status_code == 200
        return len(captured.captured_queries)

    _account(25, project)
    few = queries()
    _account(35, ProjectFactory(connection=project.connection))
    assert queries() == few


def _totals(html):
    """{(row label, currency): (to date, projected)} of the spend table above the dashboard's list."""
    table = html.split('id="spend-totals"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r"<t[hd][^>]*>([^<]+)</t[hd]><td class=\"num\">(?:<strong>)?([\d,.]+) (\w+)(?:</strong>)?</td>"
        r"<td class=\"num\">(?:<strong>)?([\d,.]+) \w+",
        table,
    )
    return {(label, currency): (Decimal(spend.replace(",", "")), Decimal(projected.replace(",", "")))
            for label, spend, currency, projected in rows}  # fmt: skip


def test_the_spend_totals_per_supplier_equal_the_sum_of_the_target_groups_figures(pm_client):
    cint = ProjectFactory(connection=ConnectionFactory(kind="cint"))
    purespectrum = ProjectFactory(connection=ConnectionFactory(kind="purespectrum", account_id="ps"))
    for i, (project, cpi, currency) in enumerate(
        [(cint, "2.50", "USD"), (cint, "1.10", "USD"), (cint, "3.00", "EUR"), (purespectrum, "4.20", "USD")]
    ):
        TargetGroupFactory(project=project, current_completes=10 + i, filling_goal=50, cpi=cpi, cpi_currency=currency)
    record_snapshot()
    record_costs()

    totals = _totals(pm_client.get(reverse("projects:dashboard")).content.decode())

    def summed(**where):
        sums = TargetGroupFigures.objects.filter(**where).aggregate(s=Sum("spend"), p=Sum("projected_spend"))
        return sums["s"], sums["p"]

    assert totals == {
        ("Cint Exchange", "EUR"): summed(target_group__project=cint, currency="EUR"),
        ("Cint Exchange", "USD"): summed(target_group__project=cint, currency="USD"),
        ("PureSpectrum", "USD"): summed(target_group__project=purespectrum),
        ("Total in EUR", "EUR"): summed(currency="EUR"),
        ("Total in USD", "USD"): summed(currency="USD"),
    }
    # By hand: 10 × 2.50 + 11 × 1.10 + 13 × 4.20 to date; goals of 50 each at those CPIs.
    assert totals[("Total in USD", "USD")] == (Decimal("91.70"), Decimal("390.00"))


def test_the_spend_totals_follow_the_dashboards_filter(pm_client):
    cint = ProjectFactory(connection=ConnectionFactory(kind="cint"))
    purespectrum = ProjectFactory(connection=ConnectionFactory(kind="purespectrum", account_id="ps"))
    TargetGroupFactory(project=cint, current_completes=10, cpi="1.00")
    TargetGroupFactory(project=purespectrum, current_completes=10, cpi="5.00")
    record_snapshot()
    record_costs()

    html = pm_client.get(reverse("projects:dashboard"), {"supplier": "purespectrum"}).content.decode()

    assert set(_totals(html)) == {("PureSpectrum", "USD"), ("Total in USD", "USD")}
