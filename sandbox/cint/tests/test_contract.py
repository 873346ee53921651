"""A tour of the imitated API whose every response must validate against the contract."""

from pathlib import Path

import pytest

from sandbox.simulation import simulate_step

from .conftest import create_draft, later, launch, new_key, tg_url, v2_url

CONTRACT = Path(__file__).resolve().parents[3].parent / "shared/reference/contracts/cint-demand-api-2025-02-17.yaml"

pytestmark = pytest.mark.skipif(not CONTRACT.exists(), reason="the Cint contract is not next to the repo")


@pytest.fixture(scope="module")
def openapi():
    from openapi_core import OpenAPI

    return OpenAPI.from_path(CONTRACT)


def check(openapi, method, sandbox_path, response, *, query=None):
    """Validate one sandbox response against the contract's operation for that path."""
    from openapi_core.testing import MockRequest, MockResponse

    path = sandbox_path.removeprefix("/sandbox/cint/v1")
    request = MockRequest("https://api.cint.com", method.lower(), "/v1" + path, args=query or {})
    content_type = response.get("Content-Type", "application/json").split(";")[0]
    headers = {name: value for name, value in response.headers.items()}
    mock = MockResponse(response.content, status_code=response.status_code, headers=headers, content_type=content_type)
    openapi.validate_response(request, mock)


def api_path(location):
    """The API path of an absolute Location, e.g. a job's."""
    from urllib.parse import urlparse

    return urlparse(location).path.removeprefix("/sandbox/cint/v1")


class Tour:
    def __init__(self, api, openapi):
        self.api, self.openapi, self.checked = api, openapi, []

    def call(self, method, path, body=None, *, expect, query=None, validate=True, **kwargs):
        response = self.api.request(method, path, body, **(query or {}), **kwargs)
        assert response.status_code == expect, (method, path, response.status_code, response.content[:500])
        if validate:
            check(self.openapi, method, self.api.url(path), response, query=query)
        self.checked.append((method, path, response.status_code))
        return response


def test_responses_validate_against_the_contract(api, openapi, project_id, manager_id, settings):
    tour = Tour(api, openapi)
    account = "/accounts/{account}"
    demand = "/demand/accounts/{account}"
    tour.call("GET", "/accounts", expect=200)
    tour.call("GET", account + "/users", expect=200)
    tour.call("GET", account + "/business-units", expect=200)
    tour.call("GET", "/demand/questions", expect=200, query={"account_id": api.account_id, "locale": "eng_us"})
    tour.call("GET", "/demand/questions/43", expect=200, query={"locale": "eng_us"})
    tour.call("GET", "/demand/questions/42", expect=200, query={"locale": "eng_us"})
    templates = tour.call("GET", demand + "/profiling-templates", expect=200).json()["templates"]
    tour.call("GET", demand + f"/profiling-templates/{templates[0]['id']}", expect=200)
    tour.call("GET", "/locales", expect=200)
    tour.call("GET", "/study-types", expect=200)
    tour.call("GET", "/industries", expect=200)
    tour.call("GET", "/industry-lockouts", expect=200)

    tour.call("GET", demand + "/projects", expect=200, query={"page_size": "5"})
    tour.call("GET", demand + f"/projects/{project_id}", expect=200)
    tour.call("GET", demand + f"/projects/{project_id}/overview", expect=200)
    tour.call(
        "PUT",
        demand + f"/projects/{project_id}",
        {"name": "Renamed project", "project_manager_id": manager_id},
        expect=200,
        headers={"idempotency-key": new_key(), "If-Match": 'W/"1"'},
    )
    tour.call(
        "POST",
        demand + f"/projects/{project_id}/target-groups/calculate-feasibility",
        {
            "business_unit_id": api.account_id * 10 + 1,
            "locale": "eng_us",
            "incidence_rate": 0.4,
            "length_of_interview": 12,
            "filling_goal": 300,
            "start_date": later(hours=1),
            "end_date": later(days=7),
        },
        expect=200,
    )

    tg_id = create_draft(api, project_id)
    other_id = create_draft(api, project_id, name="Second TG")
    tour.call("GET", demand + f"/projects/{project_id}/target-groups", expect=200, query={"status": "draft"})
    tour.call("GET", tg_url(project_id, tg_id), expect=200)
    tour.call("POST", tg_url(project_id, tg_id, "/calculate-feasibility"), {}, expect=200)
    tour.call("GET", v2_url(project_id, tg_id), expect=200)

    job = launch(api, project_id, tg_id)
    tour.call("GET", tg_url(project_id, tg_id, f"/fielding-run-jobs/launch-from-draft/{job['job_id']}"), expect=200)
    failed = api.post(
        tg_url(project_id, other_id, "/fielding-run-jobs/schedule-from-draft"),
        {"start_fielding_at": later(hours=-1), "end_fielding_at": later(days=3)},
        headers={"idempotency-key": new_key()},
    )
    check(openapi, "POST", api.url(tg_url(project_id, other_id, "/fielding-run-jobs/schedule-from-draft")), failed)
    job_path = api_path(failed["Location"])
    assert tour.call("GET", job_path, expect=200).json()["status"] == "Failed"

    simulate_step(deliver=False)
    tour.call("GET", tg_url(project_id, tg_id, "/details"), expect=200)
    tour.call("GET", tg_url(project_id, tg_id, "/overview"), expect=200)
    tour.call("GET", tg_url(project_id, tg_id, "/performance"), expect=200)
    tour.call(
        "GET",
        tg_url(project_id, tg_id, "/completes-aggregated-by-interval"),
        expect=200,
        query={"aggregation_interval": "PT1H"},
    )
    tour.call("GET", tg_url(project_id, tg_id, "/fielding-assistant-assignment"), expect=200)
    tour.call("PUT", tg_url(project_id, tg_id, "/filling-strategy"), {"filling_strategy": "completes"}, expect=200)
    tour.call(
        "PUT",
        tg_url(project_id, tg_id, "/cost-per-interview"),
        {"target_group_cpi": {"value": "2.50", "currency_code": "USD"}},
        expect=200,
    )
    details = api.get(tg_url(project_id, tg_id, "/details")).json()
    tour.call(
        "PUT",
        tg_url(project_id, tg_id, "/details"),
        {
            "name": "Renamed TG",
            "project_manager_id": details["project_manager_id"],
            "expected_length_of_interview_minutes": 12,
            "expected_incidence_rate": 0.25,
            "live_url": details["live_url"],
            "test_url": details["test_url"],
        },
        expect=200,
    )

    profiles = tour.call("GET", v2_url(project_id, tg_id), expect=200).json()["data"]
    age, gender = profiles
    tour.call("POST", v2_url(project_id, tg_id, f"/{gender['id']}/disable-quotas"), expect=200)
    tour.call("POST", v2_url(project_id, tg_id, f"/{gender['id']}/enable-quotas"), expect=200)
    interlock = tour.call(
        "POST",
        v2_url(project_id, tg_id, "/create-interlocked-profile"),
        {"target_group_filling_goal": 100, "profiles": [age["id"], gender["id"]]},
        expect=200,
    ).json()
    tour.call("GET", v2_url(project_id, tg_id), expect=200)
    tour.call("POST", v2_url(project_id, tg_id, f"/{interlock['id']}/remove-interlocks"), expect=200)
    age_quota = api.get(v2_url(project_id, tg_id)).json()["data"][0]["quotas"]["ungrouped"][0]
    tour.call(
        "PUT",
        v2_url(project_id, tg_id, "/filling-goal"),
        {
            "filling_goal": 120,
            "profiles": [{"profile_id": age["id"], "quotas": [{"quota_id": age_quota["id"], "filling_goal": 50}]}],
        },
        expect=201,
    )
    tour.call(
        "POST",
        v2_url(project_id, tg_id),
        {"question_id": 2189, "conditions": {"object": "selection_conditions", "data": ["1", "2"]}},
        expect=201,
    )
    tour.call(
        "POST",
        "/demand/v2/accounts/{account}/drafts/generate-interlocked-profile",
        {
            "locale": "eng_us",
            "target_group_filling_goal": 200,
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
        expect=201,
        headers={"idempotency-key": new_key()},
    )

    runs = tour.call("GET", tg_url(project_id, tg_id, "/fielding-runs"), expect=200).json()["data"]
    run_path = tg_url(project_id, tg_id, f"/fielding-runs/{runs[0]['id']}")
    tour.call("GET", run_path, expect=200)
    tour.call(
        "PUT",
        run_path,
        {"start_fielding_at": runs[0]["start_fielding_at"], "end_fielding_at": later(days=9)},
        expect=202,
    )
    tour.call("POST", run_path + "/pause", expect=204)
    tour.call("POST", run_path + "/pause", expect=422)
    tour.call("POST", run_path + "/resume", expect=204)
    tour.call("POST", run_path + "/complete", expect=204)
    tour.call("POST", run_path + "/relaunch", expect=204)
    tour.call("POST", run_path + "/pause", expect=412, headers={"If-Match": 'W/"1"'})
    tour.call("GET", tg_url(project_id, tg_id, "/changelog"), expect=200)

    batch = demand + f"/projects/{project_id}/batch-jobs/pause-fielding-runs-by-target-group-id"
    created = tour.call("POST", batch, {"target_group_ids": [tg_id, other_id]}, expect=201)
    tour.call("GET", api_path(created["Location"]), expect=200)

    tour.call("GET", demand + "/reconciliations/reason-codes", expect=200)
    rid = api.get(tg_url(project_id, tg_id, "/performance")).json()  # noqa: F841 (respondents exist)
    report = tour.call(
        "POST",
        demand + "/reports/reconciliation-eligible-rids",
        # A plain start date, as the cockpit asks; the status answers it as a date-time.
        {"filter": "Target Group", "filter_ids": [tg_id], "start_date": "2020-01-01"},
        expect=202,
    ).json()
    tour.call("GET", demand + f"/reports/{report['report_id']}/status", expect=200)
    tour.call("GET", demand + "/reports", expect=200)
    # openapi-core hands a text/csv body over as bytes, which its `type: string` check refuses.
    download = tour.call(
        "GET",
        demand + "/reports/download",
        expect=200,
        validate=False,
        query={"report_type": "reconciliation-eligible-rids", "file": f"{report['report_id']}.csv"},
    )
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().splitlines()[1:]
    csv_body = "\n".join(f"{line.split(',')[0]},11" for line in lines[:3]) + "\nUNKNOWN-RID,11\n"
    submitted = tour.call(
        "POST",
        demand + "/reconciliations",
        expect=200,
        raw=csv_body,
        content_type="text/csv",
        headers={"idempotency-key": new_key()},
        query={"name": "batch-1"},
    ).json()
    tour.call("GET", demand + f"/reconciliations/{submitted['request_id']}", expect=200)
    tour.call("GET", demand + "/reconciliations", expect=200, query={"name": "batch"})
    tour.call("GET", demand + f"/reconciliations/{submitted['request_id']}/target-groups", expect=200)
    tour.call("GET", demand + f"/reconciliations/{submitted['request_id']}/target-groups/{tg_id}", expect=200)

    tour.call("GET", account + "/webhooks/events", expect=200)
    hook = tour.call(
        "POST",
        account + "/webhooks",
        {"url": "https://app.example.com/hook", "events": ["quota-fill-registered"]},
        expect=201,
    ).json()
    tour.call("GET", account + "/webhooks", expect=200)
    tour.call("GET", account + f"/webhooks/{hook['id']}", expect=200)
    tour.call("PUT", account + f"/webhooks/{hook['id']}", {"events": ["target-group-updated"]}, expect=200)
    tour.call("POST", account + f"/webhooks/{hook['id']}/regenerate-secret", expect=200)
    tour.call("DELETE", account + f"/webhooks/{hook['id']}", expect=204)

    tour.call("GET", demand + "/projects/01ARZ3NDEKTSV4RRFFQ69G5FAV", expect=404)
    tour.call("GET", demand + "/projects", expect=401, token=False)
    assert len(tour.checked) > 60
