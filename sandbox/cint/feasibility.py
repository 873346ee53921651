"""Deterministic but plausible feasibility and prices.

Reach grows with the incidence rate, the days in field and the share of the
population the profiles select; shorter interviews are easier to fill. Prices
rise with the interview length and fall with the incidence rate.
"""

import math
from decimal import Decimal

from ..models import Question

DAILY_REACH = {"eng_us": 900, "eng_gb": 350, "deu_de": 300}
DEFAULT_DAILY_REACH = 150


def money(value, currency_code, scale=2):
    """MonetaryAmount: a decimal string, its currency and scale."""
    return {"value": f"{Decimal(str(value)):.9f}", "currency_code": currency_code, "currency_scale": scale}


def suggested_cpi(loi, incidence_rate, narrowness=1.0):
    """A rate-card-like price: about 1.00 for a 10-minute survey at 50% incidence."""
    incidence_rate = min(max(incidence_rate or 0.01, 0.01), 1.0)
    base = 0.30 + 0.05 * loi + 0.35 / incidence_rate
    return round(base / max(narrowness, 0.05) ** 0.25, 4)


def profile_share(locale, question_id, conditions):
    """Share of the locale's population one profile's conditions select (0..1)."""
    question = Question.objects.filter(locale=locale, question_id=question_id).prefetch_related("options").first()
    if question is None or not conditions:
        return 1.0
    if question.is_range:
        width = (question.max_value - question.min_value + 1) if question.max_value is not None else 100
        covered = sum(max(0, (c.get("max", 0) or 0) - (c.get("min", 0) or 0) + 1) for c in conditions)
        return min(1.0, covered / width)
    total = question.options.count() or 1
    return min(1.0, len({str(c.get("option")) for c in conditions}) / total)


def estimate(*, locale, incidence_rate, loi, filling_goal, days, narrowness, currency_code, quota_profiles=()):
    """CalculateTargetGroupFeasibilityResponse for these parameters."""
    daily = DAILY_REACH.get(locale, DEFAULT_DAILY_REACH)
    capacity = daily * max(days, 1) * max(incidence_rate, 0.01) * narrowness * (15 / (loi + 5))
    feasible_max = max(0, min(filling_goal, math.floor(capacity)))
    feasible_min = math.floor(feasible_max * 0.8)
    price = suggested_cpi(loi, incidence_rate, narrowness)
    response = {
        "suggested_price": money(price, currency_code),
        "suggested_price_range": {"min": money(price * 0.8, currency_code), "max": money(price * 1.25, currency_code)},
        "suggested_filling_goal_range": {"min": feasible_min, "max": feasible_max},
    }
    if quota_profiles:
        response["profiles"] = [
            {
                "question_id": question_id,
                "quotas": {"ungrouped": [_range(p, feasible_min, feasible_max) for p in pcts], "grouped": []},
            }
            for question_id, pcts in quota_profiles
        ]
    return response


def _range(percentage, low, high):
    return {
        "min_completes": {"nominal": math.floor(low * percentage / 100), "percentage": percentage},
        "max_completes": {"nominal": math.floor(high * percentage / 100), "percentage": percentage},
    }


def from_request(locale, body_profiles):
    """(narrowness, quota_profiles) from a feasibility request's `profiles`."""
    narrowness = 1.0
    quota_profiles = []
    for profile in body_profiles or []:
        conditions = (profile.get("conditions") or {}).get("data") or []
        narrowness *= profile_share(locale, profile.get("question_id"), conditions)
        ungrouped = (profile.get("quotas") or {}).get("ungrouped") or []
        if ungrouped:
            quota_profiles.append((profile.get("question_id"), [q.get("quota_percentage", 0) for q in ungrouped]))
    return narrowness, quota_profiles


def from_target_group(tg):
    """(narrowness, quota_profiles) from a target group's own profiles."""
    narrowness = 1.0
    quota_profiles = []
    for profile in tg.profiles.prefetch_related("conditions", "quotas"):
        conditions = [{"option": c.option, "min": c.min_value, "max": c.max_value} for c in profile.conditions.all()]
        narrowness *= profile_share(tg.locale, profile.question_id, conditions)
        quotas = [q.quota_percentage for q in profile.quotas.all() if q.kind == "ungrouped"]
        if quotas:
            quota_profiles.append((profile.question_id, quotas))
    return narrowness, quota_profiles
