"""Every request the client can send validates against Cint's OpenAPI contract.

Each case calls one client method, captures the request at the wire, checks it went to the
operation we meant (method and path template) and validates it with openapi-core:
path, query and header parameters (``Cint-API-Version``, ``idempotency-key``,
``If-Match``), the bearer token and the body.
"""

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path
from types import GeneratorType
from urllib.parse import urlsplit

import pytest
import responses
import yaml
from openapi_core.exceptions import OpenAPIError

from suppliers.cint import CintClient

from .fake_cint import BASE_URL, PROJECT_ID, TARGET_GROUP_ID, api_calls

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared/reference/contracts/cint-demand-api-2025-02-17.yaml"

PROFILE_ID = "01HY0PYB3TW23RQRVNFYRC2PP6"
OTHER_PROFILE_ID = "01HY0PYB3TW23RQRVNFYRC2PP7"
INTERLOCK_ID = "01JP2K4BKAAVS6RFRZ8NXMR3CA"
RUN_ID = "01BTGNYV6HRNK8K8VKZASZCFP1"
JOB_ID = "c1a13cfe-d59d-4cb1-a647-50b109958578"
REQUEST_ID = "01BX5DZKBKACTAV9WEVGEMMVS1"
WEBHOOK_ID = "01JPVZD75DW4KRP7MPFMF6KGZX"
REPORT_ID = "01CTGNYV6HRNK8K8VKZASZCFP1"
USER_ID = "43292405-363e-4fa3-85a6-6e74a49fab2e"
TEMPLATE_ID = "12345678-1234-1234-1234-123456789012"
START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
END = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
KEY = {"idempotency_key": "9f1c2d3e-0000-4000-8000-000000000001"}
GUARDED = {**KEY, "if_match": 'W/"3"'}

TG = (PROJECT_ID, TARGET_GROUP_ID)
PROJECT = {"name": "[PO-1234] Brand tracker", "project_manager_id": USER_ID}
DRAFT_TARGET_GROUP = {
    "name": "US adults",
    "business_unit_id": "12",
    "locale": "eng_us",
    "project_manager_id": USER_ID,
    "fielding_specification": {"start_at": "2025-06-02T08:00:00Z", "end_at": "2025-06-30T18:00:00Z"},
    "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": False}},
    "filling_goal": 500,
    "profile": {"profile_adjustment_type": "percentage", "drafts": []},
    "collects_pii": False,
    "expected_length_of_interview_minutes": 12,
    "expected_incidence_rate": 0.4,
    "live_url": "https://survey.example/s/live?rid=[%RID%]",
    "test_url": "https://survey.example/s/test?rid=[%RID%]",
}
LAUNCHED_DETAILS = {
    "name": "US adults",
    "project_manager_id": USER_ID,
    "expected_length_of_interview_minutes": 12,
    "expected_incidence_rate": 0.4,
    "live_url": "https://survey.example/s/live",
    "test_url": "https://survey.example/s/test",
}
FEASIBILITY = {
    "business_unit_id": 12,
    "locale": "eng_us",
    "incidence_rate": 0.4,
    "length_of_interview": 12,
    "filling_goal": 500,
    "start_date": "2025-06-02T08:00:00Z",
    "end_date": "2025-06-30T18:00:00Z",
}
AGE_PROFILE = {"question_id": 42, "conditions": {"object": "range_conditions", "data": [{"min": 18, "max": 24}]}}
FILLING_GOALS = {
    "filling_goal": 50,
    "profiles": [{"profile_id": PROFILE_ID, "quotas": [{"quota_id": "01JN3WYAXKN1DCHX9WF5617506", "filling_goal": 9}]}],
}
APPLY_PROFILES = {"locale": "eng_us", "filling_goal": 500, "profile_adjustment_type": "percentage", "profiles": []}
DRAFT_INTERLOCK = {
    "locale": "eng_us",
    "target_group_filling_goal": 500,
    "profile_adjustment_type": "percentage",
    "profiles": [
        {
            "question_id": 43,
            "name": "GENDER",
            "quotas_enabled": True,
            "conditions": {"object": "selection_conditions_details", "data": [{"text": "Male", "option": "1"}]},
            "quotas": {"ungrouped": [{"index": 0, "quota_percentage": 100, "quota_nominal": 500}], "grouped": []},
        }
    ],
}
REPORT = {"filter": "Project", "start_date": "2025-01-01", "end_date": "2025-03-31", "filter_ids": [PROJECT_ID]}
WEBHOOK = {"id": WEBHOOK_ID, "url": "https://cockpit.example/hooks/cint", "events": ["target-group-updated"]}
RECONCILIATION_CSV = "response_id,reason_code\n7d1f0000-0000-0000-0000-000000000001,2\n"

# Operations that never change anything on the supplier, though they are POSTs.
CALCULATIONS = {
    "calculate_target_group_feasibility",
    "calculate_target_group_feasibility_by_id",
    "compute_target_group_transitions",
}


def case(operation_id, method, *args, **kwargs):
    """Call ``client.<method>(*args, **kwargs)``; the request must be ``operation_id`` and valid."""
    return pytest.param(operation_id, method, args, kwargs, id=f"{method}-{operation_id}")


def contract_bug(reason, operation_id, method, *args, **kwargs):
    """A request the client rightly sends but the contract rejects.

    Expected to fail validation (strict), so the day the contract is fixed this shows up
    as an unexpected pass and the entry can go.
    """
    mark = pytest.mark.xfail(reason=reason, strict=True, raises=OpenAPIError)
    return pytest.param(operation_id, method, args, kwargs, id=f"{method}-{operation_id}-contract-bug", marks=mark)


CASES = [
    # accounts
    case("get_user_accounts", "list_accounts"),
    case("get_account_users", "list_users", user_type="project_manager"),
    case("get_business_units", "list_business_units"),
    case("get_user_account_business_unit_id", "list_user_business_units", USER_ID),
    # definitions
    case("get_study_types", "list_study_types"),
    case("get_industries", "list_industries"),
    case("get_industry_lockouts", "list_industry_lockouts"),
    # projects
    case("list_account_projects", "iter_projects", status="active", search="tracker", project_manager_id=USER_ID),
    case("create_project", "create_project", PROJECT, **KEY),
    case("get_project_by_id", "get_project", PROJECT_ID),
    case("project_overview", "get_project_overview", PROJECT_ID),
    case("update_project", "update_project", PROJECT_ID, PROJECT, **GUARDED),
    # target groups
    case(
        "get_list_target_groups",
        "iter_target_groups",
        PROJECT_ID,
        status=["live", "paused"],
        search="US",
        country=["us"],
        language=["eng"],
        exclusion_status=True,
    ),
    case("create_target_group", "create_target_group", PROJECT_ID, DRAFT_TARGET_GROUP, **KEY),
    case("get_target_group", "get_target_group", *TG),
    case("update_target_group", "update_target_group", *TG, DRAFT_TARGET_GROUP, **KEY),
    case("get_target_group_details", "get_target_group_details", *TG),
    case("update_launched_target_group_details", "update_target_group_details", *TG, LAUNCHED_DETAILS, **KEY),
    case("get_target_group_overview", "get_target_group_overview", *TG),
    case("get_target_group_performance", "get_target_group_performance", *TG),
    case("get_target_group_completes_aggregated_by_interval", "get_completes_by_interval", *TG, interval="P1D"),
    case("get_target_group_changelog", "iter_changelog", *TG),
    case("get_target_group_changelog", "list_changelog", *TG, page_size=20, start_after=JOB_ID),
    case(
        "compute_target_group_transitions",
        "compute_target_group_transitions",
        PROJECT_ID,
        target_group_ids=[TARGET_GROUP_ID],
        statuses=["live", "paused"],
    ),
    case("get_target_group_rate_card", "get_target_group_rate_card", *TG),
    case("get_rate_card", "get_business_unit_rate_card", "12", "US"),
    case("update_cost_per_interview", "update_cost_per_interview", *TG, value="2.50", currency_code="USD", **KEY),
    case("update_filling_strategy", "update_filling_strategy", *TG, "automated", **KEY),
    case("get_fielding_assistant_assignment", "get_fielding_assistant_assignment", *TG),
    case(
        "create_or_update_fielding_assistant_assignment",
        "put_fielding_assistant_assignment",
        *TG,
        {"quota_overlay": {"prevent_overfill": True, "balance_fill": True}},
        **GUARDED,
    ),
    # feasibility
    case("calculate_target_group_feasibility", "calculate_feasibility", PROJECT_ID, FEASIBILITY),
    case("calculate_target_group_feasibility_by_id", "calculate_target_group_feasibility", *TG, {"filling_goal": 800}),
    # questions and templates
    case("list_questions", "list_questions", "eng_us", search="Gender", page_size=50, start_after=42),
    case("list_questions", "iter_questions", "eng_us", search="Gender"),
    case("get_question_by_id", "get_question", 42, locale="eng_us"),
    case("list_profile_templates", "iter_profiling_templates", scope="account", locales=["eng_us", "jpn_jp"]),
    case("get_profile_template", "get_profiling_template", TEMPLATE_ID, locales=["eng_us"]),
    # profiles (v2)
    case("get-profiles", "list_profiles", *TG),
    case("get-profile", "get_profile", *TG, PROFILE_ID),
    case("create-profile", "create_profile", *TG, AGE_PROFILE, **GUARDED),
    case("enable-quotas", "enable_quotas", *TG, PROFILE_ID, **GUARDED),
    case("disable-quotas-v2", "disable_quotas", *TG, PROFILE_ID, **GUARDED),
    case(
        "create-interlocked-profile",
        "create_interlocked_profile",
        *TG,
        profile_ids=[PROFILE_ID, OTHER_PROFILE_ID],
        target_group_filling_goal=500,
        **GUARDED,
    ),
    case("remove-interlocks", "remove_interlocks", *TG, INTERLOCK_ID, **GUARDED),
    case("bulk-update-quotas", "update_filling_goals", *TG, FILLING_GOALS, **GUARDED),
    case("apply-profiles", "apply_profiles", *TG, APPLY_PROFILES, **GUARDED),
    case("generate_draft_interlock_profile_v2", "generate_draft_interlocked_profile", DRAFT_INTERLOCK, **KEY),
    # fielding
    case("create_launch_fielding_run_from_draft_job", "launch_from_draft", *TG, end_fielding_at=END, **KEY),
    case("get_launch_fielding_run_from_draft_job", "get_launch_from_draft_job", *TG, JOB_ID),
    case(
        "create_schedule_fielding_run_from_draft_job",
        "schedule_from_draft",
        *TG,
        start_fielding_at=START,
        end_fielding_at="2025-06-30T18:00:00Z",
        **KEY,
    ),
    case("get_schedule_fielding_run_from_draft_job", "get_schedule_from_draft_job", *TG, JOB_ID),
    case("get_fielding_runs_by_target_group_id", "list_fielding_runs", *TG),
    case("get_fielding_run", "get_fielding_run", *TG, RUN_ID),
    case(
        "update_fielding_run",
        "update_fielding_run",
        *TG,
        RUN_ID,
        start_fielding_at=START,
        end_fielding_at=END,
        **GUARDED,
    ),
    case("launch_now_fielding_run", "launch_fielding_run_now", *TG, RUN_ID, **GUARDED),
    case("pause_fielding_run", "pause_fielding_run", *TG, RUN_ID, **GUARDED),
    case("resume_fielding_run", "resume_fielding_run", *TG, RUN_ID, **GUARDED),
    case("complete_fielding_run", "complete_fielding_run", *TG, RUN_ID, **GUARDED),
    case("relaunch_fielding_run", "relaunch_fielding_run", *TG, RUN_ID, **GUARDED),
    case("pause_fielding_run", "change_fielding_run", *TG, RUN_ID, "pause", **GUARDED),
    *[
        case(f"create_bulk_{action}_target_groups_job", "start_batch_job", PROJECT_ID, action, [TARGET_GROUP_ID], **KEY)
        for action in ("launch", "pause", "resume", "complete", "relaunch")
    ],
    *[
        case(f"get_bulk_{action}_target_groups_job", "get_batch_job", PROJECT_ID, action, JOB_ID)
        for action in ("launch", "pause", "resume", "complete", "relaunch")
    ],
    # reconciliations and reports
    case("request_reconciliation_reason_codes", "list_reconciliation_reason_codes"),
    case("post_reconciliations", "submit_reconciliation", RECONCILIATION_CSV, file_name="june.csv", **KEY),
    case("get_reconciliation_by_request_id", "get_reconciliation", REQUEST_ID),
    case("get_reconciliations_by_account_id", "iter_reconciliations", file_name="june.csv", status="completed"),
    case("get_target_groups_by_request_id", "iter_reconciliation_target_groups", REQUEST_ID),
    case(
        "get_target_group_by_request_id_and_target_group_id",
        "get_reconciliation_target_group",
        REQUEST_ID,
        TARGET_GROUP_ID,
    ),
    case("generate_report", "generate_report", "completes", REPORT, **KEY),
    case("report_status", "get_report_status", REPORT_ID),
    case("report_requests", "iter_reports", report_type="completes"),
    case("download_report", "download_report", "completes-2025-03.csv", report_type="completes"),
    # webhooks
    case("get_webhook_events", "list_webhook_events"),
    case("get_webhooks", "iter_webhooks"),
    case("create_webhook", "create_webhook", WEBHOOK, **KEY),
    case("get_webhook", "get_webhook", WEBHOOK_ID),
    case("update_webhook", "update_webhook", WEBHOOK_ID, {"events": ["quota-fill-registered"]}, **GUARDED),
    case("delete_webhook", "delete_webhook", WEBHOOK_ID, **GUARDED),
    case("regenerate_webhook_secret", "regenerate_webhook_secret", WEBHOOK_ID, **KEY),
]

# The allowlist: requests that cannot validate, and why.
KNOWN_CONTRACT_BUGS = [
    contract_bug(
        "The list declares its `name` (file name) filter required: it reuses the FileName parameter of the"
        " upload, so listing every reconciliation of the account is 'invalid' by the contract.",
        "get_reconciliations_by_account_id",
        "iter_reconciliations",
    ),
]


@pytest.fixture(scope="module")
def contract():
    if not CONTRACT.exists():
        pytest.skip(f"the Cint contract is not checked out next to the repo ({CONTRACT})")
    from openapi_core import Config, OpenAPI

    # openapi-core has no deserializer for CSV bodies (reconciliations); read them as text.
    config = Config(extra_media_type_deserializers={"text/csv": lambda body, **params: body.decode()})
    return OpenAPI.from_file_path(str(CONTRACT), config=config)


@pytest.fixture(scope="module")
def operations(contract):
    """operationId -> (METHOD, regex of the path template)."""
    spec = yaml.load(CONTRACT.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found = {}
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
                found[operation["operationId"]] = (method.upper(), re.compile("/v1" + pattern))
    return found


def answer_anything(wire):
    pattern = re.compile(re.escape(BASE_URL) + "/.*")
    for method in (responses.GET, responses.POST, responses.PUT, responses.DELETE):
        wire.add_callback(method, pattern, callback=lambda request: (200, {}, "{}"), content_type="application/json")


@pytest.mark.parametrize(("operation_id", "method", "args", "kwargs"), CASES + KNOWN_CONTRACT_BUGS)
def test_request_matches_the_contract(
    contract, operations, wire, token_endpoint, client, operation_id, method, args, kwargs
):
    from openapi_core.contrib.requests import RequestsOpenAPIRequest

    answer_anything(wire)

    result = getattr(client, method)(*args, **kwargs)
    if isinstance(result, GeneratorType):
        list(result)

    request = api_calls(wire)[-1].request
    expected_method, path_pattern = operations[operation_id]
    assert request.method == expected_method
    assert path_pattern.fullmatch(urlsplit(request.url).path), f"{request.url} is not {operation_id}"
    if request.method != "GET" and operation_id not in CALCULATIONS:
        assert request.headers["idempotency-key"] == KEY["idempotency_key"]
    contract.validate_request(RequestsOpenAPIRequest(request))


def test_every_resource_method_is_checked_against_the_contract():
    checked = {param.values[1] for param in CASES}
    public = {
        name
        for name, member in inspect.getmembers(CintClient, inspect.isfunction)
        if not name.startswith("_") and name != "__init__"
    }
    assert public - checked == set()
