"""Rate cards: the price per complete for each length of interview (rows) and incidence
rate (columns), per business unit currency and country.

A target group on rate-card pricing is charged the cell its LOI and IR fall into: the
first row whose LOI is at least the target group's (the last row beyond), and the first
column whose IR is at most the target group's (the last column below). Prices rise with
the interview length and fall as the incidence rate grows. A target group's card is
"predicted" until it first goes live, then "bound" to it.
"""

import base64
from decimal import ROUND_HALF_UP, Decimal

from .feasibility import suggested_cpi

LENGTHS_OF_INTERVIEW = [3, 6, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]
INCIDENCE_RATE_PERCENTS = [75, 50, 30, 20, 15, 10, 7, 5, 3, 1]
VERSION = 16
# How much dearer sample is per country, and what one US dollar of it costs in each currency.
COUNTRY_FACTOR = {"US": Decimal("1.00"), "GB": Decimal("1.10"), "DE": Decimal("1.15")}
CURRENCY_FACTOR = {"USD": Decimal("1.00"), "EUR": Decimal("0.92"), "GBP": Decimal("0.79")}
# Target group statuses after which its rate card is bound to it.
GONE_LIVE = ("live", "paused", "completed", "archived")


def has_rate_card(business_unit):
    return "rate_card" in (business_unit.pricing_models or [])


def country_of(locale):
    return locale.rpartition("_")[2].upper()


def price(loi, ir_percent, *, country, currency_code):
    factor = COUNTRY_FACTOR.get(country, Decimal("1.00")) * CURRENCY_FACTOR.get(currency_code, Decimal("1.00"))
    base = Decimal(str(suggested_cpi(loi, ir_percent / 100)))
    return float((base * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def token(country):
    return base64.b64encode(f"RCT=COUNTRY:RCV={VERSION}:CC={country}".encode()).decode()


def card_data(country, currency_code):
    """The contract's ``RateCardData``."""
    return {
        "data_format": "loi_ir_matrix",
        "length_of_interview_minutes": LENGTHS_OF_INTERVIEW,
        "incidence_rate_percents": INCIDENCE_RATE_PERCENTS,
        "pricing_table_currency_code": currency_code,
        "pricing_table_data": [
            [price(loi, ir, country=country, currency_code=currency_code) for ir in INCIDENCE_RATE_PERCENTS]
            for loi in LENGTHS_OF_INTERVIEW
        ],
    }


def cell_price(loi, incidence_rate, *, country, currency_code):
    """What the card charges a target group with this LOI (minutes) and IR (0..1)."""
    row = next((i for i, value in enumerate(LENGTHS_OF_INTERVIEW) if value >= loi), len(LENGTHS_OF_INTERVIEW) - 1)
    percent = incidence_rate * 100
    column = next(
        (i for i, value in enumerate(INCIDENCE_RATE_PERCENTS) if value <= percent), len(INCIDENCE_RATE_PERCENTS) - 1
    )
    return price(
        LENGTHS_OF_INTERVIEW[row], INCIDENCE_RATE_PERCENTS[column], country=country, currency_code=currency_code
    )


def business_unit_card(business_unit, country):
    """``RateCard`` of a business unit for a country."""
    return {
        "country_code": country,
        "token": token(country),
        "rate_card_data": card_data(country, business_unit.currency_code),
    }


def target_group_card(tg):
    """``PredictedRateCard`` until the target group has gone live, ``BoundRateCard`` after."""
    country = country_of(tg.locale)
    data = card_data(country, tg.currency_code)
    if tg.status in GONE_LIVE:
        return {"country_code": country, "bound_rate_card_token": token(country), "bound_rate_card": data}
    return {"country_code": country, "predicted_rate_card_token": token(country), "predicted_rate_card": data}
