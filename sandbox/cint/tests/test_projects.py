"""Projects, target group lists, questions and feasibility."""

from .conftest import create_draft, draft_body, later, new_key

PROJECTS = "/demand/accounts/{account}/projects"


def test_project_list_paginates_with_cursors(api, manager_id):
    ids = [
        api.post(
            PROJECTS,
            {"name": f"Paged project {i}", "project_manager_id": manager_id},
            headers={"idempotency-key": new_key()},
        ).json()["id"]
        for i in range(5)
    ]
    first = api.get(PROJECTS, page_size="2").json()
    assert first["has_more"] is True
    assert [p["id"] for p in first["projects"]] == sorted(ids)[:2]
    assert first["next_cursor"] == sorted(ids)[1]
    seen = [p["id"] for p in first["projects"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(PROJECTS, page_size="2", start_after=cursor).json()
        seen += [p["id"] for p in page["projects"]]
        cursor = page["next_cursor"]
    assert seen == sorted(ids)
    assert api.get(PROJECTS, page_size="0").status_code == 400


def test_project_create_validates(api):
    response = api.post(PROJECTS, {"name": "abc"}, headers={"idempotency-key": new_key()})
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalid_params"]} == {"name", "project_manager_id"}


def test_project_overview_sums_its_target_groups(api, project_id, live_id):
    create_draft(api, project_id)
    overview = api.get(f"{PROJECTS}/{project_id}/overview").json()
    assert overview["statistics"]["filling_goal"] == 200
    assert overview["status"] == "active"
    item = api.get(PROJECTS).json()["projects"][0]
    assert item["target_group_count"] == 2


def test_target_group_list_filters_by_status_and_name(api, project_id, live_id):
    create_draft(api, project_id, name="Other name")
    path = f"{PROJECTS}/{project_id}/target-groups"
    live = api.get(path, status="live").json()["target_groups"]
    assert [tg["id"] for tg in live] == [live_id]
    named = api.get(path, search_string="other").json()["target_groups"]
    assert [tg["name"] for tg in named] == ["Other name"]
    assert len(api.get(path, country="us", language="eng").json()["target_groups"]) == 2


def test_questions_by_locale(api):
    questions = api.get("/demand/questions", account_id=str(api.account_id), locale="deu_de").json()["questions"]
    assert {q["id"] for q in questions} == {42, 43, 12453, 14785, 2189}
    gender = api.get("/demand/questions/43", locale="deu_de").json()
    assert gender["options"] == [{"id": 1, "name": "Männlich"}, {"id": 2, "name": "Weiblich"}]
    assert api.get("/demand/questions/43").status_code == 400
    assert api.get("/demand/questions/12452", locale="eng_us").status_code == 404


def test_feasibility_is_deterministic_and_plausible(api, project_id, live_id):
    path = f"{PROJECTS}/{project_id}/target-groups/{live_id}/calculate-feasibility"
    first, second = api.post(path, {}).json(), api.post(path, {}).json()
    assert first == second
    assert first["suggested_filling_goal_range"]["max"] <= 100
    assert float(first["suggested_price"]["value"]) > 0
    harder = api.post(path, {"incidence_rate": 0.05, "length_of_interview": 30}).json()
    assert float(harder["suggested_price"]["value"]) > float(first["suggested_price"]["value"])
    broad = api.post(
        f"{PROJECTS}/{project_id}/target-groups/calculate-feasibility",
        {
            "business_unit_id": api.account_id * 10 + 2,
            "locale": "deu_de",
            "incidence_rate": 0.5,
            "length_of_interview": 10,
            "filling_goal": 100,
            "start_date": later(hours=1),
            "end_date": later(days=14),
        },
    ).json()
    assert broad["suggested_price"]["currency_code"] == "EUR"
    assert broad["suggested_filling_goal_range"]["max"] == 100


def test_profiling_templates(api):
    templates = api.get("/demand/accounts/{account}/profiling-templates").json()["templates"]
    assert len(templates) == 2
    full = api.get(f"/demand/accounts/{{account}}/profiling-templates/{templates[0]['id']}").json()
    assert full["profiles"]


def test_a_draft_takes_only_the_study_types_industries_and_lockouts_the_definitions_list(api, project_id):
    codes = {
        "study_type_code": {item["code"] for item in api.get("/study-types").json()["study_types"]},
        "industry_code": {item["code"] for item in api.get("/industries").json()["industries"]},
        "industry_lockout_code": {item["code"] for item in api.get("/industry-lockouts").json()["industry_lockouts"]},
    }
    assert {"adhoc", "diary"} <= codes["study_type_code"] and {"other", "politics"} <= codes["industry_code"]
    create_draft(
        api, project_id, study_type_code="diary", industry_code="politics", industry_lockout_code="past_30_days"
    )
    path = f"{PROJECTS}/{project_id}/target-groups"
    body = draft_body(api.account_id, study_type_code="Diary", industry_code="sport", industry_lockout_code="30 days")
    response = api.post(path, body)
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalid_params"]} == set(codes)


def test_a_target_group_nobody_answered_lists_no_measured_incidence_rate_or_length(api, project_id, live_id):
    create_draft(api, project_id, name="Not answered")
    items = api.get(f"{PROJECTS}/{project_id}/target-groups").json()["target_groups"]
    for item in items:
        assert item["statistics"]["progress"]["value"]["current_completes"] == 0
        assert "incidence_rate" not in item["statistics"], item["name"]
        assert "median_length_of_interview_seconds" not in item["statistics"], item["name"]
