"""Projects: list, create, read, update, overview; project-level feasibility."""

from django.db.models import Q
from django.utils import timezone

from ...models import BusinessUnit, Project
from ...wire import json_response
from .. import feasibility as feas
from ..shapes import project_details, project_list_items, project_overview, project_status
from ..validation import Validator
from ..wire import ApiError, api, check_if_match, paginate, read_json
from .common import get_account, get_project


def _check_manager(account, manager_id, check, name="project_manager_id"):
    if manager_id and not account.users.filter(pk=manager_id).exists():
        check.error(name, f"{manager_id} is not a user of account {account.id}")


@api()
def list_projects(request, account_id):
    account = get_account(account_id)
    queryset = account.projects.all()
    if manager := request.GET.get("project_manager_id"):
        queryset = queryset.filter(project_manager_id=manager)
    search = request.GET.get("search_string") or request.GET.get("name")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(human_readable_id__iexact=search))
    status = request.GET.get("status")
    if status:
        # Status is derived from the target groups; filter in Python, then paginate the ids.
        ids = [p.id for p in queryset if project_status(p) == status]
        queryset = Project.objects.filter(pk__in=ids)
    items, has_more, next_cursor = paginate(queryset, request)
    return json_response(
        {
            "projects": project_list_items(items),
            "url": request.path,
            "has_more": has_more,
            "next_cursor": next_cursor,
        }
    )


@api(mutation=True, idempotency="required")
def create_project(request, account_id):
    account = get_account(account_id)
    body = read_json(request)
    check = Validator(body)
    name = check.string("name", required=True, min_length=5, max_length=128)
    manager = check.uuid("project_manager_id", required=True)
    po_number = check.string("purchase_order_number", min_length=3, max_length=128, default="")
    _check_manager(account, manager, check)
    check.check()
    project = Project.objects.create(
        account=account, name=name, project_manager_id=manager, purchase_order_number=po_number
    )
    return json_response({"id": project.id}, status=202, headers={"ETag": f'W/"{project.version}"'})


@api()
def get_project_view(request, account_id, project_id):
    project = get_project(account_id, project_id)
    return json_response(project_details(project), headers={"ETag": f'W/"{project.version}"'})


@api(mutation=True, idempotency="required")
def update_project(request, account_id, project_id):
    project = get_project(account_id, project_id)
    check_if_match(request, project.version, on_stale_fault=lambda: project.bump())
    body = read_json(request)
    check = Validator(body)
    name = check.string("name", required=True, min_length=5, max_length=128)
    manager = check.uuid("project_manager_id", required=True)
    po_number = check.string("purchase_order_number", min_length=3, max_length=128)
    _check_manager(project.account, manager, check)
    check.check()
    project.name, project.project_manager_id = name, manager
    if po_number is not None:
        project.purchase_order_number = po_number
    project.updated_at = timezone.now()
    project.save()
    project.bump()
    return json_response({"id": project.id}, headers={"ETag": f'W/"{project.version}"'})


@api()
def overview(request, account_id, project_id):
    project = get_project(account_id, project_id)
    return json_response(project_overview(project), headers={"ETag": f'W/"{project.version}"'})


@api()
def feasibility(request, account_id, project_id):
    get_project(account_id, project_id)
    account = get_account(account_id)
    body = read_json(request)
    check = Validator(body)
    bu_id = check.integer("business_unit_id", required=True)
    locale = check.string("locale", required=True)
    ir = check.number("incidence_rate", required=True, minimum=0, maximum=1)
    loi = check.integer("length_of_interview", required=True, minimum=1, maximum=45)
    goal = check.integer("filling_goal", required=True, minimum=1, maximum=10000)
    start = check.datetime("start_date", required=True)
    end = check.datetime("end_date", required=True)
    check.check()
    business_unit = BusinessUnit.objects.filter(account=account, pk=bu_id).first()
    if business_unit is None:
        raise ApiError.bad_request(
            f"Business unit {bu_id} is not in account {account_id}.",
            invalid_params=[{"name": "business_unit_id", "reason": "unknown"}],
        )
    if end <= start:
        raise ApiError.bad_request(
            "end_date must be after start_date.", invalid_params=[{"name": "end_date", "reason": "before start_date"}]
        )
    narrowness, quota_profiles = feas.from_request(locale, body.get("profiles"))
    return json_response(
        feas.estimate(
            locale=locale,
            incidence_rate=ir,
            loi=loi,
            filling_goal=goal,
            days=(end - start).total_seconds() / 86400,
            narrowness=narrowness,
            currency_code=business_unit.currency_code,
            quota_profiles=quota_profiles,
        )
    )
