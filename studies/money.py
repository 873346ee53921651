"""A study's money: each target group's spend to date (the CPI in force when each complete came, as the
cost panel reckons it: `costs.spend`), its CPI and currency, and the spend still to come at its CPI for what
its allocations still want; for the study, spend to date, projected spend against the budget, blended CPI.

Amounts in different currencies are never added: the study's totals are in the study's currency, and
what is in another is said in words beside them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from costs.spend import amount_words, budget_warnings, money, spend_by_currency


@dataclass
class StudyMoney:
    currency: str
    spend: Decimal | None
    projected: Decimal | None
    budget: Decimal | None
    blended_cpi: Decimal | None
    blended_why: str
    warnings: list
    notes: list = field(default_factory=list)  # what is left out of the totals, and why


def _priced(periods):
    by_target_group = {}
    for period in periods:
        by_target_group.setdefault(period.target_group_id, []).append(
            (period.cpi, period.currency, period.completes_before)
        )
    return by_target_group


def _column_money(column, priced):
    """Spend, spend in older currencies and projected spend of one column (as `target_group_cost` does)."""
    if not priced and column.cpi is not None:
        priced = [(column.cpi, column.currency, None)]
    spent = spend_by_currency(priced, column.completes)
    if priced:
        column.currency = priced[-1][1]
    column.spend = spent.pop(column.currency, None)
    column.other_spend = spent
    if column.cpi is not None and column.spend is not None and not column.unknown_remaining:
        column.projected = money(column.spend + column.remaining * Decimal(column.cpi))


def _remaining(figures):
    for index, column in enumerate(figures.columns):
        shares = [cell.shares[index] for cell in figures.cells if cell.shares[index] is not None]
        column.unknown_remaining = any(share.remaining is None for share in shares)
        column.remaining = sum(share.remaining or 0 for share in shares)


def study_money(figures, periods):
    """The `StudyMoney` of `figures` (its columns get their own money too), from the CPI `periods` of its
    target groups (oldest first)."""
    _remaining(figures)
    priced = _priced(periods)
    study = figures.study
    spend, projected, completes, notes = Decimal(0), Decimal(0), 0, []
    for column in figures.columns:
        _column_money(column, priced.get(column.target_group.pk, []))
        who = f"{column.supplier} ({column.name})"
        for currency, amount in column.other_spend.items():
            notes.append(f"{who} spent {amount_words(amount, currency)} before its CPI changed currency: not added.")
        if column.spend is None:
            notes.append(f"No CPI is known for {who}: its spend is not known and is left out.")
            continue
        if column.currency != study.currency:
            notes.append(
                f"{who} spends in {column.currency or 'an unnamed currency'} "
                f"({amount_words(column.spend, column.currency)} to date), not in the study's {study.currency}: "
                "not added."
            )
            continue
        spend += column.spend
        completes += column.completes
        if column.projected is None:
            notes.append(f"{who} does not count some of its completes: its projected spend is left out.")
        else:
            projected += column.projected
    spend = money(spend) if figures.columns else None
    projected = money(projected) if figures.columns else None
    if not completes:
        blended, blended_why = None, "No completes yet in the study's currency"
    else:
        blended, blended_why = money(spend / completes), ""
    warnings = budget_warnings(study.budget, study.currency, spend, projected)
    return StudyMoney(study.currency, spend, projected, study.budget, blended, blended_why, warnings, notes)
