"""A target group's numbers and settings: overview, performance, completes over
time, changelog, CPI, filling strategy, fielding assistant, feasibility."""

import datetime as dt
import re

from django.utils import timezone

from ...ids import iso
from ...models import Respondent
from ...wire import empty_response, json_response
from .. import feasibility as feas
from ..events import record_tg_change
from ..shapes import target_group_overview, target_group_performance
from ..validation import Validator
from ..wire import ApiError, api, check_if_match, page_size, read_json
from .common import acting_user_id, etag_header, get_target_group, require_launched

DURATION = re.compile(r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")
FILLING_STRATEGIES = ("automated", "prescreens", "completes")
DECIMAL = re.compile(r"^\d+(\.\d+)?$")
PACING_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@api()
def overview(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    return json_response(target_group_overview(tg), headers=etag_header(tg))


@api()
def performance(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    return json_response(target_group_performance(tg))


def _interval(raw):
    """An aggregation interval: ISO 8601 (PT1H, P1D) or a number of hours; default 24 h."""
    if not raw:
        return dt.timedelta(hours=24)
    if raw.isdigit():
        return dt.timedelta(hours=int(raw))
    match = DURATION.match(raw.upper())
    if not match or not any(match.groupdict().values()):
        raise ApiError.bad_request(
            "aggregation_interval must be an ISO 8601 duration such as PT1H or P1D.",
            invalid_params=[{"name": "aggregation_interval", "reason": "bad duration"}],
        )
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    interval = dt.timedelta(**parts)
    if interval < dt.timedelta(minutes=1):
        raise ApiError.bad_request("aggregation_interval must be at least one minute.")
    return interval


@api()
def completes_by_interval(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    interval = _interval(request.GET.get("aggregation_interval"))
    run = tg.fielding_runs.order_by("created_at").first()
    start = run.start_at if run else tg.start_at
    end = min(timezone.now(), tg.end_at) if run else start
    finished = list(
        Respondent.objects.filter(target_group=tg, status="complete", finished_at__isnull=False).values_list(
            "finished_at", flat=True
        )
    )
    buckets = []
    cursor = start
    while cursor <= end and len(buckets) < 1000:
        upper = cursor + interval
        buckets.append({"timestamp": iso(cursor), "count": sum(1 for t in finished if cursor <= t < upper)})
        cursor = upper
    return json_response({"aggregated_completes_intervals": buckets})


@api()
def changelog(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    size = page_size(request)
    queryset = tg.changelog.order_by("-id")
    if (after := request.GET.get("start_after")) and after.isdigit():
        queryset = queryset.filter(pk__lt=int(after))
    entries = list(queryset[: size + 1])
    has_more = len(entries) > size
    entries = entries[:size]
    data = {
        "changelog": [
            {
                "id": str(entry.id),
                "occurred_at": iso(entry.occurred_at),
                "user": {"type": "las_user", "las_user_id": str(entry.user_id)}
                if entry.user_id
                else {"type": "system_marketplace_user"},
                "changes": entry.changes,
            }
            for entry in entries
        ]
    }
    # The contract: the next page's start_after, empty when there is none.
    data["next_cursor"] = str(entries[-1].id) if has_more else ""
    return json_response(data)


@api(mutation=True)
def cost_per_interview(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    require_launched(tg)
    if tg.pricing_model == "rate_card":
        raise ApiError.bad_request(
            f"Target group {tg.id} is priced by its rate card; its cost per interview cannot be set. "
            "Use the Fielding Assistant's maximum CPI or boost instead."
        )
    check = Validator(read_json(request))
    cpi = check.object("target_group_cpi", required=True)
    check.check()
    value = str((cpi or {}).get("value", ""))
    try:
        amount = float(value) if DECIMAL.match(value) else -1
    except ValueError:
        amount = -1
    if amount <= 0:
        raise ApiError.bad_request(
            'target_group_cpi.value must be a positive decimal string, e.g. "1.50".',
            invalid_params=[{"name": "target_group_cpi.value", "reason": "positive decimal"}],
        )
    currency = cpi.get("currency_code") or tg.currency_code
    if currency != tg.currency_code:
        raise ApiError.bad_request(
            f"Business unit {tg.business_unit_id} works in {tg.currency_code}; "
            f"the cost per interview cannot be given in {currency}.",
            invalid_params=[{"name": "target_group_cpi.currency_code", "reason": f"must be {tg.currency_code}"}],
        )
    old = feas.money(tg.cost_per_interview["value"], tg.currency_code) if tg.cost_per_interview else None
    tg.cost_per_interview = {"value": value, "currency_code": currency}
    tg.save(update_fields=["cost_per_interview"])
    tg.bump()
    new = feas.money(value, tg.cost_per_interview["currency_code"])
    record_tg_change(tg, [("cpi_change", old, new)], user_id=acting_user_id(tg.project.account))
    return json_response({"target_group_cpi": new}, headers=etag_header(tg))


@api(mutation=True)
def filling_strategy(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    check = Validator(read_json(request))
    strategy = check.choice("filling_strategy", FILLING_STRATEGIES, required=True)
    check.check()
    old, tg.filling_strategy = tg.filling_strategy, strategy
    tg.save(update_fields=["filling_strategy"])
    tg.bump()
    record_tg_change(tg, [("filling_strategy_change", old, strategy)], user_id=acting_user_id(tg.project.account))
    return json_response({"filling_strategy": strategy}, headers=etag_header(tg))


@api()
def get_fielding_assistant(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    return json_response(tg.fielding_assistant or {}, headers=etag_header(tg))


def _assistant_problems(tg, body):
    """What the contract's module rules refuse in a FieldingAssistantModulesAssignmentRequestModel."""
    check = Validator(body)
    overlay = check.object("quota_overlay")
    pricing = check.object("pricing")
    pacing = check.object("pacing")
    soft_launch = check.object("soft_launch")
    if overlay is not None and not all(isinstance(overlay.get(k), bool) for k in ("prevent_overfill", "balance_fill")):
        check.error("quota_overlay", "needs prevent_overfill and balance_fill (true or false)")
    if pricing is not None:
        kind = pricing.get("type")
        if kind not in ("dynamic", "rate_card"):
            check.error("pricing.type", "must be dynamic or rate_card")
        elif kind != tg.pricing_model:
            check.error("pricing.type", f"the target group has {tg.pricing_model.replace('_', ' ')} pricing")
        amounts = {}
        for name in ("total_budget", "maximum_cpi", "minimum_cpi", "boost_cpi"):
            amount = pricing.get(name)
            if amount is None:
                continue
            value = str(amount.get("value", "")) if isinstance(amount, dict) else ""
            if not DECIMAL.match(value):
                check.error(f"pricing.{name}.value", "must be a positive decimal string")
            elif amount.get("currency_code", tg.currency_code) != tg.currency_code:
                check.error(f"pricing.{name}.currency_code", f"must be {tg.currency_code}")
            else:
                amounts[name] = float(value)
        if kind == "dynamic":
            if ("total_budget" in pricing) == ("maximum_cpi" in pricing):
                check.error("pricing", "needs either total_budget or maximum_cpi, not both and not neither")
            if "boost_cpi" in pricing:
                check.error("pricing.boost_cpi", "is for rate card pricing only")
        if kind == "rate_card" and ("total_budget" in pricing or "minimum_cpi" in pricing):
            check.error("pricing", "rate card pricing takes only maximum_cpi and boost_cpi")
        if "minimum_cpi" in amounts and "maximum_cpi" in amounts and amounts["minimum_cpi"] >= amounts["maximum_cpi"]:
            check.error("pricing.minimum_cpi", "must be lower than maximum_cpi")
    if pacing is not None:
        kind = pacing.get("type")
        if kind in ("linear", "adaptive"):
            interval = pacing.get("increment_interval")
            if not isinstance(interval, str) or _pacing_interval(interval) is None:
                check.error(
                    "pacing.increment_interval", "must be a positive ISO-8601 duration PnDTnHnMnS under 398 days"
                )
        elif kind == "gemini":
            if not isinstance(pacing.get("exposed_target_group_id"), str):
                check.error("pacing.exposed_target_group_id", "is required for gemini pacing")
        else:
            check.error("pacing.type", "must be linear, adaptive or gemini")
    if soft_launch is not None:
        for name in ("end_at", "filling_goal_percentage", "demographics_strictness_percentage"):
            if name not in soft_launch:
                check.error(f"soft_launch.{name}", "is required")
    check.check("The Fielding Assistant assignment is not valid.")


def _pacing_interval(text):
    match = PACING_DURATION.match(text)
    if not match or text == "P" or text.endswith("T"):
        return None
    interval = dt.timedelta(**{k: int(v) for k, v in match.groupdict().items() if v})
    return interval if dt.timedelta(0) < interval < dt.timedelta(days=398) else None


def _assistant_changes(old, new):
    """Changelog entries for the modules that changed: (object, old value, new value)."""
    old_overlay, new_overlay = old.get("quota_overlay") or {}, new.get("quota_overlay") or {}
    old_pricing, new_pricing = old.get("pricing") or {}, new.get("pricing") or {}
    old_pacing, new_pacing = old.get("pacing") or {}, new.get("pacing") or {}
    changes = [
        (
            "quota_overlay_prevent_overfilling_change",
            old_overlay.get("prevent_overfill"),
            new_overlay.get("prevent_overfill"),
        ),
        ("quota_overlay_balance_fill_change", old_overlay.get("balance_fill"), new_overlay.get("balance_fill")),
        ("pacing_assistance_change", old_pacing.get("type"), new_pacing.get("type")),
    ]
    for kind in ("linear", "adaptive"):
        before = old_pacing.get("increment_interval") if old_pacing.get("type") == kind else None
        after = new_pacing.get("increment_interval") if new_pacing.get("type") == kind else None
        changes.append((f"pacing_{kind}_increment_interval_change", before, after))
    if new_pricing.get("type") == "dynamic" or old_pricing.get("type") == "dynamic":
        changes.append(("pricing_assistance_change", _dynamic(old_pricing), _dynamic(new_pricing)))
        for name in ("total_budget", "maximum_cpi", "minimum_cpi"):
            changes.append(
                (
                    f"pricing_dynamic_{name}_change",
                    _amount(old_pricing, name, "dynamic"),
                    _amount(new_pricing, name, "dynamic"),
                )
            )
    if new_pricing.get("type") == "rate_card" or old_pricing.get("type") == "rate_card":
        changes.append(
            (
                "pricing_rate_card_maximum_cpi_change",
                _amount(old_pricing, "maximum_cpi", "rate_card"),
                _amount(new_pricing, "maximum_cpi", "rate_card"),
            )
        )
    # A module switched off has no new value; the changelog shows only what it can hold.
    return [(obj, before, after) for obj, before, after in changes if after is not None]


def _dynamic(pricing):
    return "dynamic" if pricing.get("type") == "dynamic" else None


def _amount(pricing, name, kind):
    amount = pricing.get(name) if pricing.get("type") == kind else None
    return feas.money(amount["value"], amount.get("currency_code") or "USD") if amount else None


@api(mutation=True)
def put_fielding_assistant(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    body = read_json(request)
    _assistant_problems(tg, body)
    old = tg.fielding_assistant or {}
    tg.fielding_assistant = body
    tg.save(update_fields=["fielding_assistant"])
    tg.bump()
    record_tg_change(tg, _assistant_changes(old, body), user_id=acting_user_id(tg.project.account))
    return empty_response(204, headers=etag_header(tg))


@api()
def feasibility(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    body = read_json(request)
    check = Validator(body)
    locale = check.string("locale", default=tg.locale)
    ir = check.number("incidence_rate", minimum=0, maximum=1, default=tg.expected_incidence_rate)
    loi = check.integer("length_of_interview", minimum=1, maximum=45, default=tg.expected_length_of_interview_minutes)
    goal = check.integer("filling_goal", minimum=1, maximum=10000, default=max(tg.filling_goal, 1))
    start = check.datetime("start_date") or max(tg.start_at, timezone.now())
    end = check.datetime("end_date") or tg.end_at
    check.check()
    if body.get("profiles"):
        narrowness, quota_profiles = feas.from_request(locale, body["profiles"])
    else:
        narrowness, quota_profiles = feas.from_target_group(tg)
    days = max((end - start).total_seconds() / 86400, 0.5)
    return json_response(
        feas.estimate(
            locale=locale,
            incidence_rate=ir,
            loi=loi,
            filling_goal=goal,
            days=days,
            narrowness=narrowness,
            currency_code=tg.currency_code,
            quota_profiles=quota_profiles,
        )
    )
