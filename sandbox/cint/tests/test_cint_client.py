"""The sandbox through the app's own Cint client (in-process, no server): typed errors at the wire."""

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from sandbox.faults import override_faults

from .conftest import draft_body, later, new_key

cint = pytest.importorskip("suppliers.cint")
wsgiadapter = pytest.importorskip("wsgiadapter")
HOST = "http://testserver"


class _Adapter(wsgiadapter.WSGIAdapter):
    """Hand requests to Django in-process without closing the test's connection."""

    def send(self, request, *args, **kwargs):
        # As Django's test client does: keep the test's connection (and its transaction) open.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return super().send(request, *args, **kwargs)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def client(account, settings):
    import requests

    settings.SANDBOX_JOB_SECONDS = 0
    session = requests.Session()
    session.mount(HOST + "/", _Adapter(WSGIHandler()))
    transport = cint.CintTransport(
        HOST + "/sandbox/cint/v1",
        HOST + "/sandbox/cint/oauth/token",
        settings.CINT_CLIENT_ID,
        settings.CINT_CLIENT_SECRET,
        settings.CINT_API_VERSION,
        session=session,
        read_retries=0,
    )
    return cint.CintClient(transport, account.id)


@pytest.fixture
def live(client):
    manager = client.list_users(user_type="project_manager").data["users"][0]["id"]
    project_id = client.create_project(
        {"name": "Client project", "project_manager_id": manager}, idempotency_key=new_key()
    ).data["id"]
    tg_id = client.create_target_group(project_id, draft_body(client.account_id), idempotency_key=new_key()).data["id"]
    job = client.launch_from_draft(project_id, tg_id, end_fielding_at=later(days=5), idempotency_key=new_key())
    assert client.get_launch_from_draft_job(project_id, tg_id, job.job_id).data["status"] == "Completed"
    return project_id, tg_id


def test_stale_if_match_raises_precondition_failed(client, live):
    project_id, tg_id = live
    profiles = client.list_profiles(project_id, tg_id)
    gender = profiles.data["data"][1]["id"]
    client.disable_quotas(project_id, tg_id, gender, idempotency_key=new_key(), if_match=profiles.etag)
    with pytest.raises(cint.PreconditionFailed):
        client.enable_quotas(project_id, tg_id, gender, idempotency_key=new_key(), if_match=profiles.etag)


def test_injected_429_raises_rate_limited_with_retry_after(client, live):
    with override_faults(rate_limit_rate=1.0, retry_after_seconds=4), pytest.raises(cint.RateLimited) as caught:
        client.get_target_group_details(*live)
    assert caught.value.retry_after == 4


def test_injected_5xx_raises_server_error(client, live):
    with override_faults(error_rate=1.0), pytest.raises(cint.ServerError):
        client.get_target_group_overview(*live)


def test_invalid_state_and_validation_errors_are_typed(client, live):
    project_id, tg_id = live
    run = client.list_fielding_runs(project_id, tg_id).data["data"][0]
    with pytest.raises(cint.CintError) as caught:
        client.resume_fielding_run(project_id, tg_id, run["id"], idempotency_key=new_key())
    assert caught.value.status == 422
    with pytest.raises(cint.ValidationFailed):
        client.create_project({"name": "x"}, idempotency_key=new_key())


def test_an_unknown_client_cannot_get_a_token(account, client):
    client.transport.client_secret = "wrong"
    client.transport.token_cache = cint.MemoryTokenCache()
    with pytest.raises(cint.AuthFailed):
        client.list_accounts()
    assert settings.CINT_CLIENT_SECRET != "wrong"
