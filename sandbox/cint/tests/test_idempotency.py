"""Idempotency keys: a replay changes nothing; a reused key with another body is refused."""

from sandbox.faults import override_faults
from sandbox.models import AppliedRequest, IdempotencyRecord, Project

from .conftest import new_key

PROJECTS = "/demand/accounts/{account}/projects"


def test_replaying_a_create_returns_the_first_response_and_creates_nothing(api, manager_id):
    key = new_key()
    body = {"name": "Idempotent project", "project_manager_id": manager_id}
    first = api.post(PROJECTS, body, headers={"idempotency-key": key})
    second = api.post(PROJECTS, body, headers={"idempotency-key": key})
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert first["ETag"] == second["ETag"]
    assert second["Idempotent-Replayed"] == "true"
    assert Project.objects.filter(name="Idempotent project").count() == 1
    assert AppliedRequest.objects.filter(idempotency_key=key).count() == 1


def test_same_key_with_a_different_body_is_rejected(api, manager_id):
    key = new_key()
    api.post(PROJECTS, {"name": "First project", "project_manager_id": manager_id}, headers={"idempotency-key": key})
    response = api.post(
        PROJECTS, {"name": "Other project", "project_manager_id": manager_id}, headers={"idempotency-key": key}
    )
    assert response.status_code == 400
    body = response.json()
    assert "idempotency-key" in body["detail"]
    assert body["invalid_params"][0]["name"] == "idempotency-key"
    assert not Project.objects.filter(name="Other project").exists()


def test_a_required_key_that_is_missing_is_400(api, manager_id):
    response = api.post(PROJECTS, {"name": "No key project", "project_manager_id": manager_id})
    assert response.status_code == 400
    assert response.json()["invalid_params"] == [{"name": "idempotency-key", "reason": "is required"}]
    assert not Project.objects.exists()


def test_a_faulted_attempt_is_not_stored_so_the_retry_goes_through(api, manager_id):
    key = new_key()
    body = {"name": "Retried project", "project_manager_id": manager_id}
    with override_faults(error_rate=1.0):
        assert api.post(PROJECTS, body, headers={"idempotency-key": key}).status_code in (500, 502, 503)
    assert not IdempotencyRecord.objects.filter(key=key).exists()
    assert api.post(PROJECTS, body, headers={"idempotency-key": key}).status_code == 202
    assert Project.objects.filter(name="Retried project").count() == 1


def test_a_rejected_request_is_not_stored_either(api, manager_id):
    key = new_key()
    assert (
        api.post(
            PROJECTS, {"name": "x", "project_manager_id": manager_id}, headers={"idempotency-key": key}
        ).status_code
        == 400
    )
    assert not IdempotencyRecord.objects.filter(key=key).exists()
    assert not AppliedRequest.objects.filter(idempotency_key=key).exists()


def test_each_key_is_applied_at_most_once_across_many_retries(api, manager_id, project_id):
    keys = [new_key() for _ in range(3)]
    for key in keys * 3:
        api.post(
            PROJECTS, {"name": f"Project {key[:8]}", "project_manager_id": manager_id}, headers={"idempotency-key": key}
        )
    for key in keys:
        assert AppliedRequest.objects.filter(idempotency_key=key).count() == 1


def test_the_applied_request_log_names_cint_and_the_body(api, manager_id):
    key = new_key()
    body = {"name": "Logged project", "project_manager_id": manager_id}
    api.post(PROJECTS, body, headers={"idempotency-key": key})
    applied = AppliedRequest.objects.get(idempotency_key=key)
    assert applied.supplier == "cint"
    assert applied.body_hash == IdempotencyRecord.objects.get(key=key).body_hash
