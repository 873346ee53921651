"""Faults at the PureSpectrum part, like the Cint part's: 5xx and 429 in PureSpectrum's error body,
lost answers of writes that were applied (and logged once)."""

import pytest

from sandbox.faults import override_faults
from sandbox.models import AppliedRequest, PsQuota

from .conftest import survey_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_id(ps):
    return ps.post("/surveys", survey_body()).json()["ps_survey_id"]


def test_an_injected_server_error_is_in_purespectrums_shape_and_applies_nothing(ps, survey_id):
    with override_faults(error_rate=1.0):
        response = ps.patch(
            f"/surveys/{survey_id}/quotas/male", [{"op": "replace", "path": "/current_target", "value": 7}]
        )

    assert response.status_code in (500, 502, 503)
    assert set(response.json()) == {"ps_api_response_code", "ps_api_response_message"}
    assert PsQuota.objects.get(buyer_quota_id="male").current_target == 100


def test_an_injected_429_says_when_to_come_back(ps, survey_id):
    with override_faults(rate_limit_rate=1.0, retry_after_seconds=3):
        response = ps.get(f"/surveys/{survey_id}")

    assert response.status_code == 429 and response["Retry-After"] == "3"
    assert response.json()["ps_api_response_code"] == 1029


def test_a_lost_answer_is_applied_once_and_logged_as_lost(ps, survey_id):
    with override_faults(lost_response_rate=1.0):
        response = ps.patch(
            f"/surveys/{survey_id}/quotas/male", [{"op": "replace", "path": "/current_target", "value": 7}]
        )

    assert response.status_code == 503
    assert PsQuota.objects.get(buyer_quota_id="male").current_target == 7
    log = AppliedRequest.objects.get(supplier="purespectrum", method="PATCH")
    assert log.answer_lost and log.path.endswith(f"/surveys/{survey_id}/quotas/male")


def test_a_refused_call_is_never_faulted_nor_logged(ps, survey_id):
    with override_faults(error_rate=1.0):
        response = ps.get(f"/surveys/{survey_id}", token=False)

    assert response.status_code == 401
