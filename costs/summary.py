"""What the cost panel, the project page and the dashboard show: spend, projected spend, CPI changes and
budget warnings, each read in a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import Sum

from projects.models import SupplierKind

from .models import CpiPeriod, ProjectBudget, TargetGroupBudget, TargetGroupFigures
from .spend import amount_words, budget_warnings, projected_spend, spend_by_currency


@dataclass
class CpiChange:
    at: object
    before: object  # None for the first CPI the cockpit knew
    after: object
    currency: str


@dataclass
class TargetGroupCost:
    cpi: object
    currency: str
    spend: object
    projected: object
    budget: object
    changes: list
    warnings: list
    # Spend in currencies the target group was priced in before its currency changed: {currency: amount}.
    other_currencies: dict = field(default_factory=dict)
    first_known_at: object = None


def target_group_cost(tg):
    """The `TargetGroupCost` of `tg`, from its CPI periods and completes now (two queries). Before the cost
    step has opened a period, the CPI now stands for all its completes."""
    periods = list(CpiPeriod.objects.filter(target_group=tg).order_by("from_at"))
    priced = [(p.cpi, p.currency, p.completes_before) for p in periods]
    if not priced and tg.cpi is not None:
        priced = [(tg.cpi, tg.cpi_currency, None)]
    spent = spend_by_currency(priced, tg.current_completes)
    currency = priced[-1][1] if priced else tg.cpi_currency
    spend = spent.pop(currency, None)
    projected = projected_spend(spend, tg.current_completes, tg.filling_goal, tg.cpi)
    budget = TargetGroupBudget.objects.filter(target_group=tg).values_list("amount", flat=True).first()
    changes = [
        CpiChange(at=p.from_at, before=prior.cpi if prior else None, after=p.cpi, currency=p.currency)
        for prior, p in zip([None, *periods], periods, strict=False)
    ]
    return TargetGroupCost(
        cpi=tg.cpi,
        currency=currency,
        spend=spend,
        projected=projected,
        budget=budget,
        changes=changes[::-1],
        warnings=budget_warnings(budget, currency, spend, projected),
        other_currencies=spent,
        first_known_at=periods[0].from_at if periods else None,
    )


def spend_totals(target_groups):
    """Spend and projected spend of `target_groups` (a queryset) by supplier and currency, and in total per
    currency, from their stored figures, in one aggregate query:
    ``{"suppliers": [(supplier, currency, spend, projected)], "totals": [(currency, spend, projected)]}``."""
    rows = (
        TargetGroupFigures.objects.filter(target_group__in=target_groups.order_by().values("pk"), spend__isnull=False)
        .values("target_group__project__connection__kind", "currency")
        .annotate(spend=Sum("spend"), projected=Sum("projected_spend"))
        .order_by("target_group__project__connection__kind", "currency")
    )
    suppliers, totals = [], {}
    for row in rows:
        kind, currency = row["target_group__project__connection__kind"], row["currency"]
        suppliers.append((SupplierKind(kind).label, currency, row["spend"], row["projected"]))
        spend, projected = totals.get(currency, (0, 0))
        totals[currency] = (spend + row["spend"], projected + (row["projected"] or 0))
    return {"suppliers": suppliers, "totals": [(c, s, p) for c, (s, p) in sorted(totals.items())]}


def project_cost(project):
    """A project's spend and projected spend per currency (its target groups' stored figures), its budget and
    the warnings on it, in two queries. Spend in another currency than the budget's is said, not compared."""
    by_currency = list(
        TargetGroupFigures.objects.filter(target_group__project=project, spend__isnull=False)
        .values("currency")
        .annotate(spend=Sum("spend"), projected=Sum("projected_spend"))
        .order_by("currency")
    )
    budget = ProjectBudget.objects.filter(project=project).first()
    warnings, uncompared = [], []
    if budget is not None:
        same = [row for row in by_currency if row["currency"] == budget.currency]
        spend = same[0]["spend"] if same else 0
        projected = (same[0]["projected"] or spend) if same else 0
        warnings = budget_warnings(budget.amount, budget.currency, spend, projected)
        uncompared = [
            f"Spend of {amount_words(row['spend'], row['currency'])} is in another currency than the budget "
            f"({budget.currency}) and is not compared with it."
            for row in by_currency
            if row["currency"] != budget.currency
        ]
    return {"by_currency": by_currency, "budget": budget, "warnings": warnings, "uncompared": uncompared}
