"""Accounts, users, business units, the definitions lists (locales, study types, industries,
industry lock-outs), the question library and profiling templates."""

from ...ids import iso
from ...models import Account, ProfilingTemplate, Question, SandboxUser
from ...wire import json_response
from ..seed_data import INDUSTRIES, INDUSTRY_LOCKOUTS, LOCALES, STUDY_TYPES
from ..validation import Validator
from ..wire import ApiError, api, paginate, read_json
from .common import get_account


@api()
def accounts(request):
    return json_response({"accounts": [{"id": a.id, "name": a.name} for a in Account.objects.order_by("id")]})


@api()
def users(request, account_id):
    account = get_account(account_id)
    queryset = account.users.all()
    if user_type := request.GET.get("user_type"):
        queryset = queryset.filter(user_type=user_type)
    return json_response({"users": [{"id": str(u.id), "email": u.email, "name": u.name} for u in queryset]})


@api()
def user_business_unit(request, account_id, user_id):
    account = get_account(account_id)
    user = SandboxUser.objects.filter(account=account, pk=user_id).first() if _is_uuid(user_id) else None
    if user is None:
        raise ApiError.not_found(f"User {user_id} is not a user of account {account_id}.")
    business_unit = user.business_unit or account.business_units.order_by("id").first()
    return json_response({"business_unit_id": business_unit.id if business_unit else None})


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@api()
def business_units(request, account_id):
    account = get_account(account_id)
    return json_response(
        {
            "business_units": [
                {"id": bu.id, "name": bu.name, "currency_code": bu.currency_code, "pricing_models": bu.pricing_models}
                for bu in account.business_units.order_by("id")
            ]
        }
    )


@api()
def locales(request):
    by_country = {}
    for code, (country, country_name, language) in LOCALES.items():
        entry = by_country.setdefault(country, {"country": {"code": country, "name": country_name}, "languages": []})
        entry["languages"].append({"is_preferred": True, "name": language, "code": code.split("_")[0]})
    return json_response({"locales": list(by_country.values())})


def _definitions(key, items):
    return json_response({key: [{"id": id_, "code": code, "name": name} for id_, code, name in items]})


@api()
def study_types(request):
    return _definitions("study_types", STUDY_TYPES)


@api()
def industries(request):
    return _definitions("industries", INDUSTRIES)


@api()
def industry_lockouts(request):
    return _definitions("industry_lockouts", INDUSTRY_LOCKOUTS)


def _question(question):
    return {
        "id": question.question_id,
        "name": question.name,
        "text": question.text,
        "response_type": question.response_type,
        "scope": question.scope,
        "category_id": question.category_id,
    }


def _require_locale(request):
    locale = request.GET.get("locale")
    if not locale:
        raise ApiError.bad_request(
            "The locale query parameter is required, e.g. locale=eng_us.",
            invalid_params=[{"name": "locale", "reason": "is required"}],
        )
    return locale


@api()
def questions(request):
    locale = _require_locale(request)
    queryset = Question.objects.filter(locale=locale)
    if search := request.GET.get("search"):
        queryset = queryset.filter(name__icontains=search) | queryset.filter(text__icontains=search)
    if category := request.GET.get("category_id"):
        queryset = queryset.filter(category_id=category)
    if scope := request.GET.get("type"):
        queryset = queryset.filter(scope=scope)
    items, has_more, _ = paginate(queryset, request, key="question_id", default_size=100)
    return json_response({"questions": [_question(q) for q in items], "pages": 2 if has_more else 1})


@api()
def question(request, question_id):
    locale = _require_locale(request)
    found = Question.objects.filter(locale=locale, question_id=question_id).prefetch_related("options").first()
    if found is None:
        raise ApiError.not_found(f"Question {question_id} does not exist for locale {locale}.")
    data = _question(found)
    if found.is_range:
        data.update({"object": "range_options", "min": found.min_value, "max": found.max_value})
    else:
        data.update(
            {
                "object": "selection_options",
                "options": [{"id": o.option_id, "name": o.name} for o in found.options.all()],
            }
        )
    return json_response(data)


def _template(template, *, full=False):
    data = {
        "id": str(template.id),
        "name": template.name,
        "description": template.description,
        "label": template.label,
        "locales": template.locales,
        "scope": template.scope,
    }
    if full:
        data["profiles"] = template.profiles
    return data


@api()
def list_templates(request, account_id):
    account = get_account(account_id)
    queryset = account.profiling_templates.all()
    if scope := request.GET.get("scope"):
        queryset = queryset.filter(scope=scope)
    templates = list(queryset.order_by("created_at" if request.GET.get("order") == "asc" else "-created_at"))
    if wanted := request.GET.get("locales"):
        wanted_set = set(wanted.split(","))
        templates = [t for t in templates if wanted_set & set(t.locales)]
    return json_response({"templates": [_template(t) for t in templates], "next_cursor": None})


@api(mutation=True)
def create_template(request, account_id):
    account = get_account(account_id)
    body = read_json(request)
    check = Validator(body)
    name = check.string("name", required=True, min_length=1, max_length=200)
    locales = check.array("locales", required=True, min_items=1)
    profiles = check.array("profiles", required=True)
    check.check()
    template = ProfilingTemplate.objects.create(
        account=account,
        name=name,
        description=body.get("description", ""),
        label=body.get("label", ""),
        locales=locales,
        profiles=profiles,
        scope=ProfilingTemplate.Scope.ACCOUNT,
    )
    return json_response(_template(template, full=True), status=201)


@api()
def template(request, account_id, template_id):
    account = get_account(account_id)
    found = account.profiling_templates.filter(pk=template_id).first() if _is_uuid(template_id) else None
    if found is None:
        raise ApiError.not_found(f"Profiling template {template_id} does not exist in account {account_id}.")
    data = _template(found, full=True)
    data["created_at"] = iso(found.created_at)
    return json_response(data)
