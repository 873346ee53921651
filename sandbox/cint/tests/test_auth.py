"""Tokens, the version header, and errors in the contract's shape."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from sandbox.models import AccessToken

TOKEN_URL = "/sandbox/cint/oauth/token"


def _token_request(client, **body):
    payload = {
        "client_id": "sandbox-client",
        "client_secret": "sandbox-secret",
        "grant_type": "client_credentials",
        "lucid_scopes": "app:api",
        "audience": "https://api.luc.id",
        **body,
    }
    return client.post(TOKEN_URL, data=json.dumps(payload), content_type="application/json")


@pytest.mark.django_db
def test_token_endpoint_issues_a_bearer_token_that_expires_after_the_ttl(client, settings):
    settings.SANDBOX_TOKEN_TTL_SECONDS = 120
    response = _token_request(client)
    assert response.status_code == 200
    data = response.json()
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 120
    assert data["access_token"].count(".") == 2  # JWT-shaped
    token = AccessToken.objects.get(token=data["access_token"])
    assert dt.timedelta(seconds=119) < token.expires_at - token.issued_at <= dt.timedelta(seconds=120)


@pytest.mark.django_db
def test_first_token_creates_the_default_account(client, settings):
    settings.CINT_ACCOUNT_ID = "2002"
    assert _token_request(client).status_code == 200
    from sandbox.models import Account

    assert Account.objects.filter(pk=2002).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"client_secret": "wrong"}, {"client_id": "someone-else"}])
def test_wrong_credentials_are_refused(client, body):
    response = _token_request(client, **body)
    assert response.status_code == 401
    assert response.json()["error"] == "access_denied"


@pytest.mark.django_db
def test_other_grant_types_are_refused(client):
    assert _token_request(client, grant_type="password").status_code == 400


def test_a_call_without_a_token_is_401_with_the_contract_error(api):
    response = api.get("/accounts", token=False)
    assert response.status_code == 401
    body = response.json()
    assert body["object"] == "authorization_error"
    assert body["detail"] and body["id"]


def test_an_unknown_token_is_401(api):
    response = api.get("/accounts", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_an_expired_token_is_401(api):
    AccessToken.objects.filter(token=api.token).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api.get("/accounts")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_is_valid_until_the_second_before_expiry(api):
    AccessToken.objects.filter(token=api.token).update(expires_at=timezone.now() + dt.timedelta(seconds=1))
    assert api.get("/accounts").status_code == 200


def test_missing_version_header_is_400(api):
    response = api.get("/accounts", version=False)
    assert response.status_code == 400
    body = response.json()
    assert body["object"] == "bad_request_error"
    assert "Cint-API-Version" in body["detail"]
    assert body["invalid_params"][0]["name"] == "Cint-API-Version"


def test_malformed_version_header_is_400(api):
    assert api.get("/accounts", headers={"Cint-API-Version": "latest"}).status_code == 400


def test_unknown_account_is_404(api):
    response = api.get("/accounts/999999/users")
    assert response.status_code == 404
    assert response.json()["object"] == "not_found_error"


def test_unknown_endpoint_answers_json_404(api):
    response = api.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json()["object"] == "not_found_error"


def test_wrong_method_is_405(api):
    assert api.delete("/accounts").status_code == 405


def test_accounts_users_and_business_units(api):
    assert api.get("/accounts").json()["accounts"] == [
        {"id": api.account_id, "name": f"Sandbox account {api.account_id}"}
    ]
    users = api.get("/accounts/{account}/users", user_type="project_manager").json()["users"]
    assert len(users) == 3
    units = api.get("/accounts/{account}/business-units").json()["business_units"]
    assert {u["currency_code"] for u in units} == {"USD", "EUR"}
