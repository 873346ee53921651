"""Profiles v2: list, create, enable/disable quotas, interlock, remove interlocks,
filling goals; and the account-level draft interlock generator."""

import itertools
import math

from ...ids import new_ulid
from ...wire import json_response
from ..counting import apportion, equal_percentages
from ..events import record_tg_change
from ..profile_shapes import all_profiles, interlocked_profile, regular_profile
from ..profiling import (
    MAX_CELLS,
    create_interlock,
    create_profile,
    parse_conditions,
    question_for,
    remove_interlock,
    set_quotas_enabled,
    update_filling_goals,
)
from ..seed_data import LOCALES
from ..validation import Validator
from ..wire import ApiError, api, check_if_match, read_json
from .common import acting_user_id, etag_header, get_account, get_target_group


def _locked_tg(request, account_id, project_id, target_group_id):
    """The target group of a profile change, its If-Match checked."""
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    return tg


@api()
def list_profiles(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    return json_response(all_profiles(tg), headers=etag_header(tg))


@api()
def get_profile(request, account_id, project_id, target_group_id, profile_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    profile = tg.profiles.filter(pk=profile_id).first()
    if profile is None:
        raise ApiError.not_found(f"Target group {tg.id} has no profile {profile_id}.")
    return json_response(regular_profile(profile), headers=etag_header(tg))


@api(mutation=True)
def create_profile_view(request, account_id, project_id, target_group_id):
    tg = _locked_tg(request, account_id, project_id, target_group_id)
    body = read_json(request)
    check = Validator(body)
    question_id = check.integer("question_id", required=True)
    check.object("conditions", required=True)
    check.check()
    question = question_for(tg.locale, question_id)
    if tg.profiles.filter(question_id=question_id).exists():
        raise ApiError.bad_request(f"Target group {tg.id} already has a profile for question {question_id}.")
    kind, conditions = parse_conditions(question, body["conditions"])
    profile = create_profile(tg, question, kind, conditions, quotas_enabled=False)
    tg.bump()
    return json_response(regular_profile(profile), status=201, headers=etag_header(tg))


def _toggle(request, account_id, project_id, target_group_id, profile_id, enabled):
    tg = _locked_tg(request, account_id, project_id, target_group_id)
    changed = set_quotas_enabled(tg, profile_id, enabled)
    tg.bump()
    if hasattr(changed, "participants"):
        shaped = interlocked_profile(changed)
        data = {key: shaped[key] for key in ("id", "name", "quotas_enabled", "depends_on_questions")}
    else:
        data = regular_profile(changed)
    return json_response(data, headers=etag_header(tg))


@api(mutation=True)
def enable_quotas(request, account_id, project_id, target_group_id, profile_id):
    return _toggle(request, account_id, project_id, target_group_id, profile_id, True)


@api(mutation=True)
def disable_quotas(request, account_id, project_id, target_group_id, profile_id):
    return _toggle(request, account_id, project_id, target_group_id, profile_id, False)


@api(mutation=True)
def create_interlocked_profile(request, account_id, project_id, target_group_id):
    tg = _locked_tg(request, account_id, project_id, target_group_id)
    body = read_json(request)
    check = Validator(body)
    goal = check.integer("target_group_filling_goal", required=True, minimum=1, maximum=10000)
    profile_ids = check.array("profiles", required=True, min_items=2, max_items=6)
    check.check()
    old_goal = tg.filling_goal
    interlock = create_interlock(tg, profile_ids, goal)
    tg.bump()
    record_tg_change(
        tg, [("filling_goal_change", old_goal, tg.filling_goal)], user_id=acting_user_id(tg.project.account)
    )
    return json_response(interlocked_profile(interlock), headers=etag_header(tg))


@api(mutation=True)
def remove_interlocks(request, account_id, project_id, target_group_id, profile_id):
    tg = _locked_tg(request, account_id, project_id, target_group_id)
    profiles = remove_interlock(tg, profile_id)
    tg.bump()
    return json_response({"data": [regular_profile(p) for p in profiles]}, headers=etag_header(tg))


@api(mutation=True)
def filling_goal(request, account_id, project_id, target_group_id):
    tg = _locked_tg(request, account_id, project_id, target_group_id)
    body = read_json(request)
    check = Validator(body)
    goal = check.integer("filling_goal", minimum=1, maximum=10000)
    profiles = check.array("profiles")
    check.check()
    if goal is None and not profiles:
        raise ApiError.bad_request("Give a filling_goal, quota filling goals under profiles, or both.")
    old_goal = tg.filling_goal
    update_filling_goals(tg, goal, profiles)
    tg.bump()
    record_tg_change(
        tg, [("filling_goal_change", old_goal, tg.filling_goal)], user_id=acting_user_id(tg.project.account)
    )
    return json_response(all_profiles(tg), status=201, headers=etag_header(tg))


# --- draft interlock generator (nothing is stored) --------------------------------------


@api(mutation=True, idempotency="required")
def generate_draft_interlock(request, account_id):
    get_account(account_id)
    body = read_json(request)
    check = Validator(body)
    locale = check.choice("locale", tuple(LOCALES), required=True)
    goal = check.integer("target_group_filling_goal", required=True, minimum=1, maximum=10000)
    inputs = check.array("profiles", required=True, min_items=2, max_items=6)
    check.check()
    profiles = [_draft_participant(locale, goal, item, i) for i, item in enumerate(inputs)]
    combos = list(itertools.product(*[p["_conditions"] for p in profiles]))
    if len(combos) > MAX_CELLS:
        raise ApiError.bad_request(f"That interlock would have more than {MAX_CELLS} cells; use fewer conditions.")
    shares = [math.prod(c["_share"] for c in combo) for combo in combos]
    goals = apportion(goal, shares)
    cells = []
    for combo, share, cell_goal in zip(combos, shares, goals, strict=True):
        cell_id = new_ulid()
        text = ", ".join(c["text"] for c in combo)
        cells.append(
            {
                "id": cell_id,
                "quota_percentage": round(share * 100),
                "quota_nominal": cell_goal,
                "filling_goal": cell_goal,
                "condition": {
                    "id": cell_id,
                    "text": text,
                    "translated_text": text,
                    "option": str(len(cells) + 1),
                    "related_condition": [
                        {
                            "question_id": p["question_id"],
                            "conditions": [{k: v for k, v in c.items() if not k.startswith("_")}],
                        }
                        for p, c in zip(profiles, combo, strict=True)
                    ],
                },
            }
        )
    interlock = {
        "id": new_ulid(),
        "name": ", ".join(p["name"] for p in profiles),
        "quotas_enabled": True,
        "depends_on_questions": [p["question_id"] for p in profiles],
        "quotas": {"ungrouped": cells},
        "profiles": [{k: v for k, v in p.items() if not k.startswith("_")} for p in profiles],
    }
    return json_response([interlock], status=201)


def _draft_participant(locale, goal, item, i):
    if not isinstance(item, dict):
        raise ApiError.bad_request(f"profiles[{i}] must be an object.")
    question = question_for(locale, item.get("question_id"), name=f"profiles[{i}].question_id")
    kind, conditions = parse_conditions(question, item.get("conditions"), name=f"profiles[{i}].conditions")
    ungrouped = ((item.get("quotas") or {}).get("ungrouped")) or []
    percentages = {q.get("index"): q.get("quota_percentage") or 0 for q in ungrouped if isinstance(q, dict)}
    if not percentages:
        percentages = dict(enumerate(equal_percentages(len(conditions))))
    total = sum(percentages.values()) or 1
    nominals = apportion(goal, [percentages.get(j, 0) / 100 for j in range(len(conditions))])
    shaped = []
    for j, fields in enumerate(conditions):
        shaped.append(
            {
                "id": new_ulid(),
                "text": fields["text"],
                "text_translated": fields["text"],
                "min": fields.get("min_value") or 0,
                "max": fields.get("max_value") or 0,
                "option": fields.get("option", ""),
                "zip_codes": fields.get("zip_codes") or [],
                "allow_all_zip": fields.get("allow_all_zip", False),
                "_share": percentages.get(j, 0) / total,
            }
        )
    object_name = {
        "selection": "selection_conditions_details",
        "range": "range_conditions_details",
        "zip": "zip_conditions_details",
    }[kind]
    return {
        "id": new_ulid(),
        "question_id": question.question_id,
        "name": question.name,
        "description": question.text,
        "translated_description": question.text,
        "conditions": {
            "object": object_name,
            "data": [{k: v for k, v in c.items() if not k.startswith("_")} for c in shaped],
        },
        "quotas": {
            "ungrouped": [
                {
                    "index": j,
                    "quota_percentage": percentages.get(j, 0),
                    "quota": percentages.get(j, 0),
                    "filling_goal": nominals[j],
                }
                for j in range(len(conditions))
                if j in percentages
            ],
            "grouped": [],
        },
        "_conditions": shaped,
    }
