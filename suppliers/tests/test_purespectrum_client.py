"""The PureSpectrum client at the wire (`responses`): every call's method, path, headers and body,
seed 002's request and answer bodies, and PureSpectrum's errors read into the shared family."""

import json

import pytest
import requests
import responses

from suppliers.errors import AuthFailed, NotFound, RateLimited, ServerError, TransportError, ValidationFailed
from suppliers.purespectrum import PureSpectrumClient, PureSpectrumTransport

from . import ps_seed

BASE = "https://staging.spectrumsurveys.com/buyers/v2"
TOKEN = "tok-123"


@pytest.fixture
def wire():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sleeps):
    return PureSpectrumClient(PureSpectrumTransport(BASE, TOKEN, timeout=5, sleep=sleeps.append))


def sent(wire, n=0):
    return wire.calls[n].request


def body_of(request):
    return json.loads(request.body)


# --- seed 002 -----------------------------------------------------------------------------------


def test_the_quantity_is_a_put_of_the_quota_with_its_criteria_as_in_seed_002(wire, client):
    wire.put(BASE + ps_seed.PATH, json=ps_seed.put_answer())
    seed = ps_seed.put_request()

    response = client.put_quota(7654, "qb30", required_count=seed["required_count"], criteria=seed["criteria"])

    assert body_of(sent(wire)) == seed
    assert sent(wire).headers["access-token"] == TOKEN
    assert (response.status, response.data) == (200, ps_seed.put_answer())


def test_the_current_target_is_a_json_patch_as_in_seed_002(wire, client):
    wire.patch(BASE + ps_seed.PATH, json=ps_seed.patch_answer())

    response = client.set_current_target(7654, "qb30", 171)

    assert body_of(sent(wire)) == ps_seed.patch_request()
    assert response.data["quantities"]["current_target"] == 171


# --- surveys --------------------------------------------------------------------------------------


def test_the_survey_list_is_read_page_by_page_as_the_answer_says(wire, client):
    page = {"surveys": [{"ps_survey_id": 1}], "page": 1, "page_size": 1, "total": 2, "total_pages": 2}
    wire.get(
        BASE + "/surveys", json=page, match=[responses.matchers.query_param_matcher({"page": "1", "page_size": "1"})]
    )
    wire.get(
        BASE + "/surveys",
        json={**page, "surveys": [{"ps_survey_id": 2}], "page": 2},
        match=[responses.matchers.query_param_matcher({"page": "2", "page_size": "1"})],
    )

    ids = [s["ps_survey_id"] for s in client.iter_surveys(page_size=1)]

    assert ids == [1, 2] and len(wire.calls) == 2


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        (lambda c: c.get_survey(42), "GET", "/surveys/42"),
        (lambda c: c.get_performance(42), "GET", "/surveys/42/performance"),
        (lambda c: c.list_quotas(42), "GET", "/surveys/42/quotas"),
        (lambda c: c.get_adjustment("adj-1"), "GET", "/adjustments/adj-1"),
        (lambda c: c.list_adjustments(42), "GET", "/adjustments/surveys/42"),
    ],
)
def test_reads_name_their_path(wire, client, call, method, path):
    wire.add(method, BASE + path, json={})

    call(client)

    assert sent(wire).method == method and sent(wire).url == BASE + path


def test_a_new_survey_is_posted_as_given(wire, client):
    wire.post(BASE + "/surveys", json={"ps_survey_id": 9, "ps_survey_status": 11}, status=201)
    body = {"survey_title": "T", "completes_required": 10, "qualifications": [], "quotas": []}

    response = client.create_survey(body)

    assert body_of(sent(wire)) == body and response.status == 201


@pytest.mark.parametrize(
    ("call", "patch"),
    [
        (
            lambda c: c.set_completes_required(42, 2000),
            [{"op": "replace", "path": "/completes_required", "value": 2000}],
        ),
        (lambda c: c.set_offer_price(42, "3.25"), [{"op": "replace", "path": "/offer_price", "value": 3.25}]),
    ],
)
def test_the_goal_and_the_cpi_are_json_patch_on_the_survey(wire, client, call, patch):
    wire.patch(BASE + "/surveys/42", json={"ps_survey_id": 42})

    call(client)

    assert body_of(sent(wire)) == patch


def test_a_status_change_is_one_put_with_the_status_code(wire, client):
    wire.put(BASE + "/surveys/42/status", json={"ps_survey_id": 42, "ps_survey_status": 33})

    client.set_status(42, 33)

    assert sent(wire).url == BASE + "/surveys/42/status?ps_survey_status=33"


def test_an_adjustment_posts_the_transaction_ids(wire, client):
    wire.post(BASE + "/adjustments/surveys/42", status=202, json={"adjustment_id": "a1", "status": 1})

    response = client.submit_adjustment(42, ["t1", "t2"])

    assert body_of(sent(wire)) == [{"transaction_id": "t1"}, {"transaction_id": "t2"}]
    assert response.status == 202


def test_ids_cannot_change_the_path(wire, client):
    wire.get(BASE + "/surveys/..%2Fadjustments", json={})

    client.get_survey("../adjustments")

    assert sent(wire).url == BASE + "/surveys/..%2Fadjustments"


# --- errors and retries -----------------------------------------------------------------------------


def test_purespectrums_error_body_becomes_the_shared_error_with_its_words(wire, client):
    wire.get(
        BASE + "/surveys/7",
        status=404,
        json={"ps_api_response_code": 1006, "ps_api_response_message": "Survey not found"},
    )

    with pytest.raises(NotFound) as caught:
        client.get_survey(7)

    assert caught.value.said == "Survey not found (PureSpectrum code: 1006)"


def test_a_refused_current_target_is_a_validation_failure_in_purespectrums_words(wire, client):
    refusal = {
        "ps_api_response_code": 1013,
        "ps_api_response_message": "current_target (171) can not be greater than required_count (100)",
    }
    wire.patch(BASE + ps_seed.PATH, status=400, json=refusal)

    with pytest.raises(ValidationFailed) as caught:
        client.set_current_target(7654, "qb30", 171)

    assert "can not be greater than required_count" in caught.value.message
    assert caught.value.body == refusal


def test_a_401_with_msg_is_an_auth_failure(wire, client):
    wire.get(BASE + "/surveys/7", status=401, json={"msg": "Invalid access-token"})

    with pytest.raises(AuthFailed) as caught:
        client.get_survey(7)

    assert "Invalid access-token" in caught.value.message


def test_reads_are_retried_on_5xx_and_429_as_retry_after_says(wire, client, sleeps):
    wire.get(BASE + "/surveys/7", status=503, json={"ps_api_response_code": 1099, "ps_api_response_message": "down"})
    wire.get(BASE + "/surveys/7", status=429, json={}, headers={"Retry-After": "4"})
    wire.get(BASE + "/surveys/7", json={"ps_survey_id": 7})

    assert client.get_survey(7).data == {"ps_survey_id": 7}
    assert sleeps == [0.5, 4.0] and client.request_count == 3


def test_writes_are_never_retried_by_the_transport(wire, client):
    wire.patch(BASE + ps_seed.PATH, status=503, json={"ps_api_response_code": 1099, "ps_api_response_message": "down"})

    with pytest.raises(ServerError):
        client.set_current_target(7654, "qb30", 171)

    assert len(wire.calls) == 1


def test_a_rate_limit_on_a_write_carries_retry_after_for_the_outbox(wire, client):
    wire.put(BASE + "/surveys/7/status", status=429, json={}, headers={"Retry-After": "2"})

    with pytest.raises(RateLimited) as caught:
        client.set_status(7, 22)

    assert caught.value.retry_after == 2.0


def test_a_timeout_is_a_transport_error(wire, client):
    wire.put(BASE + ps_seed.PATH, body=requests.Timeout("slow"))

    with pytest.raises(TransportError) as caught:
        client.put_quota(7654, "qb30", required_count=100, criteria=[])

    assert "timed out" in caught.value.message
