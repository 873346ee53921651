"""The Audience-Align part answers like seed 004: its shapes (numbers as strings where the seed has
strings), its refusals (a wrong hash 400, a wrong client id 403, with the seed's bodies), and the
rules the seed and its notes state."""

import json
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.faults import override_faults
from sandbox.models import AaRespondent, AaSurvey, AppliedRequest
from sandbox.simulation import simulate_parts
from suppliers.errors import ServerError, ValidationFailed

from .conftest import BASE, days, survey_body

pytestmark = pytest.mark.django_db


def keys(value):
    return set(value) if isinstance(value, dict) else set()


# --- auth ---------------------------------------------------------------------------------------


def test_a_wrong_hash_is_refused_with_the_seed_s_body(raw):
    response = raw.call("GET", "endpoints/get_survey", hash="0" * 64)

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "error": "Hash data mismatch. Please verify the integrity of the request.",
    }


def test_the_hash_of_another_endpoint_is_refused(raw, aa):
    other = aa.transport.hash_for(f"{BASE}/endpoints/create_survey")

    assert raw.call("GET", "endpoints/get_survey", hash=other).status_code == 400


def test_a_wrong_client_id_is_refused_with_the_seed_s_body(raw):
    response = raw.call("GET", "endpoints/get_survey", client_id="someone-else")

    assert response.status_code == 403
    assert response.json() == {"status": 403, "error": "Client ID mismatch. Please verify and try again."}


def test_a_reconciliation_call_is_refused_in_that_endpoint_s_shape(raw, survey_id):
    response = raw.call("GET", "reconciliations/reconciliation", hash="0" * 64, project_id=survey_id)

    assert response.status_code == 401
    assert response.json() == {
        "status": False,
        "error": "Unauthorized",
        "message": "No valid authorisation for this operation.",
    }


def test_get_hash_data_answers_the_hash_as_the_body_and_the_same_each_time(client, aa_account):
    body = json.dumps({"url": f"{BASE}/endpoints/get_master_data", "key": aa_account.key})

    first = client.generic("GET", "/sandbox/audience-align/v1/endpoints/getHashData", body, "application/json")
    second = client.generic("GET", "/sandbox/audience-align/v1/endpoints/getHashData", body, "application/json")

    assert first.status_code == 200 and len(first.content) == 64
    assert first.content == second.content
    int(first.content, 16)


# --- the seed's shapes ---------------------------------------------------------------------------

SURVEY_KEYS = {
    "project_id", "project_code", "project_name", "project_country", "project_language", "currency", "loi", "ir",
    "status", "project_cpi", "sample_size", "complete_goal", "complete_needed", "project_start_date",
    "project_end_date", "progress", "qualifications", "quotas",
}  # fmt: skip


def test_survey_rows_have_the_seed_s_fields_with_strings_where_it_has_strings(aa, survey_id):
    answer = aa.get_survey(survey_id).data
    row = answer["data"][0]

    assert keys(answer) == {"status", "message", "data"} and answer["status"] == 200
    assert keys(row) == SURVEY_KEYS
    for name in ("loi", "ir", "project_cpi", "sample_size", "complete_goal", "complete_needed", "currency"):
        assert isinstance(row[name], str), name
    assert row["status"] == "Inactive" and row["project_cpi"] == "2.50"
    assert row["progress"] == {"complete": 0, "survey_entrant": 0, "remaining": 100}
    gender = row["qualifications"][0]
    assert keys(gender) == {"qualification_id", "conditions", "Name", "QuestionText"}
    assert gender["conditions"][0] == {"condition_code": "1", "condition_name": "Male"}
    assert row["quotas"][0]["criteria"][0]["condition_codes"] == "1"


def test_qualification_and_quota_reads_have_the_seed_s_shapes(aa, survey_id):
    everything = aa.list_qualifications(survey_id).data
    one = aa.list_qualifications(survey_id, qualification_id=42).data
    quotas = aa.list_quotas(survey_id).data
    by_qualification = aa.list_quotas(survey_id, qualification_id=43).data

    assert keys(everything) == {"status", "message", "qualifications_data"}
    gender = next(q for q in everything["qualifications_data"] if q["qualification_code"] == 43)
    assert gender["title"] == "GENDER" and gender["conditions"][0] == {"condition_code": 1, "condition_name": "Male"}
    assert one["qualifications_data"] == [
        {"qualification_code": 42, "title": "AGE", "text": "What is your age?",
         "range_sets": [{"from": 18, "to": 34}, {"from": 35, "to": 54}]}
    ]  # fmt: skip
    assert quotas["quota_data"][0]["qualification_id"] == 43
    assert by_qualification["quota_data"][0]["qualification_code"] == 43


def test_interlocking_has_the_seed_s_shape_and_at_most_four_qualifications(aa, survey_id):
    created = aa.create_interlocking(survey_id, [43, 42]).data["Interlocking"]
    read = aa.get_interlocking(survey_id).data["data"]

    assert keys(created) == {"project_id", "combinations", "qualifications", "created_date", "updated_date"}
    assert [c["option"] for c in created["combinations"]] == [
        "Male,18-34",
        "Male,35-54",
        "Female,18-34",
        "Female,35-54",
    ]
    cell = created["combinations"][0]
    assert cell["id"].startswith("Aud0") and isinstance(cell["quota"], str)
    assert [q["title"] for q in read["qualifications"]] == ["GENDER", "AGE"]
    assert read["qualifications"][0]["options"] == "Male,Female"

    with pytest.raises(ValidationFailed):
        aa.create_interlocking(survey_id, [43, 42, 96, 639, 47])
    with pytest.raises(ValidationFailed, match="already exists"):
        aa.create_interlocking(survey_id, [43, 42])


def test_more_than_200_combinations_are_refused(aa):
    body = survey_body(
        qualifications=[
            {"qualification_code": 639, "condition_codes": list(range(1, 11))},
            {"qualification_code": 47, "condition_codes": [1, 2, 3, 4, 5]},
            {"qualification_code": 96, "condition_codes": [1, 2, 3, 4]},
            {"qualification_code": 43, "condition_codes": [1, 2]},
        ],
        quota=[],
    )
    survey_id = aa.create_survey(body).data["data"]["project_id"]

    with pytest.raises(ValidationFailed, match="maximum allowed interlocking combinations are 200"):
        aa.create_interlocking(survey_id, [639, 47, 96, 43])  # 400 combinations


def test_combination_goals_take_1_to_10000_and_an_unchanged_update_is_refused(aa, survey_id):
    cell = aa.create_interlocking(survey_id, [43, 42]).data["Interlocking"]["combinations"][0]

    answer = aa.update_interlocking(survey_id, [{"id": cell["id"], "required_count": 21}]).data
    assert answer["Interlocking"]["combinations"][0]["quota"] == "21"
    for wrong in (0, 10_001):
        with pytest.raises(ValidationFailed):
            aa.update_interlocking(survey_id, [{"id": cell["id"], "required_count": wrong}])
    with pytest.raises(ValidationFailed, match="No changes were made"):
        aa.update_interlocking(survey_id, [{"id": cell["id"], "required_count": 21}])


# --- the rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"audience_type": "1", "cpi": "5.99"}, "cpi", "minimum CPI for B2B is 6"),
        ({"audience_type": "2", "cpi": "1.74"}, "cpi", "minimum CPI for B2C is 1.75"),
        ({"project_start_date": days(-1)}, "project_start_date", "Start date must be in future"),
        ({"project_end_date": days(0)}, "project_end_date", "End date must be"),
        ({"live_link": "https://survey.example.com/s"}, "live_link", "[identifier]"),
        ({"loi": "ten"}, "loi", "whole number"),
        ({"project_name": ""}, "project_name", "required"),
    ],
)
def test_a_survey_the_seed_says_is_refused_is_refused_field_by_field(aa, change, field, words):
    with pytest.raises(ValidationFailed) as caught:
        aa.create_survey(survey_body(**change))

    assert caught.value.status == 400
    assert words in caught.value.body["errors"][field]
    assert not AaSurvey.objects.exists()


def test_the_boundaries_of_the_rules_are_accepted(aa):
    aa.create_survey(survey_body(audience_type="1", cpi="6", project_start_date=days(0), project_end_date=days(1)))
    aa.create_survey(survey_body(audience_type="2", cpi="1.75"))

    assert AaSurvey.objects.count() == 2


def test_a_closed_survey_cannot_be_modified(aa, survey_id):
    aa.set_survey_status(survey_id, "5")

    with pytest.raises(ValidationFailed, match="closed and cannot be modified"):
        aa.set_survey_status(survey_id, "1")
    with pytest.raises(ValidationFailed, match="closed"):
        aa.update_survey(survey_id, loi=12)


def test_setting_the_status_it_has_makes_no_changes(aa, survey_id):
    answer = aa.set_survey_status(survey_id, "2")

    assert answer.no_changes and answer.data == {"status": 204, "message": "No changes made or survey not found."}
    assert not AppliedRequest.objects.filter(supplier="audience_align", path__contains="survey_status").exists()


def test_quotas_are_set_per_condition_and_an_unknown_condition_is_not_found(aa, survey_id):
    aa.save_quota(
        survey_id, [{"qualification_code": 42, "criteria": [{"required_count": 0, "condition_codes": "35-54"}]}]
    )

    criteria = {q["qualification_id"]: q["criteria"] for q in aa.get_survey(survey_id).data["data"][0]["quotas"]}
    assert criteria[42] == [{"required_count": 0, "condition_codes": "35-54", "completes": 0}]
    with pytest.raises(ValidationFailed, match="Quota data not found"):
        aa.save_quota(
            survey_id, [{"qualification_code": 42, "criteria": [{"required_count": 5, "condition_codes": "60-70"}]}]
        )


def test_qualifications_are_added_changed_and_deleted_and_an_existing_one_is_named(aa, survey_id):
    aa.save_qualifications(survey_id, [{"qualification_code": 96, "condition_codes": [1, 2]}])
    with pytest.raises(ValidationFailed) as caught:
        aa.save_qualifications(survey_id, [{"qualification_code": 43, "condition_codes": [1]}])
    assert caught.value.body["Question_exists"] == "GENDER"

    aa.update_qualifications(survey_id, [{"qualification_code": 43, "condition_codes": [2]}])
    aa.delete_qualification(survey_id, 96)

    row = aa.get_survey(survey_id).data["data"][0]
    assert [q["qualification_id"] for q in row["qualifications"]] == [43, 42]
    assert row["qualifications"][0]["conditions"] == [{"condition_code": "2", "condition_name": "Female"}]
    assert row["quotas"] == []  # the Male quota went with the condition
    with pytest.raises(ValidationFailed, match="Qualification not exists"):
        aa.delete_qualification(survey_id, 96)


def test_only_completed_or_closed_surveys_can_be_excluded(aa, survey_id):
    other = aa.create_survey(survey_body(project_name="Wave 1")).data["data"]["project_id"]

    with pytest.raises(ValidationFailed, match="must be complete or closed"):
        aa.save_exclusions(survey_id, [other])
    aa.set_survey_status(other, "4")
    aa.save_exclusions(survey_id, [other])

    assert aa.get_exclusions(survey_id).data["data"] == {"exclusion_project": [other]}
    aa.delete_exclusions(survey_id, [other])
    with pytest.raises(ValidationFailed, match="Exclusion data not found"):
        aa.get_exclusions(survey_id)


def test_master_data_and_feasibility(aa):
    languages = aa.master_data("language").data["data"]
    standard = aa.qualification_master("229", "5").data["qualifications_data"]
    feasibility = aa.feasibility(
        {
            "locale": "eng_us",
            "incidence_rate": 0.5,
            "length_of_interview": 20,
            "filling_goal": 40,
            "start_date": "2025-08-13T23:00:00.000Z",
            "end_date": "2026-01-01T23:00:00.000Z",
            "category": "B2C",
            "profiles": [{"question_id": 43, "conditions": {"data": [{"option": "1"}, {"option": "2"}]}}],
        }
    ).data

    assert {"language_id": "1", "name": "French", "short_name": "fr"} in languages
    assert {q["Name"] for q in standard} >= {"AGE", "GENDER", "ZIP"}
    assert keys(feasibility["feasibility_data"]) == {"minimum_feasibility", "maximum_feasibility", "recommended_price"}
    with pytest.raises(ValidationFailed, match="Feasibility data not found"):
        aa.feasibility({"locale": "eng_us", "incidence_rate": 2})


# --- respondents and reconciliation -----------------------------------------------------------------


def test_active_surveys_fill_with_soft_quotas_until_their_goal(aa, survey_id):
    criteria = [{"required_count": 95, "condition_codes": 1}, {"required_count": 5, "condition_codes": 2}]
    aa.save_quota(survey_id, [{"qualification_code": 43, "criteria": criteria}])
    aa.set_survey_status(survey_id, "1")
    rng = random.Random(7)

    for _ in range(120):
        simulate_parts(rng=rng, deliver=False, suppliers=["audience_align"])

    survey = AaSurvey.objects.get(project_id=survey_id)
    assert survey.status == AaSurvey.Status.COMPLETED and survey.completes >= 100
    female = survey.qualifications.get(code=43).quotas.get(key="2")
    assert female.completes >= 5  # soft: it may overfill a little, and does not stop the survey
    assert AaRespondent.objects.filter(survey=survey, status="overquota").exists()


def test_a_reconciliation_completes_after_its_processing_time(aa, survey_id, settings):
    settings.SANDBOX_JOB_SECONDS = 5
    survey = AaSurvey.objects.get(project_id=survey_id)
    done = [AaRespondent.objects.create(survey=survey, uid=f"UID{i}", status="complete").uid for i in range(3)]

    answer = aa.submit_reconciliation(survey_id, "pm@example.com", [*done, "NOT-A-COMPLETE"]).data
    assert answer == {"status": True, "message": "The reconciliation request was accepted but requires manual review."}
    assert aa.get_reconciliation(survey_id).data["status"] == "Processing"
    with pytest.raises(ValidationFailed, match="required state"):  # one at a time
        aa.submit_reconciliation(survey_id, "pm@example.com", done)

    survey.reconciliations.update(ready_at=timezone.now() - timedelta(seconds=1))
    read = aa.get_reconciliation(survey_id).data
    assert read["status"] == "Completed" and read["accepted_uids"] == done and read["result_count"] == 3


def test_injected_faults_answer_in_the_supplier_s_shape_and_lost_answers_were_applied(aa, survey_id):
    with override_faults(error_rate=1.0), pytest.raises(ServerError) as caught:
        aa.update_survey(survey_id, loi=12)
    assert caught.value.body == {"status": caught.value.status, "error": "Internal server error"}

    with override_faults(lost_response_rate=1.0), pytest.raises(ServerError):
        aa.update_survey(survey_id, loi=13)
    assert aa.get_survey(survey_id).data["data"][0]["loi"] == "13"
    assert AppliedRequest.objects.filter(supplier="audience_align", answer_lost=True).count() == 1
