"""Spend from the CPI in force over time, projected spend at the goal, and budget warnings: pure functions
over values the pages and the cost step read.

Spend to date is the completes gained while each CPI was in force, each priced at that CPI. A period's
completes run from the count before it (`CpiPeriod.completes_before`) to the count before the next one
(the last period: to the completes now). Completes that came in the recording interval a CPI changed in are
priced at the new CPI. Completes from before the first CPI the cockpit knew are priced at that first CPI:
the cockpit cannot know an earlier one.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# A budget warns when spend (or projected spend) reaches these shares of it.
NEAR_BUDGET = Decimal("0.8")
AT_BUDGET = Decimal("1")


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def spend_by_currency(periods, completes):
    """``{currency: spend}`` of a target group with `completes` now, from its `periods` (``[(cpi, currency,
    completes_before)]``, oldest first). Empty without a known CPI."""
    if not periods:
        return {}
    spent = {}
    bounds = [0] + [before for _, _, before in periods[1:]] + [completes]
    last = 0
    for (cpi, currency, _), upto in zip(periods, bounds[1:], strict=True):
        upto = last if upto is None else upto  # no point before the change: nothing came in between
        spent[currency] = spent.get(currency, Decimal(0)) + Decimal(cpi) * (upto - last)
        last = upto
    return {currency: money(max(Decimal(0), amount)) for currency, amount in spent.items()}


def projected_spend(spend, completes, goal, cpi):
    """Spend at the goal: spend to date and the completes still to come at the CPI now (None without a CPI)."""
    if cpi is None or spend is None:
        return None
    return money(spend + max(0, goal - completes) * Decimal(cpi))


def amount_words(amount, currency):
    return f"{amount:,.2f} {currency}".strip()


@dataclass(frozen=True)
class BudgetWarning:
    level: str  # "warn" at 80 % of the budget, "bad" at 100 %
    text: str


def budget_warnings(budget, currency, spend=None, projected=None):
    """What a PM reads about `spend` to date and `projected` spend against `budget` (all in `currency`):
    a warning at 80 % of the budget, a stronger one at 100 %."""
    if budget is None or budget <= 0:
        return []
    said = []
    for what, amount in (("Spend to date", spend), ("Projected spend", projected)):
        if amount is None:
            continue
        share = amount / budget
        if share >= AT_BUDGET:
            above = "above" if amount > budget else "at"
            said.append(
                BudgetWarning(
                    "bad",
                    f"{what} {amount_words(amount, currency)} is {above} the budget {amount_words(budget, currency)}.",
                )  # fmt: skip
            )
        elif share >= NEAR_BUDGET:
            said.append(
                BudgetWarning(
                    "warn",
                    f"{what} {amount_words(amount, currency)} is {int(share * 100)}% of the budget "
                    f"{amount_words(budget, currency)}.",
                )  # fmt: skip
            )
    return said
