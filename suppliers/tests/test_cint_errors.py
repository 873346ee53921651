"""Each failed response becomes its typed exception, with the supplier's words and details."""

from datetime import UTC, datetime

import pytest

from suppliers.cint import (
    AuthFailed,
    CintError,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    ValidationFailed,
)
from suppliers.cint.errors import parse_retry_after

from .fake_cint import BASE_URL

PROJECTS_URL = f"{BASE_URL}/demand/accounts/1001/projects"
INVALID_PARAMS = [{"name": "name", "reason": "must be at least 5 characters"}]


@pytest.mark.parametrize(
    ("status", "body", "error_class", "words", "details"),
    [
        (
            412,
            {"object": "precondition_failed_error", "detail": "wrong expected version"},
            PreconditionFailed,
            ["Someone changed this", "wrong expected version", "Refresh the page"],
            [],
        ),
        (
            404,
            {"id": "7a59", "object": "not_found_error", "detail": "resource not found"},
            NotFound,
            ["could not find", "resource not found"],
            [],
        ),
        (
            400,  # InvalidParamsBadRequestError / ClientErrorDemandAPI
            {"object": "bad_request_error", "detail": "Invalid request.", "invalid_params": INVALID_PARAMS},
            ValidationFailed,
            ["The supplier rejected the request: Invalid request.", "name: must be at least 5 characters"],
            INVALID_PARAMS,
        ),
        (
            422,
            {"object": "invalid_state_error", "detail": "The entity does not meet the required state."},
            ValidationFailed,
            ["rejected the request", "does not meet the required state", "Refresh the target group"],
            [],
        ),
        (
            403,
            {"object": "authorization_error", "detail": "you don't have the right permissions"},
            AuthFailed,
            ["refused our credentials or permissions", "right permissions", "administrator"],
            [],
        ),
        (
            500,  # InternalErrorDemandAPI / InternalErrorResponseDemographics
            {"object": "internal_error", "detail": "db down", "errors": [{"name": "db", "reason": "timeout"}]},
            ServerError,
            ["internal problem: db down (db: timeout)", "tried again"],
            [{"name": "db", "reason": "timeout"}],
        ),
        (
            429,  # TooManyRequestsProblemDetails says "details", not "detail"
            {"object": "too_many_requests_problem_details", "details": "slow down"},
            RateLimited,
            ["limiting how many requests", "slow down", "tried again in 12 seconds"],
            [],
        ),
        (409, {"object": "conflict", "detail": "already launched"}, ValidationFailed, ["already launched"], []),
        (418, {"detail": "teapot"}, CintError, ["could not process the request: teapot"], []),
    ],
)
def test_status_is_mapped_to_its_exception(wire, token_endpoint, client, status, body, error_class, words, details):
    wire.post(PROJECTS_URL, status=status, json=body, headers={"Retry-After": "12"})

    with pytest.raises(CintError) as caught:
        client.create_project({"name": "Brand tracker"}, idempotency_key="k")

    error = caught.value
    assert type(error) is error_class
    assert error.status == status
    assert error.details == details
    assert error.body == body
    for word in words:
        assert word in error.message
    assert str(error) == error.message


def test_rate_limited_carries_retry_after(wire, token_endpoint, client):
    wire.post(PROJECTS_URL, status=429, json={}, headers={"Retry-After": "7"})

    with pytest.raises(RateLimited) as caught:
        client.create_project({"name": "Brand tracker"}, idempotency_key="k")

    assert caught.value.retry_after == 7
    assert caught.value.retryable is True


def test_rate_limited_without_retry_after(wire, token_endpoint, client):
    wire.post(PROJECTS_URL, status=429, json={})

    with pytest.raises(RateLimited) as caught:
        client.create_project({"name": "Brand tracker"}, idempotency_key="k")

    assert caught.value.retry_after is None
    assert "tried again shortly" in caught.value.message


def test_error_without_a_json_body_keeps_the_text(wire, token_endpoint, client):
    wire.post(PROJECTS_URL, status=502, body="Bad gateway", content_type="text/html")

    with pytest.raises(ServerError) as caught:
        client.create_project({"name": "Brand tracker"}, idempotency_key="k")

    assert caught.value.body == "Bad gateway"
    assert "internal problem: Bad gateway" in caught.value.message


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (" 0 ", 0.0), ("1.5", 1.5), ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0), ("soon", None), (None, None)],
)
def test_retry_after_accepts_seconds_and_http_dates(header, seconds):
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_retryable_errors():
    assert [cls.retryable for cls in (RateLimited, ServerError)] == [True, True]
    assert not any(cls.retryable for cls in (PreconditionFailed, NotFound, ValidationFailed, AuthFailed, CintError))
