"""Profiles and quotas: enable/disable, interlock and un-interlock, filling goals."""

from sandbox.models import Interlock, Profile, Quota

from .conftest import create_draft, new_key, tg_url, v2_url


def _profiles(api, project_id, tg_id):
    return api.get(v2_url(project_id, tg_id)).json()


def _interlock(api, project_id, tg_id, ids, goal=100):
    return api.post(
        v2_url(project_id, tg_id, "/create-interlocked-profile"), {"target_group_filling_goal": goal, "profiles": ids}
    )


def test_profiles_carry_conditions_and_quota_goals_from_the_filling_goal(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    assert age["name"] == "AGE" and gender["name"] == "GENDER"
    assert [c["text"] for c in age["conditions"]["data"]] == ["18-24", "25-34"]
    assert [c["text"] for c in gender["conditions"]["data"]] == ["Male", "Female"]
    assert [q["completes_goal"] for q in age["quotas"]["ungrouped"]] == [40, 60]
    condition_ids = [c["id"] for c in age["conditions"]["data"]]
    assert [q["condition"] for q in age["quotas"]["ungrouped"]] == condition_ids


def test_disable_then_enable_quotas(api, project_id, live_id):
    gender = _profiles(api, project_id, live_id)["data"][1]
    off = api.post(v2_url(project_id, live_id, f"/{gender['id']}/disable-quotas"))
    assert off.status_code == 200 and off.json()["quotas_enabled"] is False
    on = api.post(v2_url(project_id, live_id, f"/{gender['id']}/enable-quotas"))
    assert on.status_code == 200 and on.json()["quotas_enabled"] is True


def test_interlock_builds_the_cartesian_product_with_proportional_goals(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    response = _interlock(api, project_id, live_id, [age["id"], gender["id"]])
    assert response.status_code == 200, response.content
    interlock = response.json()
    assert interlock["name"] == "AGE, GENDER"
    assert interlock["depends_on_questions"] == [42, 43]
    cells = {c["condition"]["text"]: c["completes_goal"] for c in interlock["quotas"]["ungrouped"]}
    assert cells == {"18-24, Male": 20, "18-24, Female": 20, "25-34, Male": 30, "25-34, Female": 30}
    assert {p["interlock_id"] for p in interlock["profiles"]} == {interlock["id"]}
    listing = _profiles(api, project_id, live_id)
    assert listing["data"] == []
    assert listing["interlocked_profile"]["id"] == interlock["id"]


def test_interlock_splits_an_odd_goal_without_losing_completes(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    interlock = _interlock(api, project_id, live_id, [age["id"], gender["id"]], goal=101).json()
    assert sum(c["completes_goal"] for c in interlock["quotas"]["ungrouped"]) == 101
    assert api.get(tg_url(project_id, live_id, "/details")).json()["filling_goal"] == 101


def test_a_profile_already_interlocked_cannot_join_another_interlock(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    _interlock(api, project_id, live_id, [age["id"], gender["id"]])
    region = api.post(
        v2_url(project_id, live_id),
        {"question_id": 96, "conditions": {"object": "selection_conditions", "data": ["1", "2"]}},
    ).json()
    api.post(v2_url(project_id, live_id, f"/{region['id']}/enable-quotas"))
    response = _interlock(api, project_id, live_id, [age["id"], region["id"]])
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert age["id"] in detail and "already part of interlocked profile" in detail


def test_interlocking_needs_quotas_enabled_and_two_to_six_profiles(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    assert _interlock(api, project_id, live_id, [age["id"]]).status_code == 400
    api.post(v2_url(project_id, live_id, f"/{gender['id']}/disable-quotas"))
    response = _interlock(api, project_id, live_id, [age["id"], gender["id"]])
    assert response.status_code == 400
    assert "quotas disabled" in response.json()["detail"]
    assert _interlock(api, project_id, live_id, [age["id"], "01ARZ3NDEKTSV4RRFFQ69G5FAV"]).status_code == 404


def test_remove_interlocks_restores_the_profiles_with_quotas_enabled(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    interlock = _interlock(api, project_id, live_id, [age["id"], gender["id"]]).json()
    response = api.post(
        v2_url(project_id, live_id, f"/{interlock['id']}/remove-interlocks"), headers={"idempotency-key": new_key()}
    )
    assert response.status_code == 200
    restored = response.json()["data"]
    assert {p["id"] for p in restored} == {age["id"], gender["id"]}
    assert all(p["quotas_enabled"] and not p["is_interlocked"] and "interlock_id" not in p for p in restored)
    assert not Interlock.objects.exists()
    assert not Quota.objects.filter(kind="cell").exists()
    assert len(_profiles(api, project_id, live_id)["data"]) == 2


def test_remove_interlocks_by_a_participant_id_and_refusals(api, project_id, live_id):
    age, gender = _profiles(api, project_id, live_id)["data"]
    assert api.post(v2_url(project_id, live_id, f"/{age['id']}/remove-interlocks")).status_code == 400
    _interlock(api, project_id, live_id, [age["id"], gender["id"]])
    assert api.post(v2_url(project_id, live_id, f"/{gender['id']}/disable-quotas")).status_code == 400
    assert api.post(v2_url(project_id, live_id, f"/{age['id']}/remove-interlocks")).status_code == 200


def test_filling_goal_updates_quota_goals(api, project_id, live_id):
    age = _profiles(api, project_id, live_id)["data"][0]
    first, second = age["quotas"]["ungrouped"]
    response = api.put(
        v2_url(project_id, live_id, "/filling-goal"),
        {
            "filling_goal": 200,
            "profiles": [{"profile_id": age["id"], "quotas": [{"quota_id": first["id"], "filling_goal": "90"}]}],
        },
    )
    assert response.status_code == 201
    age_after, gender_after = response.json()["data"]
    assert [q["completes_goal"] for q in age_after["quotas"]["ungrouped"]] == [90, 120]
    assert [q["completes_goal"] for q in gender_after["quotas"]["ungrouped"]] == [100, 100]
    assert second["id"] == age_after["quotas"]["ungrouped"][1]["id"]
    bad = api.put(
        v2_url(project_id, live_id, "/filling-goal"),
        {"profiles": [{"profile_id": age["id"], "quotas": [{"quota_id": "nope", "filling_goal": 5}]}]},
    )
    assert bad.status_code == 400


def test_create_profile_on_a_launched_target_group(api, project_id, live_id):
    response = api.post(
        v2_url(project_id, live_id),
        {"question_id": 2189, "conditions": {"object": "selection_conditions", "data": ["1", "2", "3"]}},
    )
    assert response.status_code == 201
    profile = response.json()
    assert profile["quotas_enabled"] is False
    assert [c["text"] for c in profile["conditions"]["data"]] == [
        "Employed full-time",
        "Employed part-time",
        "Self-employed",
    ]
    again = api.post(
        v2_url(project_id, live_id),
        {"question_id": 2189, "conditions": {"object": "selection_conditions", "data": ["1"]}},
    )
    assert again.status_code == 400
    unknown_option = api.post(
        v2_url(project_id, live_id),
        {"question_id": 96, "conditions": {"object": "selection_conditions", "data": ["99"]}},
    )
    assert unknown_option.status_code == 400


def test_draft_with_an_interlock_from_the_generator(api, project_id):
    generated = api.post(
        "/demand/v2/accounts/{account}/drafts/generate-interlocked-profile",
        {
            "locale": "eng_us",
            "target_group_filling_goal": 100,
            "profiles": [
                {
                    "question_id": 43,
                    "conditions": {
                        "object": "selection_conditions_details",
                        "data": [{"text": "Male", "option": "1"}, {"text": "Female", "option": "2"}],
                    },
                    "quotas": {
                        "ungrouped": [
                            {"index": 0, "quota_percentage": 50, "quota_nominal": 50},
                            {"index": 1, "quota_percentage": 50, "quota_nominal": 50},
                        ],
                        "grouped": [],
                    },
                },
                {
                    "question_id": 96,
                    "conditions": {
                        "object": "selection_conditions_details",
                        "data": [{"text": "Northeast", "option": "1"}, {"text": "West", "option": "4"}],
                    },
                },
            ],
        },
        headers={"idempotency-key": new_key()},
    )
    assert generated.status_code == 201
    interlock = generated.json()[0]
    assert [c["condition"]["text"] for c in interlock["quotas"]["ungrouped"]] == [
        "Male, Northeast",
        "Male, West",
        "Female, Northeast",
        "Female, West",
    ]
    assert sum(c["quota_nominal"] for c in interlock["quotas"]["ungrouped"]) == 100
    tg_id = create_draft(
        api, project_id, profile={"profile_adjustment_type": "percentage", "interlocked_profiles": [interlock]}
    )
    draft = api.get(tg_url(project_id, tg_id)).json()
    assert draft["profile"]["interlocked_profiles"][0]["name"] == "GENDER, REGION"
    assert Profile.objects.filter(target_group_id=tg_id, interlock__isnull=False).count() == 2


def test_draft_validation_names_the_bad_fields(api, project_id):
    from .conftest import draft_body

    body = draft_body(api.account_id, locale="xx_yy", filling_goal=-1)
    del body["live_url"]
    response = api.post(f"/demand/accounts/{{account}}/projects/{project_id}/target-groups", body)
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"live_url", "locale", "filling_goal"} <= names


def test_draft_put_replaces_profiles_and_bumps_the_etag(api, project_id, draft_id):
    from .conftest import draft_body

    path = tg_url(project_id, draft_id)
    etag = api.get(path)["ETag"]
    body = draft_body(api.account_id, name="Updated draft")
    body["profile"]["drafts"] = body["profile"]["drafts"][:1]
    response = api.put(path, body, headers={"If-Match": etag})
    assert response.status_code == 204
    draft = api.get(path).json()
    assert draft["name"] == "Updated draft"
    assert [p["question_id"] for p in draft["profile"]["drafts"]] == [42]
    assert api.put(path, body, headers={"If-Match": etag}).status_code == 412
