"""Bulk actions from the project page: one supplier batch job, polled like a launch, with
a result per target group."""

import json

import pytest
import responses
from django.urls import reverse

from fielding.conftest import PROJECT_ID, api_calls, make_draft, make_live, tg_api
from fielding.models import FieldingJob, FieldingRun
from fielding.runs.jobs import request_bulk
from projects.models import TargetGroup
from sync.models import RemoteChange

pytestmark = pytest.mark.django_db
BATCH = f"https://cint.test/v1/demand/accounts/1001/projects/{PROJECT_ID}/batch-jobs"
JOB = "01HBATCHJOB000000000000001"


def runs(tg_id):
    return {
        "data": [
            {
                "id": f"RUN-{tg_id[-4:]}",
                "status": "Live",
                "version": 1,
                "start_fielding_at": "2030-01-01T00:00:00.000Z",
                "end_fielding_at": "2030-01-08T00:00:00.000Z",
                "last_changed_at": "2030-01-01T00:00:00.000Z",
                "last_changed_by": "",
            }
        ],
        "has_more": False,
    }


@pytest.fixture
def drafts(project):
    return [make_draft(project, remote_id=f"01HDRAFT00000000000000000{i}", name=f"Wave {i}") for i in (1, 2, 3)]


def test_a_bulk_launch_of_three_where_one_fails_reports_each(pm_client, project, drafts, wire, act):
    ok1, failing, ok2 = drafts
    wire.add(
        responses.POST,
        f"{BATCH}/launch-fielding-runs-by-target-group-id",
        status=201,
        headers={"Location": f"/v1/demand/accounts/1001/projects/{PROJECT_ID}/batch-jobs/launch/{JOB}"},
    )
    wire.add(
        responses.GET,
        f"{BATCH}/launch-fielding-runs-by-target-group-id/{JOB}",
        json={"job_id": JOB, "status": "Processing", "created_at": "2030-01-01T00:00:00Z"},
    )
    wire.add(
        responses.GET,
        f"{BATCH}/launch-fielding-runs-by-target-group-id/{JOB}",
        json={
            "job_id": JOB,
            "status": "Completed",
            "created_at": "2030-01-01T00:00:00Z",
            "updated_target_groups": {
                "data": [
                    {"target_group_id": ok1.remote_id, "target_group_name": ok1.name},
                    {"target_group_id": ok2.remote_id, "target_group_name": ok2.name},
                ],
                "has_more": False,
            },
            "failed_target_groups": {
                "data": [
                    {
                        "target_group_id": failing.remote_id,
                        "target_group_name": failing.name,
                        "failure_reason": {
                            "code": "validation_error",
                            "description": "The live URL must pass [%RID%].",
                        },
                    }
                ],
                "has_more": False,
            },
        },
    )
    for tg in (ok1, ok2):
        wire.add(responses.GET, tg_api(tg, "/fielding-runs"), json=runs(tg.remote_id))

    response = act(
        pm_client.post,
        reverse("fielding:bulk", args=[project.pk]),
        {"action": "launch", "target_groups": [tg.pk for tg in drafts], "confirmed": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    job = FieldingJob.objects.get()
    assert (job.kind, job.status, job.remote_job_id, job.polls) == ("batch_launch", "Completed", JOB, 2)
    post = api_calls(wire, "POST")[0]
    assert json.loads(post.request.body) == {"target_group_ids": [tg.remote_id for tg in drafts]}
    statuses = dict(TargetGroup.objects.filter(project=project).values_list("name", "status"))
    assert statuses == {"Wave 1": "live", "Wave 2": "draft", "Wave 3": "live"}
    assert FieldingRun.objects.filter(target_group__in=[ok1, ok2]).count() == 2
    outcomes = {tg.name: (state, text) for tg, state, text in job.outcomes()}
    assert outcomes == {
        "Wave 1": ("ok", "Done."),
        "Wave 2": ("failed", "The live URL must pass [%RID%]."),
        "Wave 3": ("ok", "Done."),
    }
    page = pm_client.get(job.get_absolute_url()).content.decode()
    assert f'id="outcome-{failing.pk}"' in page and "The live URL must pass [%RID%]." in page


def test_target_groups_the_action_does_not_fit_are_not_sent(pm_client, project, drafts, wire, act):
    live, _ = make_live(project)
    wire.add(
        responses.POST, f"{BATCH}/pause-fielding-runs-by-target-group-id", status=201, headers={"Location": f"/x/{JOB}"}
    )
    wire.add(
        responses.GET,
        f"{BATCH}/pause-fielding-runs-by-target-group-id/{JOB}",
        json={
            "job_id": JOB,
            "status": "Completed",
            "created_at": "2030-01-01T00:00:00Z",
            "updated_target_groups": {"data": [{"target_group_id": live.remote_id}], "has_more": False},
            "failed_target_groups": {"data": [], "has_more": False},
        },
    )
    wire.add(responses.GET, tg_api(live, "/fielding-runs"), json={"data": [], "has_more": False})
    act(
        pm_client.post,
        reverse("fielding:bulk", args=[project.pk]),
        {"action": "pause", "target_groups": [live.pk, drafts[0].pk]},
    )
    job = FieldingJob.objects.get()
    assert json.loads(api_calls(wire, "POST")[0].request.body) == {"target_group_ids": [live.remote_id]}
    outcomes = {tg.name: state for tg, state, _ in job.outcomes()}
    assert outcomes == {live.name: "ok", "Wave 1": "skipped"}
    live.refresh_from_db()
    assert live.status == "paused"


@pytest.mark.parametrize(
    ("action", "words"),
    [("pause", "paused"), ("resume", "resumed"), ("complete", "completed"), ("relaunch", "relaunched")],
)
def test_the_reasons_are_worded_in_the_past_tense(pm, project, drafts, wire, action, words):
    job = request_bulk(project, action, [drafts[0]], by=pm)
    assert job.failure_reason == f"None of the selected target groups can be {words} now; nothing was sent."
    assert job.request["skipped"] == {str(drafts[0].pk): f"Not sent: a draft target group cannot be {words}."}


def test_a_live_target_group_cannot_be_launched_again(pm_client, project, wire):
    live, _ = make_live(project)
    pm_client.post(
        reverse("fielding:bulk", args=[project.pk]), {"action": "launch", "target_groups": [live.pk], "confirmed": "1"}
    )
    job = FieldingJob.objects.get()
    assert "can be launched now" in job.failure_reason
    assert job.request["skipped"] == {str(live.pk): "Not sent: a live target group cannot be launched."}


def test_nothing_is_sent_when_no_target_group_fits(pm_client, project, drafts, wire):
    # The cockpit's rules fit none of them; the supplier, asked once, agrees.
    wire.add(
        responses.POST,
        f"https://cint.test/v1/demand/accounts/1001/projects/{PROJECT_ID}/compute-target-group-transitions",
        json={"target_groups": [drafts[0].remote_id], "is_launch_allowed": True, "is_resume_allowed": False},
    )
    response = pm_client.post(
        reverse("fielding:bulk", args=[project.pk]), {"action": "resume", "target_groups": [drafts[0].pk]}
    )
    job = FieldingJob.objects.get()
    assert response.status_code == 302
    assert job.status == "Failed" and "nothing was sent" in job.failure_reason
    assert not RemoteChange.objects.exists()
    assert [call.request.url.rsplit("/", 1)[-1] for call in api_calls(wire)] == ["compute-target-group-transitions"]


def test_a_bulk_action_needs_ticked_target_groups(pm_client, project, wire):
    response = pm_client.post(
        reverse("fielding:bulk", args=[project.pk]), {"action": "launch"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Tick the target groups to act on." in response.content.decode()
    assert not FieldingJob.objects.exists() and api_calls(wire) == []


def test_the_project_page_offers_bulk_selection_to_managers(pm_client, project, drafts):
    page = pm_client.get(project.get_absolute_url()).content.decode()
    assert 'id="bulk-form"' in page and f'id="select-tg-{drafts[0].pk}"' in page
    assert 'id="new-draft"' in page


def test_viewers_get_no_bulk_selection_and_cannot_post_one(viewer_client, project, drafts, wire):
    page = viewer_client.get(project.get_absolute_url()).content.decode()
    assert 'id="bulk-form"' not in page and "select-tg-" not in page
    response = viewer_client.post(
        reverse("fielding:bulk", args=[project.pk]), {"action": "launch", "target_groups": [drafts[0].pk]}
    )
    assert response.status_code == 403
    assert not FieldingJob.objects.exists() and api_calls(wire) == []


def test_a_bulk_launch_asks_first_and_names_each_draft_it_would_not_send(pm_client, project, drafts, wire):
    bare = make_draft(
        project,
        remote_id="01HDRAFT000000000000000009",
        name="Wave bare",
        live_url="",
        test_url="",
        expected_length_of_interview_minutes=None,
        expected_incidence_rate=None,
    )
    ticked = {"action": "launch", "target_groups": [drafts[0].pk, bare.pk]}

    inline = pm_client.post(reverse("fielding:bulk", args=[project.pk]), ticked, headers={"HX-Request": "true"})
    page = pm_client.post(reverse("fielding:bulk", args=[project.pk]), ticked)  # without JavaScript

    html = inline.content.decode()
    assert 'id="confirm-box"' in html and "1 of the 2 ticked target groups will be launched" in html
    assert "Wave 1</td><td>Will be launched." in html
    for reason in ("no live survey link", "no expected length of interview", "no expected incidence rate"):
        assert reason in html
    assert page.status_code == 200 and 'name="confirmed" value="1"' in page.content.decode()
    assert not FieldingJob.objects.exists() and api_calls(wire) == []


def test_a_confirmed_bulk_launch_does_not_send_a_draft_the_supplier_would_refuse(pm_client, project, drafts, wire):
    bare = make_draft(project, remote_id="01HDRAFT000000000000000009", name="Wave bare", live_url="")

    pm_client.post(
        reverse("fielding:bulk", args=[project.pk]),
        {"action": "launch", "target_groups": [bare.pk], "confirmed": "1"},
    )

    job = FieldingJob.objects.get()
    assert job.status == "Failed" and api_calls(wire) == []
    assert job.request["skipped"][str(bare.pk)] == "Not sent: It has no live survey link."
