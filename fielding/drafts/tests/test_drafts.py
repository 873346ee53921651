"""Projects and draft target groups go through the outbox: the row at once, the supplier
after the commit, its refusal shown next to the fields it names."""

import json

import pytest
import responses
from django.urls import reverse

from fielding.conftest import MANAGER, PROJECT_ID, api_calls, draft_body, make_draft, tg_api
from fielding.drafts.body import is_created
from fielding.drafts.tests.test_draft_validation import field_block, post_data
from projects.models import Project, TargetGroup
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
BASE = "https://cint.test/v1/demand/accounts/1001"
NEW_TG = "01HNEWTG000000000000000001"


def test_a_new_project_is_created_through_the_outbox(pm_client, connection, directory, wire, act):
    wire.add(responses.POST, f"{BASE}/projects", json={"id": "01HNEWPROJECT0000000000001"}, status=202)
    response = act(
        pm_client.post, reverse("fielding:project_create"), {"name": "[PO-1] Drinks Q1", "project_manager": MANAGER}
    )
    project = Project.objects.get(name="[PO-1] Drinks Q1")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.remote_id == "01HNEWPROJECT0000000000001"
    change = RemoteChange.objects.get(kind="create_project")
    assert change.state == "applied"
    (call,) = api_calls(wire)
    assert call.request.headers["idempotency-key"] == str(change.idempotency_key)
    assert json.loads(call.request.body) == {"name": "[PO-1] Drinks Q1", "project_manager_id": MANAGER}


def test_a_project_needs_a_manager_from_the_account(pm_client, connection, directory, wire):
    response = pm_client.post(reverse("fielding:project_create"), {"name": "Drinks", "project_manager": "nobody"})
    assert response.status_code == 400
    assert "Select a valid choice" in field_block(response.content.decode(), "project_manager")
    assert not Project.objects.exists() and api_calls(wire) == []


def test_a_new_draft_is_saved_locally_and_created_at_the_supplier(pm_client, project, directory, wire, act):
    wire.add(responses.POST, f"{BASE}/projects/{PROJECT_ID}/target-groups", json={"id": NEW_TG}, status=201)
    response = act(pm_client.post, reverse("fielding:draft_create", args=[project.pk]), post_data())
    tg = TargetGroup.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == reverse("fielding:draft", args=[tg.pk])
    assert (tg.status, tg.remote_id, tg.filling_goal, tg.name) == ("draft", NEW_TG, 500, "UK gen pop")
    change = tg.changes.get()
    assert (change.kind, change.state) == ("create_draft_target_group", "applied")
    (call,) = api_calls(wire)
    sent = json.loads(call.request.body)
    assert call.request.headers["idempotency-key"] == str(change.idempotency_key)
    required = {
        "name",
        "business_unit_id",
        "locale",
        "project_manager_id",
        "fielding_specification",
        "fielding_assistant_assignment",
        "filling_goal",
        "profile",
        "collects_pii",
        "expected_length_of_interview_minutes",
        "expected_incidence_rate",
        "live_url",
        "test_url",
    }
    assert required <= set(sent)
    assert not [key for key in sent if key.startswith("_")]
    assert sent["fielding_assistant_assignment"]["quota_overlay"]["prevent_overfill"] is True
    assert sent["profile"] == {"profile_adjustment_type": "percentage", "drafts": [], "interlocked_profiles": []}


def test_a_refused_create_comes_back_with_the_suppliers_reasons_next_to_the_fields(
    pm_client, project, directory, wire, act
):
    wire.add(
        responses.POST,
        f"{BASE}/projects/{PROJECT_ID}/target-groups",
        status=400,
        json={
            "object": "bad_request_error",
            "detail": "The request body is not valid.",
            "invalid_params": [
                {"name": "fielding_specification.start_at", "reason": "must be during office hours"},
                {"name": "live_url", "reason": "domain is not allowed"},
            ],
        },
    )
    act(
        pm_client.post,
        reverse("fielding:draft_create", args=[project.pk]),
        post_data(live_url="https://blocked.example.com/?RID=[%RID%]"),
    )
    tg = TargetGroup.objects.get(project=project)
    change = tg.changes.get()
    assert change.state == "failed" and "domain is not allowed" in change.message
    assert not is_created(tg)

    page = pm_client.get(reverse("fielding:draft", args=[tg.pk])).content.decode()
    assert "The supplier refused the last save" in page
    html = pm_client.get(reverse("fielding:draft_edit", args=[tg.pk])).content.decode()
    assert "The supplier says: must be during office hours." in field_block(html, "fielding_start_at")
    live = field_block(html, "live_url")
    assert "The supplier says: domain is not allowed." in live
    assert "https://blocked.example.com/?RID=[%RID%]" in live

    # Saving again sends a create again (the supplier never had it), with a new key.
    wire.replace(responses.POST, f"{BASE}/projects/{PROJECT_ID}/target-groups", json={"id": NEW_TG}, status=201)
    act(pm_client.post, reverse("fielding:draft_edit", args=[tg.pk]), post_data())
    tg.refresh_from_db()
    assert tg.remote_id == NEW_TG
    keys = [c.request.headers["idempotency-key"] for c in api_calls(wire, "POST")]
    assert len(set(keys)) == 2


def test_editing_a_draft_replaces_it_at_the_supplier(pm_client, draft, directory, wire, act):
    wire.add(responses.PUT, tg_api(draft), status=204)
    act(pm_client.post, reverse("fielding:draft_edit", args=[draft.pk]), post_data(name="Renamed", filling_goal="800"))
    draft.refresh_from_db()
    assert (draft.name, draft.filling_goal) == ("Renamed", 800)
    change = draft.changes.get()
    assert (change.kind, change.state) == ("update_draft_target_group", "applied")
    (call,) = api_calls(wire)
    assert json.loads(call.request.body)["filling_goal"] == 800


def test_a_refused_update_shows_the_suppliers_draft_again(pm_client, draft, directory, wire, act):
    wire.add(
        responses.PUT,
        tg_api(draft),
        status=422,
        json={"object": "invalid_state_error", "detail": "Target group is being launched."},
    )
    supplier = {**draft.details["draft"], "name": "As the supplier has it", "pricing_model": "dynamic"}
    supplier = {k: v for k, v in supplier.items() if not k.startswith("_")}
    wire.add(responses.GET, tg_api(draft), json=supplier, headers={"ETag": 'W/"4"'})
    act(pm_client.post, reverse("fielding:draft_edit", args=[draft.pk]), post_data(name="Renamed"))
    draft.refresh_from_db()
    assert draft.name == "As the supplier has it"
    assert draft.changes.get().state == "failed"
    html = pm_client.get(reverse("fielding:draft_edit", args=[draft.pk])).content.decode()
    assert 'value="Renamed"' in field_block(html, "name")  # the PM's refused value is offered again


def test_viewers_cannot_create_or_edit(viewer_client, project, draft, directory, wire):
    assert viewer_client.get(reverse("fielding:draft_create", args=[project.pk])).status_code == 403
    assert viewer_client.post(reverse("fielding:draft_create", args=[project.pk]), post_data()).status_code == 403
    assert viewer_client.get(reverse("fielding:draft_edit", args=[draft.pk])).status_code == 403
    assert viewer_client.post(reverse("fielding:draft_edit", args=[draft.pk]), post_data(name="X")).status_code == 403
    assert viewer_client.get(reverse("fielding:project_create")).status_code == 403
    assert viewer_client.get(reverse("fielding:profile", args=[draft.pk, 43])).status_code == 403
    assert viewer_client.post(reverse("fielding:profile", args=[draft.pk, 43]), {}).status_code == 403
    assert (
        viewer_client.post(reverse("fielding:project_create"), {"name": "X", "project_manager": MANAGER}).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.name == "UK gen pop"
    assert TargetGroup.objects.count() == 1 and not RemoteChange.objects.exists() and api_calls(wire) == []
    page = viewer_client.get(reverse("fielding:draft", args=[draft.pk])).content.decode()
    for control in ('id="edit-draft"', 'id="launch-form"', 'id="check-feasibility"'):
        assert control not in page


def test_no_target_group_before_the_supplier_created_the_project(pm_client, connection, directory, wire):
    project = Project.objects.create(connection=connection, remote_id="pending-abc", name="New")
    response = pm_client.get(reverse("fielding:draft_create", args=[project.pk]))
    assert response.status_code == 302
    # The send relies on this: no draft change is ever recorded under a project the supplier lacks.
    response = pm_client.post(reverse("fielding:draft_create", args=[project.pk]), post_data())
    assert response.status_code == 302
    assert not project.target_groups.exists() and not RemoteChange.objects.exists()
    assert api_calls(wire) == []


def test_the_pages_a_manager_opens_render(pm_client, project, draft, directory, questions, wire):
    pages = [
        reverse("fielding:project_create"),
        reverse("fielding:draft_create", args=[project.pk]),
        reverse("fielding:draft", args=[draft.pk]),
        reverse("fielding:draft_edit", args=[draft.pk]),
        reverse("fielding:profiling", args=[draft.pk]),
        reverse("fielding:profile", args=[draft.pk, 42]),
        reverse("fielding:profile", args=[draft.pk, 639]),
        reverse("fielding:stats", args=[draft.pk]),
        reverse("fielding:panel", args=[draft.pk]),
        reverse("fielding:project_status", args=[project.pk]),
    ]
    for url in pages:
        response = pm_client.get(url)
        assert response.status_code == 200, url
    # Everything comes from the cockpit's own rows but the question which fielding actions the
    # supplier allows now (the draft page and its panel offer the launch).
    assert {call.request.url.rsplit("/", 1)[-1] for call in api_calls(wire)} <= {"compute-target-group-transitions"}


def test_a_draft_read_from_the_supplier_keeps_the_cockpits_notes():
    from fielding.drafts.body import body_from_supplier
    from suppliers.cint.drafts import draft_from_supplier

    previous = {
        "_pricing_model": "dynamic",
        "profile": {"drafts": [{"question_id": 43, "_name": "GENDER", "_unit": "nominal"}]},
    }
    data = {
        "id": "X",
        "name": "Read back",
        "pricing_model": "ratecard",
        "created_at": "2030-01-01T00:00:00Z",
        "profile": {
            "profile_adjustment_type": "percentage",
            "drafts": [{"question_id": 43, "conditions": {"object": "selection_conditions_details", "data": []}}],
        },
    }
    body = body_from_supplier(draft_from_supplier(data), previous)
    assert body["_pricing_model"] == "rate_card" and "id" not in body and "created_at" not in body
    (draft,) = body["profile"]["drafts"]
    assert draft["conditions"]["object"] == "selection_conditions_details_template"
    assert (draft["_name"], draft["_unit"]) == ("GENDER", "nominal")


def test_a_draft_whose_create_answer_was_lost_is_found_at_the_supplier_and_not_created_twice(
    pm_client, project, directory, wire, act
):
    """Creating a target group has no idempotency-key in the contract: after a lost answer the
    outbox looks for the draft in the project's list before it would create it again."""
    import requests

    created = []

    def create_then_drop(request):
        created.append(json.loads(request.body)["name"])
        raise requests.ConnectionError("connection reset by peer")

    wire.add_callback(responses.POST, f"{BASE}/projects/{PROJECT_ID}/target-groups", create_then_drop)
    listed = {"target_groups": [{"id": NEW_TG, "name": "UK gen pop", "status": "draft"}], "has_more": False}
    wire.add(responses.GET, f"{BASE}/projects/{PROJECT_ID}/target-groups", json=listed)
    wire.add(
        responses.GET, f"{BASE}/projects/{PROJECT_ID}/target-groups/{NEW_TG}", json={"id": NEW_TG, "name": "UK gen pop"}
    )

    act(pm_client.post, reverse("fielding:draft_create", args=[project.pk]), post_data())

    tg = TargetGroup.objects.get(project=project)
    change = tg.changes.get()
    assert created == ["UK gen pop"]  # one create, never two
    assert (change.state, tg.remote_id) == ("applied", NEW_TG)
    assert "an earlier try created it" in change.message


def _synced_draft(project):
    """A draft the list sync brought (made at the supplier, or by the demo seed): columns only, no body kept."""
    return TargetGroup.objects.create(
        project=project, remote_id="01HSYNCEDDRAFT000000000001", status=TargetGroup.Status.DRAFT, name="US holiday"
    )


def test_the_edit_form_of_a_draft_the_cockpit_never_saved_shows_what_the_supplier_holds(
    pm_client, project, directory, wire
):
    tg = _synced_draft(project)
    supplier = {k: v for k, v in draft_body(name="US holiday", filling_goal=300).items() if not k.startswith("_")}
    wire.add(responses.GET, tg_api(tg), json={**supplier, "id": tg.remote_id, "pricing_model": "dynamic"})

    html = pm_client.get(reverse("fielding:draft_edit", args=[tg.pk])).content.decode()

    assert 'value="300"' in field_block(html, "filling_goal")
    assert 'value="10"' in field_block(html, "expected_length_of_interview_minutes")
    assert 'value="50"' in field_block(html, "expected_incidence_rate")
    assert 'value="2.5000"' in field_block(html, "cpi") or 'value="2.5"' in field_block(html, "cpi")
    assert "https://survey.example.com/s?RID=[%RID%]" in field_block(html, "live_url")
    assert 'value=""' not in field_block(html, "fielding_end_at")
    tg.refresh_from_db()
    assert tg.details["draft"]["filling_goal"] == 300  # kept: the next save sends it back unchanged


def test_a_draft_the_supplier_cannot_be_asked_about_says_so_above_the_form(pm_client, project, directory, wire):
    tg = _synced_draft(project)
    tg.filling_goal = 300
    tg.save()
    wire.add(responses.GET, tg_api(tg), status=404, json={"object": "not_found", "detail": "No such target group."})

    html = pm_client.get(reverse("fielding:draft_edit", args=[tg.pk])).content.decode()

    assert 'id="draft-read-error"' in html
    assert 'value="300"' in field_block(html, "filling_goal")  # what the sync saw, not an empty form


def test_study_type_industry_and_lockout_are_offered_and_shown_by_name(pm_client, project, directory, wire, act):
    html = pm_client.get(reverse("fielding:draft_create", args=[project.pk])).content.decode()
    assert '<option value="diary">Diary</option>' in field_block(html, "study_type_code")
    assert '<option value="politics">Politics</option>' in field_block(html, "industry_code")
    assert '<option value="past_30_days">Past 30 days</option>' in field_block(html, "industry_lockout_code")

    wire.add(responses.POST, f"{BASE}/projects/{PROJECT_ID}/target-groups", json={"id": NEW_TG}, status=201)
    data = post_data(study_type_code="diary", industry_code="politics", industry_lockout_code="past_30_days")
    act(pm_client.post, reverse("fielding:draft_create", args=[project.pk]), data)
    sent = json.loads(api_calls(wire)[0].request.body)
    assert (sent["study_type_code"], sent["industry_code"], sent["industry_lockout_code"]) == (
        "diary",
        "politics",
        "past_30_days",
    )
    tg = TargetGroup.objects.get(project=project)
    page = pm_client.get(reverse("fielding:draft", args=[tg.pk])).content.decode()
    assert '<dd id="study-type">Diary</dd>' in page and '<dd id="industry">Politics</dd>' in page
    assert "Past 30 days" in page and "past_30_days" not in page


def test_a_study_type_or_industry_the_supplier_does_not_list_is_refused_next_to_its_field(
    pm_client, project, directory, wire
):
    data = post_data(study_type_code="Diary", industry_code="sport")
    response = pm_client.post(reverse("fielding:draft_create", args=[project.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in field_block(html, "study_type_code")
    assert "Select a valid choice" in field_block(html, "industry_code")
    assert api_calls(wire) == [] and not TargetGroup.objects.filter(project=project).exists()


def test_the_definitions_are_read_from_the_supplier_once_when_none_are_cached(pm_client, project, directory, wire):
    from fielding.models import Definition

    Definition.objects.all().delete()
    tg = make_draft(project, study_type_code="diary", industry_code="politics", remote_id="")
    v1 = BASE.removesuffix("/demand/accounts/1001")
    wire.add(responses.GET, f"{v1}/study-types", json={"study_types": [{"id": 2, "code": "diary", "name": "Diary"}]})
    wire.add(
        responses.GET, f"{v1}/industries", json={"industries": [{"id": 19, "code": "politics", "name": "Politics"}]}
    )
    wire.add(responses.GET, f"{v1}/industry-lockouts", json={"industry_lockouts": []})
    page = pm_client.get(reverse("fielding:draft", args=[tg.pk])).content.decode()
    assert '<dd id="study-type">Diary</dd>' in page and '<dd id="industry">Politics</dd>' in page
    for _ in range(2):
        html = pm_client.get(reverse("fielding:draft_create", args=[project.pk])).content.decode()
        assert '<option value="diary">Diary</option>' in field_block(html, "study_type_code")
    assert [c.request.url for c in api_calls(wire) if "/demand/questions" not in c.request.url] == [
        f"{v1}/study-types",
        f"{v1}/industries",
        f"{v1}/industry-lockouts",
    ]


def test_target_groups_to_exclude_are_picked_by_name_and_sent_by_id(pm_client, project, draft, directory, wire, act):
    from projects.tests.factories import ProjectFactory

    other_project = ProjectFactory(connection=project.connection, remote_id="01HOTHERPROJECT00000000001", name="Wave 1")
    wave_1 = make_draft(other_project, remote_id="01HWAVE1000000000000000001", name="Wave 1 gen pop")
    wave_1.status, wave_1.human_readable_id = "completed", "WAV1ABC"
    wave_1.save()
    found = pm_client.get(
        reverse("fielding:draft_exclusions_new", args=[project.pk]), {"exclusion_q": "wave 1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="01HWAVE1000000000000000001"> Wave 1 gen pop · WAV1ABC (completed)</label>' in found
    assert '<span class="muted small">Wave 1</span>' in found  # its project
    html = pm_client.get(reverse("fielding:draft_create", args=[project.pk])).content.decode()
    assert "26-character" not in html

    wire.add(responses.PUT, tg_api(draft), status=204)
    act(
        pm_client.post,
        reverse("fielding:draft_edit", args=[draft.pk]),
        post_data(excluded_target_group_ids=[wave_1.remote_id]),
    )
    sent = json.loads(api_calls(wire)[0].request.body)
    assert sent["exclusion"]["list"] == [{"entity_type": "target_group", "entity_ids": [wave_1.remote_id]}]
    page = pm_client.get(reverse("fielding:draft", args=[draft.pk])).content.decode()
    assert "Excludes respondents of: Wave 1 gen pop (Wave 1)." in page
    edit = field_block(
        pm_client.get(reverse("fielding:draft_edit", args=[draft.pk])).content.decode(), "excluded_target_group_ids"
    )
    assert f'value="{wave_1.remote_id}" checked> Wave 1 gen pop · WAV1ABC (completed)' in edit
    itself = pm_client.get(
        reverse("fielding:draft_exclusions", args=[draft.pk]), {"exclusion_q": draft.remote_id}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'value="{draft.remote_id}"' not in itself  # a draft cannot exclude itself


def test_an_excluded_target_group_the_cockpit_does_not_mirror_is_kept_by_its_id(pm_client, project, directory, wire):
    outside = "01HOUTSIDE0000000000000001"
    tg = make_draft(
        project, exclusion={"enabled": True, "list": [{"entity_type": "target_group", "entity_ids": [outside]}]}
    )
    edit = field_block(
        pm_client.get(reverse("fielding:draft_edit", args=[tg.pk])).content.decode(), "excluded_target_group_ids"
    )
    assert f'value="{outside}" checked> Target group {outside}</label>' in edit
    assert "Not in the cockpit" in edit
