"""Surveys at the imitated Buy API: creation and what it refuses, the 11/22/33/44 status rules,
JSON-Patch edits, the paginated list, performance."""

import pytest

from sandbox.models import PsSurvey

from .conftest import survey_body

pytestmark = pytest.mark.django_db


def create(ps, **changes):
    response = ps.post("/surveys", survey_body(**changes))
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_new_survey_is_a_draft_with_its_quotas(ps):
    survey = create(ps)

    assert survey["ps_survey_status"] == 11
    assert [q["buyer_quota_id"] for q in survey["quotas"]] == ["male", "female", "young"]
    quotas = ps.get(f"/surveys/{survey['ps_survey_id']}/quotas").json()
    assert [q["quantities"]["current_target"] for q in quotas] == [100, 100, 80]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"completes_required": 0}, "completes_required must be a whole number between 1 and 100000"),
        ({"survey_localization": "xx_XX"}, "survey_localization must be one of"),
        ({"live_url": "survey.example.com"}, "live_url must be an http(s) URL"),
        ({"offer_price": 0}, "offer_price must be a price between 0.01 and 1000"),
        (
            {"qualifications": [{"qualification_code": 211, "condition_codes": ["113"]}]},
            "qualifications[0].condition_codes 113 are not conditions of qualification 211",
        ),
        (
            {"qualifications": [{"qualification_code": 212, "range_sets": [{"from": 40, "to": 30, "units": 311}]}]},
            "qualifications[0].range_sets[0] must run from 13 to 99, from ≤ to",
        ),
    ],
)
def test_a_survey_purespectrum_would_reject_is_refused_with_the_field_named(ps, changes, words):
    response = ps.post("/surveys", survey_body(**changes))

    assert response.status_code == 400
    assert words in response.json()["ps_api_response_message"]
    assert response.json()["ps_api_response_code"] == 1001
    assert not PsSurvey.objects.exists()


def test_a_quota_on_a_qualification_the_survey_lacks_is_refused(ps):
    body = survey_body()
    body["quotas"].append(
        {
            "buyer_quota_id": "ny",
            "required_count": 10,
            "criteria": [{"qualification_code": 225, "condition_codes": ["33"]}],
        }
    )
    response = ps.post("/surveys", body)

    assert response.status_code == 400
    assert "qualification 225 is not a qualification of the survey" in response.json()["ps_api_response_message"]


def test_a_quota_larger_than_the_survey_goal_is_refused(ps):
    body = survey_body(completes_required=50)

    response = ps.post("/surveys", body)

    assert response.status_code == 400
    assert (
        "quotas[0].required_count must be a whole number between 0 and 50" in response.json()["ps_api_response_message"]
    )


@pytest.mark.parametrize(
    ("path", "status", "answer"),
    [
        ("draft", 22, 200), ("draft", 33, 409), ("draft", 44, 409),
        ("live", 33, 200), ("live", 44, 200), ("live", 11, 409),
        ("paused", 22, 200), ("paused", 44, 200),
        ("closed", 22, 409), ("closed", 33, 409),
    ],
)  # fmt: skip
def test_status_changes_follow_purespectrums_rules(ps, path, status, answer):
    survey = create(ps)
    sid = survey["ps_survey_id"]
    for step in {"draft": [], "live": [22], "paused": [22, 33], "closed": [22, 44]}[path]:
        assert ps.put(f"/surveys/{sid}/status", ps_survey_status=step).status_code == 200

    response = ps.put(f"/surveys/{sid}/status", ps_survey_status=status)

    assert response.status_code == answer
    if answer == 409:
        assert response.json()["ps_api_response_code"] == 1012
        assert "Survey status can not be changed from" in response.json()["ps_api_response_message"]
    else:
        assert response.json()["ps_survey_status"] == status


def test_the_goal_and_the_cpi_change_by_json_patch_and_move_mod_on(ps):
    survey = create(ps)
    sid = survey["ps_survey_id"]

    response = ps.patch(
        f"/surveys/{sid}",
        [{"op": "replace", "path": "/completes_required", "value": 300},
         {"op": "replace", "path": "/offer_price", "value": 3.25}],
    )  # fmt: skip

    assert response.status_code == 200
    assert (response.json()["completes_required"], response.json()["offer_price"]) == (300, 3.25)
    assert response.json()["mod_on"] > survey["mod_on"]


def test_a_goal_below_a_quota_and_a_closed_survey_are_refused(ps):
    sid = create(ps)["ps_survey_id"]

    low = ps.patch(f"/surveys/{sid}", [{"op": "replace", "path": "/completes_required", "value": 90}])
    ps.put(f"/surveys/{sid}/status", ps_survey_status=22)
    ps.put(f"/surveys/{sid}/status", ps_survey_status=44)
    closed = ps.patch(f"/surveys/{sid}", [{"op": "replace", "path": "/offer_price", "value": 3}])

    assert low.status_code == 400 and "lower than a quota's required_count" in low.json()["ps_api_response_message"]
    assert closed.status_code == 409 and closed.json()["ps_api_response_code"] == 1014


def test_an_unknown_survey_is_purespectrums_1006(ps):
    response = ps.get("/surveys/99999")

    assert response.status_code == 404
    assert response.json() == {"ps_api_response_code": 1006, "ps_api_response_message": "Survey not found"}


def test_another_buyers_token_sees_none_of_the_surveys(ps, client):
    from sandbox.purespectrum.seed import ensure_buyer

    from .conftest import Api

    sid = create(ps)["ps_survey_id"]
    ensure_buyer("other-token", "Other")

    assert Api(client, "other-token").get(f"/surveys/{sid}").status_code == 404


def test_the_list_says_how_many_pages_there_are(ps):
    for i in range(5):
        create(ps, survey_title=f"S{i}")

    first = ps.get("/surveys", page=1, page_size=2).json()
    last = ps.get("/surveys", page=3, page_size=2).json()

    assert (first["total"], first["total_pages"]) == (5, 3)
    assert [s["survey_title"] for s in first["surveys"]] == ["S0", "S1"]
    assert [s["survey_title"] for s in last["surveys"]] == ["S4"]
    assert set(first["surveys"][0]) >= {"ps_survey_id", "ps_survey_status", "mod_on", "completes_required"}


def test_performance_reports_completes_against_the_goal(ps):
    sid = create(ps)["ps_survey_id"]
    PsSurvey.objects.filter(pk=sid).update(completes=40, terminations=40, interview_seconds=40 * 600)

    performance = ps.get(f"/surveys/{sid}/performance").json()

    assert performance["completes_fielded"] == 40 and performance["completes_required"] == 200
    assert performance["incidence"] == 50.0 and performance["loi"] == 10.0
