"""Quota arithmetic: splitting goals, matching respondents to quotas, recounting."""

import math

from ..models import Quota, Respondent

PRESCREEN_STATUSES = ("complete", "terminate", "drop")


def apportion(total, shares):
    """Split `total` by `shares` (fractions) into integers, largest remainder first.

    The parts add up to round(total * sum(shares)): a full set of shares (summing
    to 1) hands out the whole total, no more and no less.
    """
    raw = [total * share for share in shares]
    parts = [math.floor(value) for value in raw]
    missing = round(total * sum(shares)) - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: max(0, missing)]:
        parts[i] += 1
    return parts


def equal_percentages(count):
    return apportion(100, [1 / count] * count) if count else []


def quota_matches(quota, answers):
    chosen = set(answers.values())
    if quota.kind == Quota.Kind.CELL:
        return set(quota.condition_ids) <= chosen
    return bool(chosen & set(quota.condition_ids))


def recount(quotas):
    """Recompute quotas' completes and prescreens from the respondents' answers."""
    quotas = list(quotas)
    if not quotas:
        return
    respondents = list(
        Respondent.objects.filter(target_group_id=quotas[0].target_group_id).values_list(
            "answers", "status", "reconciled_status"
        )
    )
    for quota in quotas:
        completes = prescreens = 0
        for answers, status, reconciled in respondents:
            if not quota_matches(quota, answers):
                continue
            effective = reconciled or status
            completes += effective == "complete"
            prescreens += status in PRESCREEN_STATUSES
        quota.completes, quota.prescreens = completes, prescreens
        quota.save(update_fields=["completes", "prescreens"])
