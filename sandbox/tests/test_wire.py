"""The shared wire layer, as a supplier part without idempotency keys or ETags uses it.

The part here is a stand-in for PureSpectrum: its own error body, no keys, one write.
"""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from sandbox.faults import override_faults
from sandbox.models import AppliedRequest
from sandbox.wire import RATE_LIMITED, WireError, json_response, supplier_api

pytestmark = pytest.mark.django_db


def ps_error(status, fault):
    if fault == RATE_LIMITED:
        return {"ps_api_response_code": 1429, "ps_api_response_message": "Too many requests"}
    return {"ps_api_response_code": 1000, "ps_api_response_message": "Internal error"}


def require_access_token(request):
    if request.headers.get("access-token") != "ps-token":
        raise WireError(401, {"ps_api_response_code": 1001, "ps_api_response_message": "Invalid access token"})


def ps_api(*, write=False):
    return supplier_api(supplier="purespectrum", error_body=ps_error, checks=(require_access_token,), write=write)


@ps_api(write=True)
def update_survey(request, survey_id):
    if survey_id != 7:
        raise WireError(404, {"ps_api_response_code": 1006, "ps_api_response_message": "Survey not found"})
    return json_response({"ps_survey_id": survey_id, **json.loads(request.body)})


@ps_api()
def get_survey(request, survey_id):
    return json_response({"ps_survey_id": survey_id})


urlpatterns = [path("sandbox/purespectrum/surveys/<int:survey_id>", update_survey)]


def put(survey_id, body, token="ps-token"):
    request = RequestFactory().put(
        f"/sandbox/purespectrum/surveys/{survey_id}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"access-token": token},
    )
    return update_survey(request, survey_id)


def answer(response):
    return json.loads(response.content)


def test_each_applied_write_is_logged_for_its_supplier_with_a_body_hash():
    first = put(7, {"cpi": 1.5})
    second = put(7, {"cpi": 1.5})
    other = put(7, {"cpi": 2.0})
    assert first.status_code == second.status_code == other.status_code == 200
    rows = list(AppliedRequest.objects.filter(supplier="purespectrum").order_by("id"))
    assert [(row.method, row.path, row.idempotency_key) for row in rows] == [
        ("PUT", "/sandbox/purespectrum/surveys/7", "")
    ] * 3
    assert rows[0].body_hash == rows[1].body_hash != rows[2].body_hash
    assert not AppliedRequest.objects.filter(supplier="cint").exists()


def test_an_error_raised_by_the_view_is_answered_in_the_suppliers_shape_and_not_logged():
    response = put(8, {"cpi": 1.5})
    assert response.status_code == 404
    assert answer(response) == {"ps_api_response_code": 1006, "ps_api_response_message": "Survey not found"}
    assert not AppliedRequest.objects.exists()


def test_reads_are_not_logged():
    request = RequestFactory().get("/sandbox/purespectrum/surveys/7", headers={"access-token": "ps-token"})
    assert get_survey(request, 7).status_code == 200
    assert not AppliedRequest.objects.exists()


def test_a_rate_limit_fault_is_answered_in_the_suppliers_shape_with_retry_after():
    with override_faults(rate_limit_rate=1.0, retry_after_seconds=4):
        response = put(7, {"cpi": 1.5})
    assert response.status_code == 429
    assert response["Retry-After"] == "4"
    assert answer(response) == {"ps_api_response_code": 1429, "ps_api_response_message": "Too many requests"}
    assert not AppliedRequest.objects.exists()


def test_a_server_error_fault_is_answered_in_the_suppliers_shape():
    with override_faults(error_rate=1.0):
        response = put(7, {"cpi": 1.5})
    assert response.status_code in (500, 502, 503)
    assert answer(response)["ps_api_response_code"] == 1000
    assert not AppliedRequest.objects.exists()


def test_a_lost_answer_is_applied_and_logged_though_the_caller_gets_a_503():
    with override_faults(lost_response_rate=1.0):
        response = put(7, {"cpi": 1.5})
    assert response.status_code == 503
    assert answer(response)["ps_api_response_code"] == 1000
    applied = AppliedRequest.objects.get(supplier="purespectrum")
    assert applied.answer_lost is True


def test_the_suppliers_checks_refuse_a_call_before_any_fault():
    with override_faults(error_rate=1.0, rate_limit_rate=1.0):
        response = put(7, {"cpi": 1.5}, token="wrong")
    assert response.status_code == 401
    assert answer(response)["ps_api_response_code"] == 1001


def test_a_supplier_view_needs_no_login_and_no_csrf_token(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        "/sandbox/purespectrum/surveys/7",
        '{"cpi": 1.5}',
        content_type="application/json",
        headers={"access-token": "ps-token"},
    )
    assert response.status_code == 200
    assert AppliedRequest.objects.filter(supplier="purespectrum").count() == 1
