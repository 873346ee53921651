"""Rate cards: the price per complete for each length of interview (LOI) and incidence rate (IR).

A launched target group's card comes from the target group itself: "predicted" (the latest
version, which may still be replaced) until the target group has first gone live, then the
card bound to it. A draft's comes from its business unit, for its country. Reads are cached
for a minute (`CACHE_SECONDS`): a card changes rarely and the cockpit page draws it often.

Which cell applies (an assumption, see ``suppliers/cint/NOTES.md``): the first row whose LOI
is at least the target group's and the first column whose IR is at most its IR, so a
target group between two cells is priced by the dearer one, the last row or column beyond.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache

from fielding.drafts.body import is_created

CACHE_SECONDS = 60


@dataclass
class RateCard:
    lengths: list  # LOI of each row, minutes
    rates: list  # IR of each column, percent
    prices: list  # prices[row][column]
    currency: str
    country: str
    predicted: bool
    # Where the cockpit's target group falls: (row, column), and what it is measured by.
    current: tuple | None = None
    measured: dict = field(default_factory=dict)

    @property
    def current_price(self):
        if self.current is None:
            return None
        row, column = self.current
        return self.prices[row][column]

    def rows(self):
        """[(loi, [(ir, price, is_current)])] for a template."""
        return [
            (
                loi,
                [
                    (self.rates[c], price, self.current == (r, c))
                    for c, price in enumerate(self.prices[r][: len(self.rates)])
                ],
            )
            for r, loi in enumerate(self.lengths)
        ]


def cell(lengths, rates, loi, ir_percent):
    """(row, column) of the cell for this LOI (minutes) and IR (percent)."""
    row = next((i for i, value in enumerate(lengths) if value >= loi), len(lengths) - 1)
    column = next((i for i, value in enumerate(rates) if value <= ir_percent), len(rates) - 1)
    return row, column


def measures(tg):
    """The LOI (minutes) and IR (percent) to price `tg` at: the actual ones once the supplier
    has measured them, the expected ones before; with which of the two each is."""
    if tg.measured_median_loi_seconds:
        loi, loi_kind = Decimal(tg.measured_median_loi_seconds) / 60, "actual"
    else:
        loi, loi_kind = tg.expected_length_of_interview_minutes, "expected"
    if tg.incidence_rate is not None and tg.current_completes:
        ir, ir_kind = tg.incidence_rate * 100, "actual"
    elif tg.expected_incidence_rate is not None:
        ir, ir_kind = tg.expected_incidence_rate * 100, "expected"
    else:
        ir, ir_kind = None, ""
    return {"loi": loi, "loi_kind": loi_kind, "ir": ir, "ir_kind": ir_kind}


def _read(tg, adapter):
    """The card as the supplier answers it (a `RateCardRecord` or None)."""
    if tg.is_launched and is_created(tg):
        return adapter.launched.rate_card(tg.ref)
    return adapter.drafts.business_unit_rate_card(tg.business_unit_id, tg.locale.rpartition("_")[2].upper())


def rate_card(tg):
    """The TG's rate card with its current cell marked, or None when the supplier has none for it.

    Raises the supplier's errors (``suppliers.errors``); a 404 (no rate card: dynamic pricing) is None.
    """
    from suppliers import errors

    key = f"rate-card-record:{tg.pk}:{tg.status}:{tg.business_unit_id}:{tg.locale}"
    answer = cache.get(key)
    if answer is None:
        from sync.adapters import open_adapter

        try:
            with open_adapter(tg.project.connection) as adapter:
                answer = (_read(tg, adapter),)
        except errors.NotFound:
            answer = (None,)
        cache.set(key, answer, CACHE_SECONDS)
    (found,) = answer
    if found is None:
        return None
    card = RateCard(
        lengths=found.lengths,
        rates=found.rates,
        prices=found.prices,
        currency=found.currency,
        country=found.country,
        predicted=found.predicted,
    )
    card.measured = measures(tg)
    if card.measured["loi"] and card.measured["ir"] is not None:
        card.current = cell(card.lengths, card.rates, card.measured["loi"], card.measured["ir"])
    return card
