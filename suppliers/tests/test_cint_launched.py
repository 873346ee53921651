"""Managing a launched target group at the wire: each call the cockpit makes about it, what it
sends and how it reads the answer, the request and the answer both validated against the contract."""

import json
import re
from pathlib import Path

import pytest
from openapi_core.exceptions import OpenAPIError

from suppliers.cint.adapter import CintAdapter
from suppliers.records import TargetGroupRef

from .fake_cint import BASE_URL, PROJECT_ID, TARGET_GROUP_ID, api_calls

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared/reference/contracts/cint-demand-api-2025-02-17.yaml"
TG = (PROJECT_ID, TARGET_GROUP_ID)
TG_URL = f"{BASE_URL}/demand/accounts/1001/projects/{PROJECT_ID}/target-groups/{TARGET_GROUP_ID}"
KEY = "9f1c2d3e-0000-4000-8000-000000000001"
MONEY = {"value": "2.750000000", "currency_code": "USD", "currency_scale": 2}
CARD = {
    "data_format": "loi_ir_matrix",
    "length_of_interview_minutes": [5, 10],
    "incidence_rate_percents": [50, 10],
    "pricing_table_currency_code": "USD",
    "pricing_table_data": [[1.1, 2.2], [1.5, 3.0]],
}
DETAILS = {
    "id": TARGET_GROUP_ID,
    "name": "US adults",
    "account_name": "Acme",
    "business_unit_id": "12",
    "project_manager_id": "43292405-363e-4fa3-85a6-6e74a49fab2e",
    "study_type_code": "adhoc",
    "industry_code": "other",
    "locale": "eng_us",
    "filling_goal": 500,
    "expected_length_of_interview_minutes": 12,
    "expected_incidence_rate": 0.4,
    "industry_lockout_code": "no_lockout",
    "client_cpi": {"value": "1.200000000", "currency_code": "USD", "currency_scale": 2},
    "collects_pii": False,
    "live_url": "https://survey.example/s?rid=[%RID%]",
    "test_url": "https://survey.example/t?rid=[%RID%]",
    "created_at": "2025-01-01T10:00:00.000Z",
}
OVERVIEW = {
    "project_name": "Tracker",
    "target_group_name": "US adults",
    "progress": {
        "current_completes": 10,
        "current_prescreens": 30,
        "filling_goal": 500,
        "filling_strategy": "prescreens",
    },
    "pricing_model": "dynamic",
    "is_pricing_restricted": False,
    "current_cost_per_interview": MONEY,
    "current_cost": {"value": "27.500000000", "currency_code": "USD", "currency_scale": 2},
    "status": "live",
    "country_code": "US",
    "language_code": "ENG",
    "conversion_rate": 0.2,
    "drop_off_rate": 0.1,
    "incidence_rate": 0.37,
    "median_length_of_interview_seconds": 700,
}

pytestmark = pytest.mark.skipif(not CONTRACT.exists(), reason=f"the Cint contract is not next to the repo ({CONTRACT})")


@pytest.fixture(scope="module")
def contract():
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(str(CONTRACT))


def validate(contract, call):
    """The request the client sent, and the answer it read, are both what the contract says."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

    request = RequestsOpenAPIRequest(call.request)
    contract.validate_request(request)
    contract.validate_response(request, RequestsOpenAPIResponse(call.response))


def test_a_cpi_is_sent_in_its_currency_and_read_back(contract, wire, token_endpoint, client):
    wire.put(f"{TG_URL}/cost-per-interview", json={"target_group_cpi": MONEY})

    answer = client.update_cost_per_interview(*TG, value="2.75", currency_code="USD", idempotency_key=KEY)

    (call,) = api_calls(wire)
    assert json.loads(call.request.body) == {"target_group_cpi": {"value": "2.75", "currency_code": "USD"}}
    assert answer.data["target_group_cpi"]["value"] == "2.750000000"
    validate(contract, call)


def test_a_filling_strategy_is_sent_and_read_back(contract, wire, token_endpoint, client):
    wire.put(f"{TG_URL}/filling-strategy", json={"filling_strategy": "prescreens"})

    assert client.update_filling_strategy(*TG, "prescreens", idempotency_key=KEY).data == {
        "filling_strategy": "prescreens"
    }

    validate(contract, api_calls(wire)[0])


def test_a_fielding_assistant_assignment_is_sent_with_its_etag(contract, wire, token_endpoint, client):
    wire.put(f"{TG_URL}/fielding-assistant-assignment", status=204, headers={"ETag": 'W/"4"'})
    body = {
        "quota_overlay": {"prevent_overfill": True, "balance_fill": False},
        "pricing": {"type": "dynamic", "total_budget": {"value": "900.0000", "currency_code": "USD"}},
        "pacing": {"type": "adaptive", "increment_interval": "P1DT12H"},
    }

    answer = client.put_fielding_assistant_assignment(*TG, body, idempotency_key=KEY, if_match='W/"3"')

    (call,) = api_calls(wire)
    assert call.request.headers["If-Match"] == 'W/"3"' and answer.etag == 'W/"4"'
    from openapi_core.contrib.requests import RequestsOpenAPIRequest

    contract.validate_request(RequestsOpenAPIRequest(call.request))


def test_launched_details_are_sent_whole_and_read_back(contract, wire, token_endpoint, client):
    wire.put(f"{TG_URL}/details", json={**DETAILS, "name": "US adults (wave 2)"})
    body = {
        "name": "US adults (wave 2)",
        "project_manager_id": DETAILS["project_manager_id"],
        "expected_length_of_interview_minutes": 12,
        "expected_incidence_rate": 0.4,
        "industry_lockout_code": "past_30_days",
        "client_cpi": {"value": "1.2000", "currency_code": "USD"},
        "live_url": DETAILS["live_url"],
        "test_url": DETAILS["test_url"],
    }

    assert client.update_target_group_details(*TG, body, idempotency_key=KEY).data["name"] == "US adults (wave 2)"

    validate(contract, api_calls(wire)[0])


def test_one_changelog_page_is_read_with_its_cursor(contract, wire, token_endpoint, client):
    page = {
        "changelog": [
            {
                "id": "1a8fa143-22ee-4b69-9779-401a411152fa",
                "occurred_at": "2023-09-11T09:27:41Z",
                "user": {"type": "las_user", "las_user_id": "16839d21-3329-408e-aa53-a7996cb8919e"},
                "changes": [{"object": "cpi_change", "new_value": MONEY, "old_value": MONEY}],
            }
        ],
        "next_cursor": "1a8fa143-22ee-4b69-9779-401a411152fa",
    }
    wire.get(re.compile(re.escape(f"{TG_URL}/changelog") + r"\?.*"), json=page)

    answer = client.list_changelog(*TG, page_size=1, start_after="7daa40ad-303b-40a2-89df-a9760400cde7")

    (call,) = api_calls(wire)
    assert call.request.url.endswith("/changelog?page_size=1&start_after=7daa40ad-303b-40a2-89df-a9760400cde7")
    assert answer.data["next_cursor"] == page["next_cursor"]
    validate(contract, call)


def test_transitions_are_asked_for_a_set_of_target_groups_without_an_idempotency_key(
    contract, wire, token_endpoint, client
):
    url = f"{BASE_URL}/demand/accounts/1001/projects/{PROJECT_ID}/compute-target-group-transitions"
    wire.post(url, json={"target_groups": [TARGET_GROUP_ID], "is_pause_allowed": True, "is_finish_allowed": True})

    answer = client.compute_target_group_transitions(PROJECT_ID, target_group_ids=[TARGET_GROUP_ID])

    (call,) = api_calls(wire)
    assert json.loads(call.request.body) == {"included_target_group_ids": [TARGET_GROUP_ID]}
    assert "idempotency-key" not in call.request.headers
    assert answer.data["is_pause_allowed"] is True
    validate(contract, call)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"country_code": "US", "predicted_rate_card_token": "t", "predicted_rate_card": CARD}, "predicted_rate_card"),
        ({"country_code": "US", "bound_rate_card_token": "t", "bound_rate_card": CARD}, "bound_rate_card"),
    ],
)
def test_a_target_groups_rate_card_is_predicted_or_bound(contract, wire, token_endpoint, client, body, kind):
    wire.get(f"{TG_URL}/rate-card", json=body)

    assert kind in client.get_target_group_rate_card(*TG).data

    validate(contract, api_calls(wire)[0])


def test_a_business_units_rate_card_is_asked_for_a_country(contract, wire, token_endpoint, client):
    url = f"{BASE_URL}/demand/accounts/1001/business-units/12/rate-card"
    wire.get(url, json={"country_code": "US", "token": "t", "rate_card_data": CARD})

    assert client.get_business_unit_rate_card("12", "US").data["rate_card_data"] == CARD

    (call,) = api_calls(wire)
    assert call.request.url == f"{url}?country_code=US"
    validate(contract, call)


def test_the_validation_bites(contract, wire, token_endpoint, client):
    """A negative control: a rate card without its grid, and a CPI without its currency, are refused."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

    wire.get(f"{TG_URL}/rate-card", json={"country_code": "US"})
    client.get_target_group_rate_card(*TG)
    call = api_calls(wire)[0]
    with pytest.raises(OpenAPIError):
        contract.validate_response(RequestsOpenAPIRequest(call.request), RequestsOpenAPIResponse(call.response))
    wire.put(f"{TG_URL}/cost-per-interview", json={"target_group_cpi": MONEY})
    client.update_cost_per_interview(*TG, value="2.75", currency_code="USD", idempotency_key=KEY)
    request = api_calls(wire)[1].request
    request.headers.pop("Cint-API-Version")
    with pytest.raises(OpenAPIError):
        contract.validate_request(RequestsOpenAPIRequest(request))


# --- the adapter ------------------------------------------------------------------------------


def test_the_cpi_read_is_the_overviews_current_one_and_the_client_cpi_is_kept_as_the_note(wire, token_endpoint, client):
    wire.get(f"{TG_URL}/details", json=DETAILS, headers={"ETag": 'W/"7"'})
    wire.get(f"{TG_URL}/overview", json=OVERVIEW)

    record, changed = CintAdapter(client).read_target_group(TargetGroupRef(*TG))

    assert changed and (str(record.cpi), record.cpi_currency) == ("2.7500", "USD")
    assert record.extra["client_cpi"]["value"] == "1.200000000"
    assert record.extra["filling_strategy"] == "prescreens" and record.pricing_model == "dynamic"


def test_cint_declares_the_launched_target_group_capabilities():
    caps = CintAdapter.capabilities
    assert caps.cpi_changes and caps.filling_strategy and caps.launched_details
    assert caps.changelog and caps.rate_cards and caps.transitions
    assert (
        not {
            "update_cost_per_interview",
            "update_filling_strategy",
            "update_launched_target_group_details",
        }
        & CintAdapter.capabilities.idempotent_operations
    )  # the contract de-duplicates none of these
