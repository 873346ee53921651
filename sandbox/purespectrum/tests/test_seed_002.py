"""The imitation answers seed 002's requests as the seed shows, field for field."""

import pytest

from sandbox.models import AppliedRequest, PsQuota, PsSurvey
from suppliers.tests import ps_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_7654(buyer):
    """The seed's survey 7654 with its quota qb30 (qualification 214, condition 112), still a draft."""
    survey = PsSurvey.objects.create(
        pk=7654,
        buyer=buyer,
        title="Seed 002",
        completes_required=200,
        expected_ir=50,
        expected_loi=10,
        live_url="https://survey.example.com/s",
        test_url="https://survey.example.com/s?test=1",
        field_time=10,
        offer_price="2.00",
        qualifications=[{"qualification_code": 214, "condition_codes": ["112"]}],
    )
    PsQuota.objects.create(
        survey=survey,
        buyer_quota_id="qb30",
        required_count=200,
        current_target=200,
        criteria=[{"qualification_code": 214, "condition_codes": ["112"]}],
    )
    return survey


def test_the_quantity_put_answers_the_body_as_the_seed_does(ps, survey_7654):
    response = ps.put(ps_seed.PATH, ps_seed.put_request())

    assert response.status_code == 200
    assert response.json() == ps_seed.put_answer()
    quota = PsQuota.objects.get(buyer_quota_id="qb30")
    assert (quota.required_count, quota.current_target) == (100, 100)
    assert (
        AppliedRequest.objects.filter(supplier="purespectrum", method="PUT", path__endswith=ps_seed.PATH).count() == 1
    )


def test_the_current_target_patch_answers_the_full_quota_field_for_field(ps, survey_7654):
    response = ps.patch(ps_seed.PATH, ps_seed.patch_request())

    assert response.status_code == 200
    ours, theirs = response.json(), ps_seed.patch_answer()
    assert ps_seed.same_shape(ours, theirs) == []
    # The values the seed's request and quota determine are the seed's.
    for name in ("hasValidQuotas", "isFlexible", "flexibility", "number", "percentage", "achieved",
                 "currently_open", "sup_currently_open", "current_target"):  # fmt: skip
        assert ours["quantities"][name] == theirs["quantities"][name], name
    assert ours["counter"] == theirs["counter"]
    for name in ("buyer_quota_id", "marker", "locked", "isActive", "type", "quotaCategory"):
        assert ours[name] == theirs[name], name
    assert ours["criteria"] == [{"qualification_code": 214, "condition_codes": ["112"]}]
    assert len(ours["_id"]) == len(theirs["_id"])


def test_the_deprecated_quantity_patch_answers_as_the_seed_does(ps, survey_7654):
    response = ps.patch(ps_seed.PATH, ps_seed.deprecated_request())

    assert response.status_code == 200
    assert response.json() == ps_seed.deprecated_answer()


def test_a_current_target_above_the_quantity_is_refused_in_purespectrums_words(ps, survey_7654):
    ps.put(ps_seed.PATH, ps_seed.put_request())  # quantity 100

    response = ps.patch(ps_seed.PATH, ps_seed.patch_request())  # 171 > 100

    assert response.status_code == 400
    assert response.json() == {
        "ps_api_response_code": 1013,
        "ps_api_response_message": "current_target (171) can not be greater than required_count (100)",
    }
    assert PsQuota.objects.get(buyer_quota_id="qb30").current_target == 100
    assert not AppliedRequest.objects.filter(method="PATCH").exists()


@pytest.mark.parametrize("value", [-1, 2.5, "12", None])
def test_a_current_target_must_be_a_whole_number_of_zero_or_more(ps, survey_7654, value):
    response = ps.patch(ps_seed.PATH, [{"op": "replace", "path": "/current_target", "value": value}])

    assert response.status_code == 400
    assert response.json()["ps_api_response_message"] == "current_target must be a whole number 0 or more"


def test_lowering_the_quantity_below_a_current_target_brings_the_target_down(ps, survey_7654):
    ps.patch(ps_seed.PATH, ps_seed.patch_request())  # target 171 of 200

    ps.put(ps_seed.PATH, ps_seed.put_request())  # quantity 100

    assert PsQuota.objects.get(buyer_quota_id="qb30").current_target == 100


def test_raising_the_quantity_of_an_uncapped_quota_raises_its_target_too(ps, survey_7654):
    ps.put(ps_seed.PATH, {**ps_seed.put_request(), "required_count": 150})

    assert PsQuota.objects.get(buyer_quota_id="qb30").current_target == 150


def test_a_capped_target_stays_when_the_quantity_rises(ps, survey_7654):
    body = {**ps_seed.put_request(), "required_count": 150}
    ps.put(ps_seed.PATH, body)
    capped = [{"op": "replace", "path": "/current_target", "value": 120}]
    ps.patch(ps_seed.PATH, capped)

    ps.put(ps_seed.PATH, {**body, "required_count": 180})

    quota = PsQuota.objects.get(buyer_quota_id="qb30")
    assert (quota.required_count, quota.current_target) == (180, 120)


def test_without_an_access_token_nothing_is_answered_but_the_401(ps, survey_7654):
    response = ps.put(ps_seed.PATH, ps_seed.put_request(), token=False)

    assert response.status_code == 401
    assert "msg" in response.json()
    assert PsQuota.objects.get(buyer_quota_id="qb30").required_count == 200
