"""Fixtures for driving the Cint part at the wire with Django's test client."""

import json

import pytest
from django.conf import settings

from sandbox.seed import ensure_account, user_id

from .bodies import draft_body, later, new_key  # noqa: F401  (shared with other apps' tests)

BASE = "/sandbox/cint/v1"
VERSION = "2025-02-17"


class Api:
    """A tiny client: bearer token and version header on every call, JSON bodies."""

    def __init__(self, client, token, account_id):
        self.client = client
        self.token = token
        self.account_id = account_id

    def url(self, path):
        return BASE + path.format(account=self.account_id)

    def headers(self, extra=None, *, token=True, version=True):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {self.token}"
        if version:
            headers["Cint-API-Version"] = VERSION
        headers.update(extra or {})
        return headers

    def request(
        self,
        method,
        path,
        body=None,
        *,
        headers=None,
        token=True,
        version=True,
        raw=None,
        content_type="application/json",
        **params,
    ):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        call = getattr(self.client, method.lower())
        url = self.url(path)
        if method == "GET":
            return call(url, params, headers=self.headers(headers, token=token, version=version))
        if params:
            from urllib.parse import urlencode

            url += "?" + urlencode(params)
        return call(
            url, data=data, content_type=content_type, headers=self.headers(headers, token=token, version=version)
        )

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def account(db):
    return ensure_account(settings.CINT_ACCOUNT_ID)


@pytest.fixture
def token(client, account):
    response = client.post(
        "/sandbox/cint/oauth/token",
        data=json.dumps(
            {
                "client_id": settings.CINT_CLIENT_ID,
                "client_secret": settings.CINT_CLIENT_SECRET,
                "grant_type": "client_credentials",
                "lucid_scopes": "app:api",
                "audience": "https://api.luc.id",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def api(client, token, account, settings):
    settings.SANDBOX_JOB_SECONDS = 0
    return Api(client, token, account.id)


@pytest.fixture
def manager_id(account):
    return str(user_id(account.id, "pat.manager@sandbox.invalid"))


@pytest.fixture
def project_id(api, manager_id):
    response = api.post(
        "/demand/accounts/{account}/projects",
        {"name": "Sandbox project", "project_manager_id": manager_id},
        headers={"idempotency-key": new_key()},
    )
    assert response.status_code == 202, response.content
    return response.json()["id"]


@pytest.fixture
def tg_path(project_id):
    return "/demand/accounts/{account}/projects/" + project_id + "/target-groups/{tg}"


def create_draft(api, project_id, **overrides):
    response = api.post(
        f"/demand/accounts/{{account}}/projects/{project_id}/target-groups", draft_body(api.account_id, **overrides)
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def launch(api, project_id, tg_id, *, end=None):
    path = (
        f"/demand/accounts/{{account}}/projects/{project_id}/target-groups/{tg_id}/fielding-run-jobs/launch-from-draft"
    )
    response = api.post(path, {"end_fielding_at": end or later(days=5)}, headers={"idempotency-key": new_key()})
    assert response.status_code == 201, response.content
    job = api.client.get(response["Location"], headers=api.headers()).json()
    return job


@pytest.fixture
def draft_id(api, project_id):
    return create_draft(api, project_id)


@pytest.fixture
def live_id(api, project_id, draft_id):
    job = launch(api, project_id, draft_id)
    assert job["status"] == "Completed", job
    return draft_id


def tg_url(project_id, tg_id, rest=""):
    return f"/demand/accounts/{{account}}/projects/{project_id}/target-groups/{tg_id}{rest}"


def v2_url(project_id, tg_id, rest=""):
    return f"/demand/v2/accounts/{{account}}/projects/{project_id}/target-groups/{tg_id}/profiles{rest}"
