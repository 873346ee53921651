"""The Cint transport at the wire: token, headers, retries."""

import json

import pytest
import requests

from suppliers.cint import AuthFailed, CintTransport, RateLimited, ServerError, TransportError
from suppliers.cint.transport import job_id_from_location, quote_etag

from .fake_cint import (
    API_VERSION,
    AUTH_URL,
    BASE_URL,
    PROJECT_ID,
    TARGET_GROUP_ID,
    api_calls,
    token_body,
    token_calls,
)

PROJECT_URL = f"{BASE_URL}/demand/accounts/1001/projects/{PROJECT_ID}"
PROJECTS_URL = f"{BASE_URL}/demand/accounts/1001/projects"


# --- OAuth token ---------------------------------------------------------------------------


def test_token_request_sends_client_credentials(wire, token_endpoint, client):
    wire.get(PROJECT_URL, json={"id": PROJECT_ID})

    client.get_project(PROJECT_ID)

    assert json.loads(token_calls(wire)[0].request.body) == {
        "client_id": "cockpit",
        "client_secret": "s3cret",
        "grant_type": "client_credentials",
        "lucid_scopes": "app:api",
        "audience": "https://api.luc.id",
    }
    assert api_calls(wire)[0].request.headers["Authorization"] == "Bearer token-1"


def test_token_is_fetched_once_across_many_calls(wire, token_endpoint, client):
    wire.get(PROJECT_URL, json={"id": PROJECT_ID})

    for _ in range(5):
        client.get_project(PROJECT_ID)

    assert token_endpoint.call_count == 1
    assert len(api_calls(wire)) == 5
    assert client.request_count == 5


def test_token_is_shared_through_the_cache(wire, token_endpoint, transport):
    wire.get(PROJECT_URL, json={})
    other = CintTransport(
        BASE_URL, AUTH_URL, "cockpit", "s3cret", API_VERSION, token_cache=transport.token_cache, clock=transport.clock
    )

    transport.request("GET", f"/demand/accounts/1001/projects/{PROJECT_ID}")
    other.request("GET", f"/demand/accounts/1001/projects/{PROJECT_ID}")

    assert token_endpoint.call_count == 1


def test_token_is_renewed_five_minutes_before_a_day_long_token_expires(wire, client, clock):
    wire.post(AUTH_URL, json=token_body("token-1", expires_in=86400))
    wire.post(AUTH_URL, json=token_body("token-2", expires_in=86400))
    wire.get(PROJECT_URL, json={})

    client.get_project(PROJECT_ID)
    clock.advance(86400 - 300 - 1)  # the second before the margin
    client.get_project(PROJECT_ID)
    clock.advance(1)  # the margin starts
    client.get_project(PROJECT_ID)

    tokens = [call.request.headers["Authorization"] for call in api_calls(wire)]
    assert tokens == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    assert len(token_calls(wire)) == 2


def test_short_lived_token_is_renewed_ten_percent_before_expiry(wire, client, clock):
    wire.post(AUTH_URL, json=token_body("token-1", expires_in=60))
    wire.post(AUTH_URL, json=token_body("token-2", expires_in=60))
    wire.get(PROJECT_URL, json={})

    client.get_project(PROJECT_ID)
    clock.advance(53)
    client.get_project(PROJECT_ID)
    clock.advance(1)  # 54 s = 60 s less 10 %
    client.get_project(PROJECT_ID)

    tokens = [call.request.headers["Authorization"] for call in api_calls(wire)]
    assert tokens == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_401_drops_the_token_and_retries_once_with_a_fresh_one(wire, client):
    wire.post(AUTH_URL, json=token_body("token-1"))
    wire.post(AUTH_URL, json=token_body("token-2"))
    wire.get(PROJECT_URL, status=401, json={"object": "authorization_error", "detail": "token expired"})
    wire.get(PROJECT_URL, json={"id": PROJECT_ID})

    response = client.get_project(PROJECT_ID)

    assert response.data == {"id": PROJECT_ID}
    tokens = [call.request.headers["Authorization"] for call in api_calls(wire)]
    assert tokens == ["Bearer token-1", "Bearer token-2"]


def test_second_401_raises_auth_failed(wire, token_endpoint, client, sleeps):
    wire.get(PROJECT_URL, status=401, json={"object": "authorization_error", "detail": "bad audience"})

    with pytest.raises(AuthFailed) as caught:
        client.get_project(PROJECT_ID)

    assert len(api_calls(wire)) == 2
    assert token_endpoint.call_count == 2
    assert caught.value.status == 401
    assert "bad audience" in caught.value.message
    assert caught.value.retryable is False
    assert sleeps == []


def test_rejected_credentials_raise_auth_failed(wire, client):
    wire.post(AUTH_URL, status=401, json={"error": "access_denied", "error_description": "Unauthorized"})

    with pytest.raises(AuthFailed) as caught:
        client.get_project(PROJECT_ID)

    assert "Unauthorized" in caught.value.message
    assert api_calls(wire) == []


# --- headers -------------------------------------------------------------------------------


def test_version_and_accept_headers_on_every_call(wire, token_endpoint, client):
    wire.get(PROJECT_URL, json={})
    wire.get(f"{PROJECT_URL}/overview", json={})
    wire.post(PROJECTS_URL, status=202, json={"id": PROJECT_ID})

    client.get_project(PROJECT_ID)
    client.get_project_overview(PROJECT_ID)
    client.create_project({"name": "Brand tracker", "project_manager_id": "x"}, idempotency_key="key-1")

    for call in api_calls(wire):
        assert call.request.headers["Cint-API-Version"] == API_VERSION
        assert call.request.headers["Accept"] == "application/json"
        assert call.request.headers["Authorization"] == "Bearer token-1"


def test_idempotency_key_is_sent_when_given(wire, token_endpoint, client):
    wire.post(PROJECTS_URL, status=202, json={"id": PROJECT_ID})
    wire.get(PROJECT_URL, json={})

    client.create_project({"name": "Brand tracker"}, idempotency_key="0b7c9d2e-outbox-17")
    client.get_project(PROJECT_ID)

    create, read = api_calls(wire)
    assert create.request.headers["idempotency-key"] == "0b7c9d2e-outbox-17"
    assert "idempotency-key" not in read.request.headers


@pytest.mark.parametrize(
    ("given", "sent"),
    [("12", '"12"'), ('"12"', '"12"'), ('W/"12"', 'W/"12"'), ("W/12", 'W/"12"'), (' w/"ab-3" ', 'W/"ab-3"')],
)
def test_if_match_is_always_quoted(wire, token_endpoint, client, given, sent):
    wire.put(PROJECT_URL, json={})

    client.update_project(PROJECT_ID, {"name": "Brand tracker"}, idempotency_key="k", if_match=given)

    assert api_calls(wire)[0].request.headers["If-Match"] == sent


def test_unusable_etag_is_refused_before_sending(wire, token_endpoint, client):
    with pytest.raises(ValueError):
        client.update_project(PROJECT_ID, {}, idempotency_key="k", if_match='W/"a"b"')
    assert api_calls(wire) == []


def test_etag_and_location_are_returned(wire, token_endpoint, client):
    run_url = f"{PROJECT_URL}/target-groups/{TARGET_GROUP_ID}/fielding-runs/run-1"
    wire.get(run_url, json={"id": "run-1"}, headers={"ETag": 'W/"7"'})
    job_location = (
        f"/v1/demand/accounts/1001/projects/{PROJECT_ID}/target-groups/{TARGET_GROUP_ID}"
        "/fielding-run-jobs/launch-from-draft/c1a13cfe-d59d-4cb1-a647-50b109958578"
    )
    wire.post(
        f"{PROJECT_URL}/target-groups/{TARGET_GROUP_ID}/fielding-run-jobs/launch-from-draft",
        status=201,
        headers={"Location": job_location},
    )

    run = client.get_fielding_run(PROJECT_ID, TARGET_GROUP_ID, "run-1")
    job = client.launch_from_draft(
        PROJECT_ID, TARGET_GROUP_ID, end_fielding_at="2025-06-30T00:00:00Z", idempotency_key="k"
    )

    assert run.etag == 'W/"7"'
    assert (job.status, job.data, job.location) == (201, None, job_location)
    assert job.job_id == "c1a13cfe-d59d-4cb1-a647-50b109958578"


@pytest.mark.parametrize(
    ("location", "job_id"),
    [
        ("/v1/accounts/2428/projects/P/target-groups/T/fielding-run-jobs/launch-from-draft/c1a13cfe", "c1a13cfe"),
        ("https://api.cint.com/v1/demand/accounts/1/projects/P/batch-jobs/pause-x/01JOB/", "01JOB"),
        ("/jobs/abc?x=1", "abc"),
        (None, None),
        ("", None),
    ],
)
def test_job_id_is_the_last_segment_of_location(location, job_id):
    assert job_id_from_location(location) == job_id


def test_quote_etag_keeps_a_wildcard():
    assert quote_etag("*") == "*"


# --- retries -------------------------------------------------------------------------------


def test_get_is_retried_on_503_then_succeeds(wire, token_endpoint, client, sleeps):
    wire.get(PROJECT_URL, status=503, json={"object": "unexpected_internal_error", "detail": "try later"})
    wire.get(PROJECT_URL, json={"id": PROJECT_ID})

    response = client.get_project(PROJECT_ID)

    assert response.data == {"id": PROJECT_ID}
    assert sleeps == [0.5]
    assert client.request_count == 2


def test_get_gives_up_after_the_read_retries(wire, token_endpoint, client, sleeps):
    wire.get(PROJECT_URL, status=500, json={"object": "unexpected_internal_error", "detail": "boom"})

    with pytest.raises(ServerError):
        client.get_project(PROJECT_ID)

    assert len(api_calls(wire)) == 3  # first try + read_retries=2
    assert sleeps == [0.5, 1.0]


def test_get_waits_as_long_as_retry_after_says(wire, token_endpoint, client, sleeps):
    rate_limited = {"object": "too_many_requests_problem_details", "details": "slow down"}
    wire.get(PROJECT_URL, status=429, headers={"Retry-After": "3"}, json=rate_limited)
    wire.get(PROJECT_URL, json={})

    client.get_project(PROJECT_ID)

    assert sleeps == [3.0]


def test_get_does_not_wait_longer_than_the_cap(wire, token_endpoint, client, sleeps):
    wire.get(PROJECT_URL, status=429, headers={"Retry-After": "3600"}, json={})

    with pytest.raises(RateLimited) as caught:
        client.get_project(PROJECT_ID)

    assert caught.value.retry_after == 3600
    assert sleeps == []


def test_post_is_not_retried(wire, token_endpoint, client, sleeps):
    wire.post(PROJECTS_URL, status=503, json={"object": "unexpected_internal_error", "detail": "down"})

    with pytest.raises(ServerError) as caught:
        client.create_project({"name": "Brand tracker"}, idempotency_key="k")

    assert len(api_calls(wire)) == 1
    assert sleeps == []
    assert caught.value.retryable is True  # the outbox retries it, with the same key


def test_timeout_raises_transport_error(wire, token_endpoint, client, sleeps):
    wire.post(PROJECTS_URL, body=requests.exceptions.ReadTimeout("read timed out"))

    with pytest.raises(TransportError) as caught:
        client.create_project({"name": "Brand tracker"}, idempotency_key="k")

    assert caught.value.retryable is True
    assert "timed out" in caught.value.message
    assert sleeps == []


def test_get_is_retried_after_a_connection_error(wire, token_endpoint, client, sleeps):
    wire.get(PROJECT_URL, body=requests.exceptions.ConnectionError("refused"))
    wire.get(PROJECT_URL, json={"id": PROJECT_ID})

    assert client.get_project(PROJECT_ID).data == {"id": PROJECT_ID}
    assert sleeps == [0.5]


def test_every_call_has_a_timeout(wire, token_endpoint, transport, monkeypatch):
    wire.get(f"{BASE_URL}/accounts", json={"accounts": []})
    timeouts = []
    send = transport.session.request

    def recording_send(*args, **kwargs):
        timeouts.append(kwargs.get("timeout"))
        return send(*args, **kwargs)

    monkeypatch.setattr(transport.session, "request", recording_send)

    transport.request("GET", "/accounts")

    assert timeouts == [20.0, 20.0]  # the token call and the API call
