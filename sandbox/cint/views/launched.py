"""What a buyer asks about launched target groups: the fielding actions possible now
(compute-target-group-transitions) and rate cards (a target group's, a business unit's)."""

import re

from django.db.models import Q

from ...models import BusinessUnit
from ...wire import json_response
from .. import rate_cards
from ..fielding import TRANSITION_FLAGS, allowed_actions
from ..validation import Validator
from ..wire import ApiError, api, read_json
from .common import get_account, get_project, get_target_group

STATUSES = ("draft", "scheduled", "live", "paused", "completed", "archived")
ID_PATTERN = re.compile(r"^[0-9A-Z]{26}$")


def _ids(check, name):
    values = check.array(name)
    if values is None:
        return None
    bad = [value for value in values if not isinstance(value, str) or not ID_PATTERN.match(value)]
    if bad:
        check.error(name, "must hold target group ids (26-character ULIDs)")
    return values


def _strings(check, name, pattern, allowed=None):
    values = check.array(name)
    if values is None:
        return None
    if any(not isinstance(v, str) or not re.fullmatch(pattern, v) or (allowed and v not in allowed) for v in values):
        check.error(name, f"has a value that is not one of {', '.join(allowed)}" if allowed else "has a bad value")
    return values


@api()
def transitions(request, account_id, project_id):
    """The target groups matching the request, and the actions possible on them: a flag is true
    when at least one of them allows the action (a batch job then reports the others)."""
    project = get_project(account_id, project_id)
    body = read_json(request)
    check = Validator(body)
    search = check.string("search_string", max_length=200)
    included = _ids(check, "included_target_group_ids")
    excluded = _ids(check, "excluded_target_group_ids")
    filters = check.object("filters") or {}
    check.check()
    check = Validator(filters)
    statuses = _strings(check, "status", r"[a-z]+", STATUSES)
    countries = _strings(check, "country", r"[a-z]{2}")
    languages = _strings(check, "language", r"[a-z]{3}")
    for error in check.errors:
        error["name"] = f"filters.{error['name']}"
    check.check()

    queryset = project.target_groups.select_related("project")
    if included is not None:
        queryset = queryset.filter(pk__in=included)
    if excluded:
        queryset = queryset.exclude(pk__in=excluded)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if countries:
        queryset = queryset.filter(Q(*[Q(locale__endswith=f"_{c}") for c in countries], _connector=Q.OR))
    if languages:
        queryset = queryset.filter(Q(*[Q(locale__startswith=f"{lang}_") for lang in languages], _connector=Q.OR))
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(human_readable_id__iexact=search))
    target_groups = list(queryset.order_by("id").prefetch_related("fielding_runs"))
    possible = set().union(*(allowed_actions(tg) for tg in target_groups))
    return json_response(
        {
            "target_groups": [tg.id for tg in target_groups],
            **{flag: action in possible for flag, action in TRANSITION_FLAGS.items()},
        }
    )


@api()
def target_group_rate_card(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    if not rate_cards.has_rate_card(tg.business_unit):
        raise ApiError.not_found(
            f"Business unit {tg.business_unit_id} prices its target groups dynamically; it has no rate card."
        )
    return json_response(rate_cards.target_group_card(tg))


@api()
def business_unit_rate_card(request, account_id, business_unit_id):
    account = get_account(account_id)
    country = (request.GET.get("country_code") or "").strip()
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise ApiError.bad_request(
            "country_code is required: a two-letter country code such as US.",
            invalid_params=[{"name": "country_code", "reason": "two letters"}],
        )
    unit = (
        BusinessUnit.objects.filter(account=account, pk=int(business_unit_id)).first()
        if business_unit_id.isdigit()
        else None
    )
    if unit is None:
        raise ApiError.not_found(f"Business unit {business_unit_id} does not exist in account {account.id}.")
    if not rate_cards.has_rate_card(unit):
        raise ApiError.not_found(f"Business unit {unit.pk} prices its target groups dynamically; it has no rate card.")
    return json_response(rate_cards.business_unit_card(unit, country.upper()))
