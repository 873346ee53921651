"""Fault injection: 429 with Retry-After, 5xx, latency; the token endpoint is spared."""

import time

from sandbox.faults import fault_settings, override_faults, set_faults


def test_defaults_come_from_settings(db, settings):
    settings.SANDBOX_ERROR_RATE = 0.25
    settings.SANDBOX_LATENCY_MS = 5
    faults = fault_settings()
    assert faults.error_rate == 0.25 and faults.latency_ms == 5


def test_rate_limit_answers_429_with_retry_after(api):
    with override_faults(rate_limit_rate=1.0, retry_after_seconds=7):
        response = api.get("/accounts")
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    body = response.json()
    assert body["object"] == "too_many_requests_problem_details"
    assert body["details"]
    assert api.get("/accounts").status_code == 200


def test_error_rate_answers_5xx_with_the_contract_body(api):
    with override_faults(error_rate=1.0):
        statuses = {api.get("/accounts").status_code for _ in range(12)}
        body = api.get("/accounts").json()
    assert statuses <= {500, 502, 503}
    assert body["object"] == "unexpected_internal_error"


def test_zero_rates_never_fault(api):
    assert all(api.get("/accounts").status_code == 200 for _ in range(10))


def test_the_token_endpoint_is_not_faulted(api, client):
    set_faults(error_rate=1.0, rate_limit_rate=1.0)
    response = client.post(
        "/sandbox/cint/oauth/token",
        data={"client_id": "sandbox-client", "client_secret": "sandbox-secret", "grant_type": "client_credentials"},
    )
    assert response.status_code == 200


def test_latency_delays_calls(api):
    with override_faults(latency_ms=50):
        started = time.monotonic()
        api.get("/accounts")
        assert time.monotonic() - started >= 0.05
