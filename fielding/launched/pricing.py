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
from decimal import Decimal, InvalidOperation

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


def parse(data, *, predicted):
    """A `RateCard` from the supplier's ``RateCardData`` (None if it is not one)."""
    if not isinstance(data, dict):
        return None
    try:
        lengths = [int(v) for v in data.get("length_of_interview_minutes") or []]
        rates = [Decimal(str(v)) for v in data.get("incidence_rate_percents") or []]
        prices = [[Decimal(str(v)) for v in row] for row in data.get("pricing_table_data") or []]
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not lengths or not rates or len(prices) != len(lengths):
        return None
    return RateCard(
        lengths=lengths,
        rates=rates,
        prices=prices,
        currency=data.get("pricing_table_currency_code") or "",
        country="",
        predicted=predicted,
    )


def _read(tg, client):
    """The card as the supplier answers it: (RateCardData, country, predicted)."""
    if tg.is_launched and is_created(tg):
        data = client.get_target_group_rate_card(tg.project.remote_id, tg.remote_id).data or {}
        predicted = "predicted_rate_card" in data
        card = data.get("predicted_rate_card") if predicted else data.get("bound_rate_card")
        return card, data.get("country_code") or "", predicted
    country = tg.locale.rpartition("_")[2].upper()
    data = client.get_business_unit_rate_card(tg.business_unit_id, country).data or {}
    return data.get("rate_card_data"), data.get("country_code") or country, True


def rate_card(tg, client=None):
    """The TG's rate card with its current cell marked, or None when the supplier has none for it.

    Raises the supplier's errors (``suppliers.errors``); a 404 (no rate card: dynamic pricing) is None.
    """
    from suppliers import errors

    key = f"rate-card:{tg.pk}:{tg.status}:{tg.business_unit_id}:{tg.locale}"
    answer = cache.get(key)
    if answer is None:
        try:
            if client is None:
                from sync.adapters import open_client

                with open_client(tg.project.connection) as client:
                    answer = _read(tg, client)
            else:
                answer = _read(tg, client)
        except errors.NotFound:
            answer = (None, "", True)
        cache.set(key, answer, CACHE_SECONDS)
    data, country, predicted = answer
    card = parse(data, predicted=predicted)
    if card is None:
        return None
    card.country = country
    card.measured = measures(tg)
    if card.measured["loi"] and card.measured["ir"] is not None:
        card.current = cell(card.lengths, card.rates, card.measured["loi"], card.measured["ir"])
    return card
