"""The Cint client against the sandbox on a live server, every exchange checked by the contract.

One tour drives every public method of ``CintClient`` over real HTTP (``live_server``) in the
order a project manager's work would: accounts, a project, draft target groups, feasibility,
launch and schedule jobs, fielding-run actions, batch jobs, the launched target group's
details and statistics, v2 profiles, simulated respondents, reports, reconciliations and
webhooks. The session's response hook records every API call (the token call aside); each
request and each response is then validated with openapi-core against Cint's contract, after
moving the URL from the live server to the contract's server.

Failures are collected per operation. ``KNOWN_CONTRACT_GAPS`` lists those that cannot
validate and why; anything else fails the test, and so does an entry that stopped failing
(a stale allowlist). The summary (validated operations, gaps and reasons) is printed, so
``pytest -rA`` shows it, and is part of the failure message.
"""

import datetime as dt
import gc
import inspect
import random
import re
import threading
from collections import defaultdict
from pathlib import Path
from types import GeneratorType
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from django.utils import timezone

from sandbox.ids import new_ulid
from sandbox.seed import ensure_account, user_id
from sandbox.simulation import simulate_step
from sandbox.tests.bodies import draft_body, new_key
from suppliers.cint import CintClient, CintError, CintTransport

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared/reference/contracts/cint-demand-api-2025-02-17.yaml"
CONTRACT_SERVER = "https://api.cint.com/v1"
SIMULATION_STEPS = 4

# (operationId, side) -> why it cannot validate. Side: "request" or "response" (openapi-core
# refuses it) or "status" (the sandbox answered an error, so there is no success to check).
KNOWN_CONTRACT_GAPS = {
    ("get_reconciliations_by_account_id", "request"): (
        "contract bug: the list declares its `name` filter required (it reuses the upload's FileName"
        " parameter), so listing every reconciliation of the account, as iter_reconciliations() does"
        " without file_name, is 'invalid'; the filtered call validates"
    ),
    ("apply-profiles", "status"): (
        "the sandbox does not implement POST /demand/v2/.../profiles/apply-profiles (404 'No such endpoint');"
        " the request validates, there is no response to check"
    ),
}

# Public client methods the tour does not call, and why.
NOT_DRIVEN = {}

pytestmark = [
    pytest.mark.skipif(
        not CONTRACT.exists(), reason=f"the Cint contract is not checked out next to the repo ({CONTRACT})"
    ),
]


# --- the contract --------------------------------------------------------------------------


def load_contract():
    from openapi_core import Config, OpenAPI

    # openapi-core has no deserializer for CSV bodies (reconciliation uploads, report downloads).
    config = Config(extra_media_type_deserializers={"text/csv": lambda body, **params: body.decode()})
    return OpenAPI.from_file_path(str(CONTRACT), config=config)


def contract_operations():
    """[(METHOD, compiled path regex, template, operationId)], literal paths before templated ones."""
    spec = yaml.load(CONTRACT.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found = []
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                pattern = re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)))
                found.append((method.upper(), pattern, template, operation["operationId"]))
    # /reconciliations/reason-codes must win over /reconciliations/{request_id}.
    found.sort(key=lambda row: row[2].count("{"))
    return found


def operation_for(operations, method, path):
    for op_method, pattern, _template, operation_id in operations:
        if op_method == method and pattern.fullmatch(path):
            return operation_id
    return f"{method} {path} (not in the contract)"


def explain(error):
    """openapi-core's error with its causes and the schema errors, on one line."""
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(f"{type(error).__name__}: {error}")
        for schema_error in list(getattr(error, "schema_errors", None) or [])[:3]:
            where = "/".join(str(p) for p in getattr(schema_error, "absolute_path", []) or [])
            parts.append(f"[{where}] {getattr(schema_error, 'message', schema_error)}"[:300])
        error = error.__cause__ or error.__context__
    return " <- ".join(parts)[:900]


# --- driving the client --------------------------------------------------------------------


class Tour:
    """Calls client methods by name, counting them; generators are drained."""

    def __init__(self, client):
        self.client = client
        self.called = defaultdict(int)

    def __call__(self, name, *args, **kwargs):
        self.called[name] += 1
        result = getattr(self.client, name)(*args, **kwargs)
        return list(result) if isinstance(result, GeneratorType) else result

    def attempt(self, name, *args, **kwargs):
        """A call the sandbox may refuse (see KNOWN_CONTRACT_GAPS): the error is returned, not raised."""
        try:
            return self(name, *args, **kwargs)
        except CintError as error:
            return error


def soon(**delta):
    return timezone.now() + dt.timedelta(**delta)


def public_methods():
    return {
        name
        for name, _ in inspect.getmembers(CintClient, inspect.isfunction)
        if not name.startswith("_") and name != "__init__"
    }


@pytest.fixture
def recorded():
    return []


@pytest.fixture
def client(live_server, transactional_db, settings, recorded):
    settings.SANDBOX_JOB_SECONDS = 0
    account = ensure_account(settings.CINT_ACCOUNT_ID)
    base_url = live_server.url + "/sandbox/cint/v1"
    auth_url = live_server.url + "/sandbox/cint/oauth/token"

    def record(response, *args, **kwargs):
        if response.request.url != auth_url:
            recorded.append((response.request, response))

    session = requests.Session()
    session.hooks["response"].append(record)
    transport = CintTransport(
        base_url,
        auth_url,
        settings.CINT_CLIENT_ID,
        settings.CINT_CLIENT_SECRET,
        settings.CINT_API_VERSION,
        session=session,
        read_retries=0,
    )
    yield CintClient(transport, account.id)
    close_keep_alive(session, recorded)


def close_keep_alive(session, recorded):
    """Let the live server's request thread end, and with it its database connection.

    The session keeps one HTTP connection alive for the whole tour; the recorded responses
    still hold its socket. Until it closes, the server's thread keeps its persistent PostgreSQL
    connection open and the test database cannot be dropped at the end of the session.
    """
    session.close()
    recorded.clear()
    gc.collect()
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=5)


def drive(tour):
    account_id = tour.client.account_id
    k = new_key

    # accounts, users, business units
    assert tour("list_accounts").data
    users = tour("list_users", user_type="project_manager").data["users"]
    manager_id = str(user_id(account_id, "pat.manager@sandbox.invalid"))
    assert manager_id in {str(u["id"]) for u in users}
    assert tour("list_business_units").data
    tour("list_user_business_units", manager_id)
    assert "adhoc" in {item["code"] for item in tour("list_study_types").data["study_types"]}
    assert "other" in {item["code"] for item in tour("list_industries").data["industries"]}
    assert tour("list_industry_lockouts").data["industry_lockouts"]

    # project
    project_id = tour(
        "create_project", {"name": "Contract tour", "project_manager_id": manager_id}, idempotency_key=k()
    ).data["id"]
    project = tour("get_project", project_id)
    tour("get_project_overview", project_id)
    tour(
        "update_project",
        project_id,
        {"name": "Contract tour (renamed)", "project_manager_id": manager_id},
        idempotency_key=k(),
        if_match=project.etag,
    )
    assert any(p["id"] == project_id for p in tour("iter_projects", search="Contract tour", page_size=1))

    # question library and profiling templates
    assert tour("list_questions", "eng_us", page_size=5).data["questions"]
    assert tour("iter_questions", "eng_us", search="Gender")
    tour("get_question", 43, locale="eng_us")
    templates = tour("iter_profiling_templates", locales=["eng_us"])
    assert templates
    tour("get_profiling_template", templates[0]["id"], locales=["eng_us"])

    # draft target groups (age and gender quotas): one to launch, one to schedule, one for batches
    body = draft_body(account_id)
    tg_id = tour("create_target_group", project_id, body, idempotency_key=k()).data["id"]
    scheduled_id = tour(
        "create_target_group", project_id, draft_body(account_id, name="Scheduled TG"), idempotency_key=k()
    ).data["id"]
    batch_id = tour(
        "create_target_group", project_id, draft_body(account_id, name="Batch TG"), idempotency_key=k()
    ).data["id"]
    draft = tour("get_target_group", project_id, tg_id)
    assert [p["question_id"] for p in draft.data["profile"]["drafts"]] == [42, 43]
    tour(
        "update_target_group",
        project_id,
        tg_id,
        dict(body, name="Contract tour TG"),
        idempotency_key=k(),
        if_match=draft.etag,
    )
    assert {t["id"] for t in tour("iter_target_groups", project_id, status=["draft"])} >= {tg_id, batch_id}

    # feasibility and the draft interlock generator
    tour(
        "calculate_feasibility",
        project_id,
        {
            "business_unit_id": account_id * 10 + 1,
            "locale": "eng_us",
            "incidence_rate": 0.4,
            "length_of_interview": 12,
            "filling_goal": 300,
            "start_date": soon(hours=1).isoformat(),
            "end_date": soon(days=7).isoformat(),
        },
    )
    tour("calculate_target_group_feasibility", project_id, tg_id, {"filling_goal": 150})
    tour(
        "generate_draft_interlocked_profile",
        {
            "locale": "eng_us",
            "target_group_filling_goal": 200,
            "profile_adjustment_type": "percentage",
            "profiles": [
                {
                    "question_id": 43,
                    "conditions": {
                        "object": "selection_conditions_details",
                        "data": [{"text": "Male", "option": "1"}, {"text": "Female", "option": "2"}],
                    },
                },
                {
                    "question_id": 96,
                    "conditions": {
                        "object": "selection_conditions_details",
                        "data": [{"text": "Northeast", "option": "1"}, {"text": "South", "option": "3"}],
                    },
                },
            ],
        },
        idempotency_key=k(),
    )

    # launch one, schedule another (then launch it now)
    job = tour("launch_from_draft", project_id, tg_id, end_fielding_at=soon(days=5), idempotency_key=k())
    assert tour("get_launch_from_draft_job", project_id, tg_id, job.job_id).data["status"] == "Completed"
    job = tour(
        "schedule_from_draft",
        project_id,
        scheduled_id,
        start_fielding_at=soon(days=1),
        end_fielding_at=soon(days=3),
        idempotency_key=k(),
    )
    assert tour("get_schedule_from_draft_job", project_id, scheduled_id, job.job_id).data["status"] == "Completed"
    scheduled_run = tour("list_fielding_runs", project_id, scheduled_id).data["data"][0]
    etag = tour("get_fielding_run", project_id, scheduled_id, scheduled_run["id"]).etag
    tour("launch_fielding_run_now", project_id, scheduled_id, scheduled_run["id"], idempotency_key=k(), if_match=etag)

    # the launched run: move its end, pause, resume, complete, relaunch
    run = tour("list_fielding_runs", project_id, tg_id).data["data"][0]

    def run_etag():
        return tour("get_fielding_run", project_id, tg_id, run["id"]).etag

    tour(
        "update_fielding_run",
        project_id,
        tg_id,
        run["id"],
        start_fielding_at=run["start_fielding_at"],
        end_fielding_at=soon(days=9),
        idempotency_key=k(),
        if_match=run_etag(),
    )
    for action in ("pause_fielding_run", "resume_fielding_run"):
        tour(action, project_id, tg_id, run["id"], idempotency_key=k(), if_match=run_etag())
    tour("change_fielding_run", project_id, tg_id, run["id"], "pause", idempotency_key=k(), if_match=run_etag())
    for action in ("resume_fielding_run", "complete_fielding_run", "relaunch_fielding_run"):
        tour(action, project_id, tg_id, run["id"], idempotency_key=k(), if_match=run_etag())
    assert tour("get_fielding_run", project_id, tg_id, run["id"]).data["status"] == "Live"

    # batch jobs, each action once, on the third target group
    for action in ("launch", "pause", "resume", "complete", "relaunch"):
        started = tour("start_batch_job", project_id, action, [batch_id], idempotency_key=k())
        batch = tour("get_batch_job", project_id, action, started.job_id).data
        assert [t["target_group_id"] for t in batch["updated_target_groups"]["data"]] == [batch_id], (action, batch)

    # respondents arrive
    for seed in range(SIMULATION_STEPS):
        simulate_step(rng=random.Random(seed), deliver=False)

    # the launched target group
    details = tour("get_target_group_details", project_id, tg_id)
    tour(
        "update_target_group_details",
        project_id,
        tg_id,
        {
            "name": "Contract tour TG (live)",
            "project_manager_id": details.data["project_manager_id"],
            "expected_length_of_interview_minutes": 12,
            "expected_incidence_rate": 0.25,
            "live_url": details.data["live_url"],
            "test_url": details.data["test_url"],
        },
        idempotency_key=k(),
        if_match=details.etag,
    )
    tour("get_target_group_overview", project_id, tg_id)
    assert tour("get_target_group_performance", project_id, tg_id).data
    tour("get_completes_by_interval", project_id, tg_id, interval="PT1H")
    assert tour("iter_changelog", project_id, tg_id)
    page = tour("list_changelog", project_id, tg_id, page_size=2).data
    tour("list_changelog", project_id, tg_id, page_size=2, start_after=page["next_cursor"])
    transitions = tour("compute_target_group_transitions", project_id, target_group_ids=[tg_id]).data
    assert transitions["target_groups"] == [tg_id] and transitions["is_pause_allowed"]
    assert "bound_rate_card" in tour("get_target_group_rate_card", project_id, tg_id).data
    assert tour("get_business_unit_rate_card", account_id * 10 + 1, "US").data["country_code"] == "US"
    tour("update_cost_per_interview", project_id, tg_id, value="2.50", currency_code="USD", idempotency_key=k())
    tour("update_filling_strategy", project_id, tg_id, "completes", idempotency_key=k())
    assignment = tour("get_fielding_assistant_assignment", project_id, tg_id)
    tour(
        "put_fielding_assistant_assignment",
        project_id,
        tg_id,
        {"quota_overlay": {"prevent_overfill": True, "balance_fill": False}},
        idempotency_key=k(),
        if_match=assignment.etag,
    )

    # profiles (v2)
    profiles = tour("list_profiles", project_id, tg_id)
    age, gender = profiles.data["data"]
    tour.attempt("get_profile", project_id, tg_id, age["id"])
    etag = tour(
        "create_profile",
        project_id,
        tg_id,
        {"question_id": 2189, "conditions": {"object": "selection_conditions", "data": ["1", "2"]}},
        idempotency_key=k(),
        if_match=profiles.etag,
    ).etag
    etag = tour("disable_quotas", project_id, tg_id, gender["id"], idempotency_key=k(), if_match=etag).etag
    etag = tour("enable_quotas", project_id, tg_id, gender["id"], idempotency_key=k(), if_match=etag).etag
    interlock = tour(
        "create_interlocked_profile",
        project_id,
        tg_id,
        profile_ids=[age["id"], gender["id"]],
        target_group_filling_goal=100,
        idempotency_key=k(),
        if_match=etag,
    )
    etag = tour(
        "remove_interlocks", project_id, tg_id, interlock.data["id"], idempotency_key=k(), if_match=interlock.etag
    ).etag
    age_quota = tour("list_profiles", project_id, tg_id).data["data"][0]["quotas"]["ungrouped"][0]
    etag = tour(
        "update_filling_goals",
        project_id,
        tg_id,
        {
            "filling_goal": 120,
            "profiles": [{"profile_id": age["id"], "quotas": [{"quota_id": age_quota["id"], "filling_goal": 50}]}],
        },
        idempotency_key=k(),
        if_match=etag,
    ).etag
    tour.attempt(
        "apply_profiles",
        project_id,
        tg_id,
        {"locale": "eng_us", "filling_goal": 120, "profile_adjustment_type": "percentage", "profiles": []},
        idempotency_key=k(),
        if_match=etag,
    )

    # reports: the ids eligible for reconciliation
    report_type = "reconciliation-eligible-rids"
    report = tour(
        "generate_report", report_type, {"filter": "Target Group", "filter_ids": [tg_id]}, idempotency_key=k()
    ).data
    assert tour("get_report_status", report["report_id"]).data["status"] == "completed"
    assert any(r["report_id"] == report["report_id"] for r in tour("iter_reports", report_type=report_type))
    file_name = parse_qs(urlsplit(report["report_url"]).query)["file"][0]
    rows = tour("download_report", file_name, report_type=report_type).data.splitlines()[1:]
    rids = [row.split(",")[0] for row in rows]
    assert len(rids) >= 2, "the simulation made too few respondents to reconcile"

    # reconciliations of those respondents
    codes = tour("list_reconciliation_reason_codes").data["reconciliation_reasons"]
    code = codes[0]["code"]
    csv = "".join(f"{rid},{code}\n" for rid in rids[:3])
    request_id = tour("submit_reconciliation", csv, file_name="contract-tour.csv", idempotency_key=k()).data[
        "request_id"
    ]
    assert tour("get_reconciliation", request_id).data["status"] == "complete"
    assert any(r["id"] == request_id for r in tour("iter_reconciliations", file_name="contract-tour"))
    assert any(r["id"] == request_id for r in tour("iter_reconciliations"))  # unfiltered: see KNOWN_CONTRACT_GAPS
    assert [t["target_group_id"] for t in tour("iter_reconciliation_target_groups", request_id)] == [tg_id]
    tour("get_reconciliation_target_group", request_id, tg_id)

    # webhooks (last: a subscription would send events for the changes above)
    events = tour("list_webhook_events").data["events"]
    hook = tour(
        "create_webhook",
        {"id": new_ulid(), "url": "https://cockpit.example/hooks/cint", "events": events[:1]},
        idempotency_key=k(),
    ).data
    assert any(h["id"] == hook["id"] for h in tour("iter_webhooks"))
    etag = tour("get_webhook", hook["id"]).etag
    tour("update_webhook", hook["id"], {"events": events[:2]}, idempotency_key=k(), if_match=etag)
    tour("regenerate_webhook_secret", hook["id"], idempotency_key=k())
    tour("delete_webhook", hook["id"], idempotency_key=k(), if_match=tour("get_webhook", hook["id"]).etag)


# --- validation ----------------------------------------------------------------------------


def validate(openapi, operations, base_url, calls):
    """operationId -> {"calls": n, "failures": {side: [explanations]}}."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
    from openapi_core.exceptions import OpenAPIError

    results = defaultdict(lambda: {"calls": 0, "failures": defaultdict(list)})
    for prepared, response in calls:
        assert prepared.url.startswith(base_url + "/"), prepared.url
        request = prepared.copy()
        request.url = CONTRACT_SERVER + prepared.url[len(base_url) :]
        operation_id = operation_for(operations, request.method, urlsplit(request.url).path.removeprefix("/v1"))
        result = results[operation_id]
        result["calls"] += 1
        openapi_request = RequestsOpenAPIRequest(request)
        try:
            openapi.validate_request(openapi_request)
        except OpenAPIError as error:
            result["failures"]["request"].append(explain(error))
        if not 200 <= response.status_code < 300:
            result["failures"]["status"].append(f"{response.status_code}: {response.text[:200]}")
            continue
        try:
            openapi.validate_response(openapi_request, RequestsOpenAPIResponse(response))
        except OpenAPIError as error:
            result["failures"]["response"].append(explain(error))
    return results


def assert_validation_bites(openapi, base_url, calls):
    """A negative control: a request without its version header and a hollow project must fail."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
    from openapi_core.exceptions import OpenAPIError

    project_path = re.compile(r"/demand/accounts/[^/]+/projects/[^/]+")
    prepared, response = next(
        (req, res)
        for req, res in calls
        if req.method == "GET" and project_path.fullmatch(urlsplit(req.url).path.removeprefix(urlsplit(base_url).path))
    )
    request = prepared.copy()
    request.url = CONTRACT_SERVER + prepared.url[len(base_url) :]
    openapi.validate_request(RequestsOpenAPIRequest(request))
    openapi.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))
    unversioned = request.copy()
    del unversioned.headers["Cint-API-Version"]
    with pytest.raises(OpenAPIError):
        openapi.validate_request(RequestsOpenAPIRequest(unversioned))
    hollow = requests.Response()
    hollow.status_code, hollow._content = 200, b'{"id": 42}'
    hollow.headers["Content-Type"] = "application/json"
    with pytest.raises(OpenAPIError):
        openapi.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(hollow))


def summarize(results, called, operations):
    unused = {operation_id for *_, operation_id in operations} - set(results)
    lines = [
        f"client methods called: {len(called)} ({sum(called.values())} calls)",
        f"contract operations reached: {len(results)} (the client uses none of the other {len(unused)})",
    ]
    clean = sorted(op for op, result in results.items() if not result["failures"])
    lines.append(f"operations validated (request and response): {len(clean)}")
    lines += [f"  ok   {op} x{results[op]['calls']}" for op in clean]
    gaps = sorted((op, side) for op, result in results.items() for side in result["failures"])
    lines.append(f"operation sides not validated: {len(gaps)}")
    for op, side in gaps:
        reason = KNOWN_CONTRACT_GAPS.get((op, side), "UNEXPECTED: " + results[op]["failures"][side][0])
        lines.append(f"  gap  {op} [{side}]: {reason}")
    return "\n".join(lines)


def test_every_client_method_against_the_sandbox_validates_against_the_contract(client, recorded):
    openapi = load_contract()
    operations = contract_operations()
    tour = Tour(client)

    drive(tour)

    assert_validation_bites(openapi, client.transport.base_url, recorded)
    results = validate(openapi, operations, client.transport.base_url, recorded)
    summary = summarize(results, tour.called, operations)
    print(summary)

    missing = public_methods() - set(tour.called) - set(NOT_DRIVEN)
    failing = {(op, side) for op, result in results.items() for side in result["failures"]}
    problems = {
        "client methods the tour never called": sorted(missing),
        "NOT_DRIVEN entries that are called now (remove them)": sorted(set(NOT_DRIVEN) & set(tour.called)),
        "unexpected contract failures (see UNEXPECTED below)": sorted(failing - set(KNOWN_CONTRACT_GAPS)),
        "KNOWN_CONTRACT_GAPS entries that validate now (remove them)": sorted(set(KNOWN_CONTRACT_GAPS) - failing),
    }
    problems = {what: items for what, items in problems.items() if items}
    assert not problems, "\n".join(f"{what}: {items}" for what, items in problems.items()) + "\n" + summary
