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
    if has_more:
        data["next_cursor"] = str(entries[-1].id)
    return json_response(data)


@api(mutation=True)
def cost_per_interview(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    require_launched(tg)
    check = Validator(read_json(request))
    cpi = check.object("target_group_cpi", required=True)
    check.check()
    value = str((cpi or {}).get("value", ""))
    try:
        amount = float(value)
    except ValueError:
        amount = -1
    if amount <= 0:
        raise ApiError.bad_request(
            'target_group_cpi.value must be a positive decimal string, e.g. "1.50".',
            invalid_params=[{"name": "target_group_cpi.value", "reason": "positive decimal"}],
        )
    old = feas.money(tg.cost_per_interview["value"], tg.currency_code) if tg.cost_per_interview else None
    tg.cost_per_interview = {"value": value, "currency_code": cpi.get("currency_code") or tg.currency_code}
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


@api(mutation=True)
def put_fielding_assistant(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    body = read_json(request)
    overlay = body.get("quota_overlay")
    if overlay is not None and (
        not isinstance(overlay, dict)
        or not all(isinstance(overlay.get(k), bool) for k in ("prevent_overfill", "balance_fill"))
    ):
        raise ApiError.bad_request(
            "quota_overlay needs prevent_overfill and balance_fill (true or false).",
            invalid_params=[{"name": "quota_overlay", "reason": "both booleans required"}],
        )
    old_overlay = (tg.fielding_assistant or {}).get("quota_overlay") or {}
    tg.fielding_assistant = body
    tg.save(update_fields=["fielding_assistant"])
    tg.bump()
    if overlay is not None:
        record_tg_change(
            tg,
            [
                (
                    "quota_overlay_prevent_overfilling_change",
                    old_overlay.get("prevent_overfill"),
                    overlay["prevent_overfill"],
                ),
                ("quota_overlay_balance_fill_change", old_overlay.get("balance_fill"), overlay["balance_fill"]),
            ],
            user_id=acting_user_id(tg.project.account),
        )
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
