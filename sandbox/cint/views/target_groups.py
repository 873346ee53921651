"""Target groups: list, draft create/read/update, launched details read/update."""

import re

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.utils import timezone

from ...models import BusinessUnit, TargetGroup
from ...wire import empty_response, json_response
from ..events import record_tg_change
from ..feasibility import money
from ..profiling import replace_profiles, rescale_goals
from ..seed_data import INDUSTRIES, INDUSTRY_LOCKOUTS, LOCALES, STUDY_TYPES
from ..shapes import draft_target_group, numbers_of, target_group_details, tg_list_item
from ..validation import Validator
from ..wire import ApiError, api, check_if_match, paginate, read_json
from .common import acting_user_id, etag_header, get_project, get_target_group

CREATE_REQUIRED = (
    "name",
    "business_unit_id",
    "locale",
    "project_manager_id",
    "fielding_specification",
    "fielding_assistant_assignment",
    "filling_goal",
    "profile",
    "collects_pii",
    "expected_length_of_interview_minutes",
    "expected_incidence_rate",
    "live_url",
    "test_url",
)
UPDATE_REQUIRED = CREATE_REQUIRED[:8] + ("expected_length_of_interview_minutes", "expected_incidence_rate")


@api()
def list_target_groups(request, account_id, project_id):
    project = get_project(account_id, project_id)
    queryset = project.target_groups.select_related("project", "business_unit")
    if statuses := request.GET.getlist("status"):
        queryset = queryset.filter(status__in=[s for value in statuses for s in value.split(",")])
    search = request.GET.get("search_string") or request.GET.get("name")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(human_readable_id__iexact=search))
    if hrids := request.GET.getlist("human_readable_ids"):
        queryset = queryset.filter(human_readable_id__in=[h for value in hrids for h in value.split(",")])
    if countries := request.GET.getlist("country"):
        queryset = queryset.filter(Q(*[Q(locale__endswith=f"_{c}") for c in countries], _connector=Q.OR))
    if languages := request.GET.getlist("language"):
        queryset = queryset.filter(Q(*[Q(locale__startswith=f"{lang}_") for lang in languages], _connector=Q.OR))
    items, has_more, next_cursor = paginate(queryset, request)
    numbers = numbers_of(items)
    return json_response(
        {
            "target_groups": [tg_list_item(tg, numbers[tg.pk]) for tg in items],
            "url": request.path,
            "has_more": has_more,
            "next_cursor": next_cursor,
        }
    )


def _draft_fields(account, body, required):
    check = Validator(body)
    for name in required:
        if name not in body:
            check.error(name, "is required")
    fields = {
        "name": check.string("name", min_length=1, max_length=128),
        "locale": check.string("locale"),
        "project_manager_id": check.uuid("project_manager_id"),
        "filling_goal": check.integer("filling_goal", minimum=0, maximum=100000),
        "expected_length_of_interview_minutes": check.integer(
            "expected_length_of_interview_minutes", minimum=1, maximum=45
        ),
        "expected_incidence_rate": check.number("expected_incidence_rate", minimum=0, maximum=1),
        "collects_pii": check.boolean("collects_pii", default=False),
        "live_url": check.string("live_url", max_length=3000, default=""),
        "test_url": check.string("test_url", max_length=3000, default=""),
        "study_type_code": check.string("study_type_code", default="adhoc"),
        "industry_code": check.string("industry_code", default="other"),
        "industry_lockout_code": check.string("industry_lockout_code", default="no_lock_out"),
        "client_id": check.integer("client_id"),
        "fielding_assistant": check.object("fielding_assistant_assignment") or {},
        "exclusion": check.object("exclusion"),
        "supply_allocations": check.array("supply_allocations") or [],
        "cost_per_interview": check.object("cost_per_interview"),
        "client_cost_per_interview_note": check.object("client_cost_per_interview_note"),
    }
    bu_raw = body.get("business_unit_id")
    business_unit = None
    if bu_raw is not None:
        business_unit = (
            BusinessUnit.objects.filter(account=account, pk=int(bu_raw)).first() if str(bu_raw).isdigit() else None
        )
        if business_unit is None:
            check.error("business_unit_id", f"{bu_raw} is not a business unit of account {account.id}")
    fields["business_unit"] = business_unit
    for name, items, where in (
        ("study_type_code", STUDY_TYPES, "/study-types"),
        ("industry_code", INDUSTRIES, "/industries"),
        ("industry_lockout_code", INDUSTRY_LOCKOUTS, "/industry-lockouts"),
    ):
        if fields[name] and fields[name] not in {code for _, code, _ in items}:
            check.error(name, f"{fields[name]!r} is not a code of {where}")
    if fields["locale"] and fields["locale"] not in LOCALES:
        check.error("locale", f"unsupported locale; use one of {', '.join(LOCALES)}")
    if fields["project_manager_id"] and not account.users.filter(pk=fields["project_manager_id"]).exists():
        check.error("project_manager_id", f"not a user of account {account.id}")
    spec = Validator(body.get("fielding_specification") or {})
    start, end = spec.datetime("start_at", required=True), spec.datetime("end_at", required=True)
    for error in spec.errors:
        check.error(f"fielding_specification.{error['name']}", error["reason"])
    if start and end and end <= start:
        check.error("fielding_specification.end_at", "must be after start_at")
    fields["start_at"], fields["end_at"] = start, end
    profile = body.get("profile")
    if profile is not None and not isinstance(profile, dict):
        check.error("profile", "must be an object")
    check.check()
    if fields["expected_incidence_rate"] is not None:
        fields["expected_incidence_rate"] = round(float(fields["expected_incidence_rate"]), 2)
    # The pricing model follows the business unit; one offering both is dynamic unless the
    # Fielding Assistant's pricing module says rate card.
    units_models = (business_unit.pricing_models or []) if business_unit else []
    if fields["fielding_assistant"].get("pricing", {}).get("type") == "rate_card" or units_models == ["rate_card"]:
        fields["pricing_model"] = "rate_card"
    return {k: v for k, v in fields.items() if v is not None or k in ("exclusion", "client_id")}, profile


@api(mutation=True)
def create_target_group(request, account_id, project_id):
    project = get_project(account_id, project_id)
    fields, profile = _draft_fields(project.account, read_json(request), CREATE_REQUIRED)
    tg = TargetGroup.objects.create(project=project, **fields)
    replace_profiles(tg, profile)
    project.updated_at = timezone.now()
    project.save(update_fields=["updated_at"])
    return json_response({"id": tg.id}, status=201, headers=etag_header(tg))


@api()
def get_draft(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id)
    if not tg.is_draft:
        response = HttpResponsePermanentRedirect(request.path.rstrip("/") + "/details")
        response["ETag"] = tg.etag
        return response
    return json_response(draft_target_group(tg), headers=etag_header(tg))


@api(mutation=True)
def update_draft(request, account_id, project_id, target_group_id):
    tg = get_target_group(account_id, project_id, target_group_id, for_update=True)
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    if not tg.is_draft:
        raise ApiError.bad_request(
            f"Target group {tg.id} is {tg.status}; only drafts change here. Use /details for launched target groups."
        )
    fields, profile = _draft_fields(tg.project.account, read_json(request), UPDATE_REQUIRED)
    for name, value in fields.items():
        setattr(tg, name, value)
    tg.save()
    replace_profiles(tg, profile)
    tg.bump()
    return empty_response(204, headers=etag_header(tg))


def _launched(tg):
    """Details are a launched target group's: a draft's are Not Found (the contract says so)."""
    if tg.is_draft:
        raise ApiError.not_found(
            f"Target group {tg.id} is a draft; it has no launched details yet (read or update the draft itself)."
        )
    return tg


@api()
def get_details(request, account_id, project_id, target_group_id):
    tg = _launched(get_target_group(account_id, project_id, target_group_id))
    return json_response(target_group_details(tg), headers=etag_header(tg))


@api(mutation=True)
def update_details(request, account_id, project_id, target_group_id):
    tg = _launched(get_target_group(account_id, project_id, target_group_id, for_update=True))
    check_if_match(request, tg.version, on_stale_fault=tg.bump)
    body = read_json(request)
    check = Validator(body)
    name = check.string("name", required=True, min_length=1, max_length=128)
    manager = check.uuid("project_manager_id", required=True)
    loi = check.integer("expected_length_of_interview_minutes", required=True, minimum=1, maximum=45)
    ir = check.number("expected_incidence_rate", required=True, minimum=0, maximum=1)
    live_url = check.string("live_url", required=True, max_length=3000)
    test_url = check.string("test_url", required=True, max_length=3000)
    lockout = check.string("industry_lockout_code")
    client_cpi = check.object("client_cpi")
    filling_goal = check.integer("filling_goal", minimum=1, maximum=100000)
    if lockout and lockout != tg.industry_lockout_code and lockout not in {code for _, code, _ in INDUSTRY_LOCKOUTS}:
        check.error("industry_lockout_code", f"{lockout!r} is not a code of /industry-lockouts")
    if live_url and "[%RID%]" not in live_url:
        check.error("live_url", "must contain the [%RID%] placeholder")
    for field, url in (("live_url", live_url), ("test_url", test_url)):
        if url and not url.lower().startswith("https://"):
            check.error(field, "must be an HTTPS URL")
    if client_cpi is not None and tg.pricing_model == "rate_card":
        check.error("client_cpi", "can only be set on a target group with dynamic pricing")
    elif client_cpi is not None and not re.fullmatch(r"\d+(\.\d+)?", str(client_cpi.get("value", ""))):
        check.error("client_cpi.value", 'must be a decimal string, e.g. "1.50"')
    if manager and not tg.project.account.users.filter(pk=manager).exists():
        check.error("project_manager_id", "not a user of this account")
    check.check()
    changes = [
        ("name_change", tg.name, name),
        ("expected_length_of_interview_minutes_change", tg.expected_length_of_interview_minutes, loi),
        ("expected_incidence_rate_change", tg.expected_incidence_rate, round(float(ir), 2)),
        ("live_url_change", tg.live_url, live_url),
        ("test_url_change", tg.test_url, test_url),
    ]
    if str(manager) != str(tg.project_manager_id):
        changes.append(
            ("project_manager_change", {"las_user_id": str(tg.project_manager_id)}, {"las_user_id": str(manager)})
        )
    tg.name, tg.project_manager_id, tg.live_url, tg.test_url = name, manager, live_url, test_url
    tg.expected_length_of_interview_minutes, tg.expected_incidence_rate = loi, round(float(ir), 2)
    if lockout is not None:
        changes.append(("industry_lockout_code_change", tg.industry_lockout_code, lockout))
        tg.industry_lockout_code = lockout
    if client_cpi is not None:
        note = {
            "value": str(client_cpi.get("value", "0")),
            "currency_code": client_cpi.get("currency_code") or tg.currency_code,
        }
        old_note = tg.client_cost_per_interview_note
        if note != old_note:
            changes.append(
                (
                    "cpi_note_change",
                    money(old_note["value"], old_note["currency_code"]) if old_note else None,
                    money(note["value"], note["currency_code"]),
                )
            )
        tg.client_cost_per_interview_note = note
    if filling_goal is not None:
        changes.append(("filling_goal_change", tg.filling_goal, filling_goal))
        tg.filling_goal = filling_goal
    tg.save()
    if filling_goal is not None:
        rescale_goals(tg)
    tg.bump()
    record_tg_change(tg, changes, user_id=acting_user_id(tg.project.account))
    return json_response(target_group_details(tg), headers=etag_header(tg))
