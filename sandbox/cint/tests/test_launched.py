"""A launched target group's CPI, details, fielding assistant, changelog, rate cards and the
transitions the supplier allows: the contract's shapes (every success answer validated against
it) and the state rules a buyer meets."""

import pytest

from sandbox.models import BusinessUnit, ChangelogEntry, TargetGroup
from sandbox.seed import user_id

from .conftest import create_draft, launch, tg_url
from .test_contract import CONTRACT, check
from .test_fielding_runs import _run_in

pytestmark = pytest.mark.skipif(not CONTRACT.exists(), reason="the Cint contract is not next to the repo")
DEMAND = "/demand/accounts/{account}"


@pytest.fixture(scope="module")
def openapi():
    from openapi_core import OpenAPI

    return OpenAPI.from_path(CONTRACT)


def call(api, openapi, method, path, body=None, *, expect, query=None, **kwargs):
    """One call; a success answer must be what the contract says the operation answers."""
    response = api.request(method, path, body, **(query or {}), **kwargs)
    assert response.status_code == expect, (method, path, response.status_code, response.content[:400])
    if 200 <= expect < 300:
        check(openapi, method, api.url(path), response, query=query)
    return response


def invalid(response):
    return {item["name"] for item in response.json().get("invalid_params") or []}


def transitions_path(project_id):
    return DEMAND + f"/projects/{project_id}/compute-target-group-transitions"


# --- the CPI ------------------------------------------------------------------------------------


def test_a_launched_dynamic_target_group_takes_a_cpi_in_its_business_units_currency(api, openapi, project_id, live_id):
    path = tg_url(project_id, live_id, "/cost-per-interview")
    body = {"target_group_cpi": {"value": "3.10", "currency_code": "USD"}}

    answer = call(api, openapi, "PUT", path, body, expect=200).json()

    assert (
        answer["target_group_cpi"]["value"].startswith("3.10") and answer["target_group_cpi"]["currency_code"] == "USD"
    )
    overview = call(api, openapi, "GET", tg_url(project_id, live_id, "/overview"), expect=200).json()
    assert overview["current_cost_per_interview"]["value"].startswith("3.10")
    entry = ChangelogEntry.objects.filter(target_group_id=live_id).first()
    assert entry.changes[0]["object"] == "cpi_change"


@pytest.mark.parametrize(
    ("cpi", "words", "param"),
    [
        ({"value": "3.10", "currency_code": "EUR"}, "works in USD", "target_group_cpi.currency_code"),
        ({"value": "-1", "currency_code": "USD"}, "positive decimal", "target_group_cpi.value"),
        ({"value": "1e3", "currency_code": "USD"}, "positive decimal", "target_group_cpi.value"),
    ],
)
def test_a_cpi_in_another_currency_or_not_a_positive_decimal_is_refused(
    api, openapi, project_id, live_id, cpi, words, param
):
    response = call(
        api, openapi, "PUT", tg_url(project_id, live_id, "/cost-per-interview"), {"target_group_cpi": cpi}, expect=400
    )

    assert words in response.json()["detail"] and invalid(response) == {param}


def test_a_draft_or_a_rate_card_target_group_takes_no_cpi(api, openapi, project_id, draft_id, account):
    body = {"target_group_cpi": {"value": "3.10", "currency_code": "USD"}}
    draft = call(api, openapi, "PUT", tg_url(project_id, draft_id, "/cost-per-interview"), body, expect=400)
    assert "is a draft" in draft.json()["detail"]

    priced = create_draft(api, project_id, business_unit_id=str(account.id * 10 + 2), name="Europe TG")
    launch(api, project_id, priced)
    assert TargetGroup.objects.get(pk=priced).pricing_model == "rate_card"  # Europe prices by rate card only
    body = {"target_group_cpi": {"value": "3.10", "currency_code": "EUR"}}
    refused = call(api, openapi, "PUT", tg_url(project_id, priced, "/cost-per-interview"), body, expect=400)
    assert "priced by its rate card" in refused.json()["detail"]


# --- details ----------------------------------------------------------------------------------


def details_body(details, **changes):
    body = {
        "name": details["name"],
        "project_manager_id": details["project_manager_id"],
        "expected_length_of_interview_minutes": details["expected_length_of_interview_minutes"],
        "expected_incidence_rate": 0.25,
        "live_url": details["live_url"],
        "test_url": details["test_url"],
    }
    body.update(changes)
    return body


def test_a_drafts_details_are_not_found(api, openapi, project_id, draft_id):
    assert (
        call(api, openapi, "GET", tg_url(project_id, draft_id, "/details"), expect=404).json()["object"]
        == "not_found_error"
    )
    body = details_body(
        {
            "name": "x",
            "project_manager_id": "x",
            "expected_length_of_interview_minutes": 5,
            "live_url": "",
            "test_url": "",
        }
    )
    call(api, openapi, "PUT", tg_url(project_id, draft_id, "/details"), body, expect=404)


def test_launched_details_change_and_are_logged(api, openapi, project_id, live_id, account):
    path = tg_url(project_id, live_id, "/details")
    details = call(api, openapi, "GET", path, expect=200).json()
    other = str(user_id(account.id, "robin.fielder@sandbox.invalid"))

    body = details_body(
        details, name="Renamed", client_cpi={"value": "1.20", "currency_code": "USD"}, project_manager_id=other
    )
    answer = call(api, openapi, "PUT", path, body, expect=200).json()

    assert answer["name"] == "Renamed" and answer["client_cpi"]["value"].startswith("1.20")
    objects = {c["object"] for c in ChangelogEntry.objects.filter(target_group_id=live_id).first().changes}
    assert {"name_change", "cpi_note_change", "expected_incidence_rate_change", "project_manager_change"} <= objects


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"live_url": "http://survey.example.com/s?rid=[%RID%]"}, "live_url"),
        ({"live_url": "https://survey.example.com/s"}, "live_url"),
        ({"test_url": "http://survey.example.com/t"}, "test_url"),
        ({"client_cpi": {"value": "lots", "currency_code": "USD"}}, "client_cpi.value"),
        ({"expected_length_of_interview_minutes": 46}, "expected_length_of_interview_minutes"),
    ],
)
def test_details_the_contract_refuses_are_refused(api, openapi, project_id, live_id, changes, param):
    path = tg_url(project_id, live_id, "/details")
    details = api.get(path).json()

    response = call(api, openapi, "PUT", path, details_body(details, **changes), expect=400)

    assert param in invalid(response)


# --- the fielding assistant -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "param"),
    [
        (
            {"pricing": {"type": "dynamic", "total_budget": {"value": "900"}, "maximum_cpi": {"value": "4"}}},
            "pricing",
        ),
        ({"pricing": {"type": "dynamic"}}, "pricing"),
        ({"pricing": {"type": "rate_card", "maximum_cpi": {"value": "4"}}}, "pricing.type"),
        (
            {"pricing": {"type": "dynamic", "maximum_cpi": {"value": "4"}, "minimum_cpi": {"value": "5"}}},
            "pricing.minimum_cpi",
        ),
        ({"pacing": {"type": "linear", "increment_interval": "PT1.5H"}}, "pacing.increment_interval"),
        ({"pacing": {"type": "adaptive", "increment_interval": "P400D"}}, "pacing.increment_interval"),
        ({"pacing": {"type": "gemini"}}, "pacing.exposed_target_group_id"),
        ({"quota_overlay": {"prevent_overfill": True}}, "quota_overlay"),
    ],
)
def test_fielding_assistant_modules_the_contract_refuses_are_refused(
    api, openapi, project_id, live_id, assignment, param
):
    path = tg_url(project_id, live_id, "/fielding-assistant-assignment")

    response = call(api, openapi, "PUT", path, assignment, expect=400)

    assert param in invalid(response)


def test_a_fielding_assistant_assignment_is_replaced_whole_guarded_by_its_etag_and_logged(
    api, openapi, project_id, live_id
):
    path = tg_url(project_id, live_id, "/fielding-assistant-assignment")
    etag = call(api, openapi, "GET", path, expect=200)["ETag"]
    assignment = {
        "quota_overlay": {"prevent_overfill": False, "balance_fill": False},
        "pricing": {"type": "dynamic", "maximum_cpi": {"value": "4.00", "currency_code": "USD"}},
        "pacing": {"type": "linear", "increment_interval": "PT12H"},
    }

    call(api, openapi, "PUT", path, assignment, expect=412, headers={"If-Match": 'W/"1"'})
    done = call(api, openapi, "PUT", path, assignment, expect=204, headers={"If-Match": etag})

    assert done["ETag"] != etag
    assert call(api, openapi, "GET", path, expect=200).json() == assignment
    objects = {c["object"] for c in ChangelogEntry.objects.filter(target_group_id=live_id).first().changes}
    assert {
        "quota_overlay_prevent_overfilling_change",
        "quota_overlay_balance_fill_change",
        "pacing_assistance_change",
        "pacing_linear_increment_interval_change",
        "pricing_assistance_change",
        "pricing_dynamic_maximum_cpi_change",
    } <= objects
    assert call(api, openapi, "GET", tg_url(project_id, live_id, "/changelog"), expect=200).json()["changelog"]


# --- the changelog ----------------------------------------------------------------------------


def test_the_changelog_comes_newest_first_a_page_at_a_time(api, openapi, project_id, live_id):
    for strategy in ("prescreens", "completes"):
        call(
            api,
            openapi,
            "PUT",
            tg_url(project_id, live_id, "/filling-strategy"),
            {"filling_strategy": strategy},
            expect=200,
        )
    path = tg_url(project_id, live_id, "/changelog")
    total = ChangelogEntry.objects.filter(target_group_id=live_id).count()
    assert total >= 4

    first = call(api, openapi, "GET", path, expect=200, query={"page_size": "2"}).json()
    rest = call(
        api, openapi, "GET", path, expect=200, query={"page_size": "100", "start_after": first["next_cursor"]}
    ).json()

    assert len(first["changelog"]) == 2 and first["next_cursor"]
    assert len(rest["changelog"]) == total - 2 and rest["next_cursor"] == ""  # the contract: empty at the end
    moments = [batch["occurred_at"] for batch in first["changelog"] + rest["changelog"]]
    assert moments == sorted(moments, reverse=True)


# --- transitions ------------------------------------------------------------------------------

FLAGS = ("is_launch_allowed", "is_pause_allowed", "is_resume_allowed", "is_relaunch_allowed", "is_finish_allowed")
ALLOWED = {
    "Draft": {"is_launch_allowed"},
    "Scheduled": {"is_launch_allowed"},
    "Live": {"is_pause_allowed", "is_finish_allowed"},
    "Paused": {"is_resume_allowed", "is_finish_allowed"},
    "Completed": {"is_relaunch_allowed"},
}


def allowed(answer):
    return {flag for flag in FLAGS if answer[flag]}


@pytest.mark.parametrize("state", list(ALLOWED))
def test_transitions_follow_the_target_groups_fielding_state(api, openapi, project_id, state):
    tg_id = create_draft(api, project_id) if state == "Draft" else _run_in(api, project_id, state)[0]

    answer = call(
        api, openapi, "POST", transitions_path(project_id), {"included_target_group_ids": [tg_id]}, expect=200
    ).json()

    assert answer["target_groups"] == [tg_id] and allowed(answer) == ALLOWED[state]


def test_a_set_allows_what_one_of_its_target_groups_allows(api, openapi, project_id, draft_id, live_id):
    other = create_draft(api, project_id, name="Other draft")

    both = call(api, openapi, "POST", transitions_path(project_id), {}, expect=200).json()
    drafts = call(
        api, openapi, "POST", transitions_path(project_id), {"filters": {"status": ["draft"]}}, expect=200
    ).json()
    none = call(
        api, openapi, "POST", transitions_path(project_id), {"excluded_target_group_ids": [live_id, other]}, expect=200
    ).json()

    assert set(both["target_groups"]) == {live_id, other}
    assert allowed(both) == {"is_launch_allowed", "is_pause_allowed", "is_finish_allowed"}
    assert drafts["target_groups"] == [other] and allowed(drafts) == {"is_launch_allowed"}
    assert none["target_groups"] == [] and allowed(none) == set()


def test_a_run_past_its_end_cannot_be_resumed(api, openapi, project_id):
    tg_id, run = _run_in(api, project_id, "Paused")
    run.end_at = run.start_at
    run.save()

    answer = call(
        api, openapi, "POST", transitions_path(project_id), {"included_target_group_ids": [tg_id]}, expect=200
    ).json()

    assert allowed(answer) == {"is_finish_allowed"}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"included_target_group_ids": ["not-an-id"]}, "included_target_group_ids"),
        ({"filters": {"status": ["running"]}}, "filters.status"),
        ({"filters": {"country": ["USA"]}}, "filters.country"),
    ],
)
def test_a_transitions_question_the_contract_refuses_is_refused(api, openapi, project_id, body, param):
    assert param in invalid(call(api, openapi, "POST", transitions_path(project_id), body, expect=400))


# --- rate cards -------------------------------------------------------------------------------


def test_a_target_groups_rate_card_is_predicted_until_it_goes_live_then_bound(api, openapi, project_id, draft_id):
    path = tg_url(project_id, draft_id, "/rate-card")
    predicted = call(api, openapi, "GET", path, expect=200).json()
    launch(api, project_id, draft_id)
    bound = call(api, openapi, "GET", path, expect=200).json()

    assert "predicted_rate_card" in predicted and "bound_rate_card" not in predicted
    assert bound["bound_rate_card"] == predicted["predicted_rate_card"] and bound["country_code"] == "US"
    table = bound["bound_rate_card"]["pricing_table_data"]
    assert len(table) == len(bound["bound_rate_card"]["length_of_interview_minutes"])
    assert table[0][0] < table[-1][0] and table[0][0] < table[0][-1]  # dearer with length and rarer incidence


def test_a_rate_card_target_group_is_charged_its_cards_cell(api, openapi, project_id, account):
    tg_id = create_draft(api, project_id, business_unit_id=str(account.id * 10 + 2), expected_incidence_rate=0.37)
    launch(api, project_id, tg_id)
    card = call(api, openapi, "GET", tg_url(project_id, tg_id, "/rate-card"), expect=200).json()["bound_rate_card"]
    overview = call(api, openapi, "GET", tg_url(project_id, tg_id, "/overview"), expect=200).json()

    row = card["length_of_interview_minutes"].index(10)  # expected LOI 10 min
    column = card["incidence_rate_percents"].index(30)  # 37% falls in the 30% column
    assert float(overview["current_cost_per_interview"]["value"]) == card["pricing_table_data"][row][column]
    assert card["pricing_table_currency_code"] == "EUR"


def test_a_business_units_rate_card_is_found_by_country(api, openapi, account):
    path = DEMAND + f"/business-units/{account.id * 10 + 1}/rate-card"

    card = call(api, openapi, "GET", path, expect=200, query={"country_code": "gb"}).json()
    missing = call(api, openapi, "GET", path, expect=400)
    unknown = call(
        api, openapi, "GET", DEMAND + "/business-units/999/rate-card", expect=404, query={"country_code": "US"}
    )

    assert card["country_code"] == "GB" and card["rate_card_data"]["pricing_table_currency_code"] == "USD"
    assert invalid(missing) == {"country_code"} and "does not exist" in unknown.json()["detail"]


def test_a_dynamically_priced_business_unit_has_no_rate_card(api, openapi, account):
    unit = BusinessUnit.objects.create(
        pk=account.id * 10 + 7, account=account, name="Dynamic only", currency_code="USD", pricing_models=["dynamic"]
    )

    response = call(
        api, openapi, "GET", DEMAND + f"/business-units/{unit.pk}/rate-card", expect=404, query={"country_code": "US"}
    )

    assert "no rate card" in response.json()["detail"]
