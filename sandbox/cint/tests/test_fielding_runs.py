"""The fielding-run state machine: each transition allowed from its states only."""

import pytest

from sandbox.models import FieldingRun, TargetGroup

from .conftest import create_draft, later, launch, new_key, tg_url

ACTIONS = ("pause", "resume", "complete", "relaunch", "launch-now")
ALLOWED = {
    "pause": {"Live"},
    "resume": {"Paused"},
    "complete": {"Live", "Paused"},
    "relaunch": {"Completed"},
    "launch-now": {"Scheduled"},
}
RESULT = {"pause": "Paused", "resume": "Live", "complete": "Completed", "relaunch": "Live", "launch-now": "Live"}


def _run_in(api, project_id, status):
    tg_id = create_draft(api, project_id)
    if status == "Scheduled":
        path = tg_url(project_id, tg_id, "/fielding-run-jobs/schedule-from-draft")
        response = api.post(
            path,
            {"start_fielding_at": later(days=1), "end_fielding_at": later(days=3)},
            headers={"idempotency-key": new_key()},
        )
        api.client.get(response["Location"], headers=api.headers())
    else:
        launch(api, project_id, tg_id)
    run = FieldingRun.objects.get(target_group_id=tg_id)
    if status in ("Paused", "Completed"):
        run.status = status
        run.save()
        TargetGroup.objects.filter(pk=tg_id).update(status=status.lower())
    return tg_id, run


@pytest.mark.parametrize("status", ["Scheduled", "Live", "Paused", "Completed"])
@pytest.mark.parametrize("action", ACTIONS)
def test_transition_rules(api, project_id, action, status):
    tg_id, run = _run_in(api, project_id, status)
    response = api.post(tg_url(project_id, tg_id, f"/fielding-runs/{run.id}/{action}"))
    run.refresh_from_db()
    if status in ALLOWED[action]:
        assert response.status_code in (200, 204), response.content
        assert run.status == RESULT[action]
        assert TargetGroup.objects.get(pk=tg_id).status == RESULT[action].lower()
        assert response["ETag"] == run.etag
    else:
        assert response.status_code == 422
        body = response.json()
        assert body["object"] == "invalid_state_error"
        assert status in body["detail"] and action in body["detail"]
        assert run.status == status


def test_launch_now_answers_the_new_dates(api, project_id):
    tg_id, run = _run_in(api, project_id, "Scheduled")
    response = api.post(tg_url(project_id, tg_id, f"/fielding-runs/{run.id}/launch-now"))
    run.refresh_from_db()
    assert response.status_code == 200
    assert set(response.json()) == {"start_fielding_at", "end_fielding_at"}
    assert run.start_at <= run.end_at


def test_relaunch_after_the_end_date_asks_for_a_new_end_date(api, project_id):
    from django.utils import timezone

    tg_id, run = _run_in(api, project_id, "Completed")
    FieldingRun.objects.filter(pk=run.pk).update(end_at=timezone.now())
    response = api.post(tg_url(project_id, tg_id, f"/fielding-runs/{run.id}/relaunch"))
    assert response.status_code == 422
    assert "end date" in response.json()["detail"]


def test_update_run_moves_the_end_date(api, project_id, live_id):
    run = FieldingRun.objects.get(target_group_id=live_id)
    path = tg_url(project_id, live_id, f"/fielding-runs/{run.id}")
    new_end = later(days=20)
    response = api.put(path, {"start_fielding_at": later(), "end_fielding_at": new_end}, headers={"If-Match": run.etag})
    assert response.status_code == 202
    assert response.json() == {"id": run.id}
    run.refresh_from_db()
    assert run.end_at.date().isoformat() == new_end[:10]
    assert TargetGroup.objects.get(pk=live_id).end_at == run.end_at
    past = api.put(path, {"start_fielding_at": later(), "end_fielding_at": later(days=-1)})
    assert past.status_code == 400


def test_a_completed_run_keeps_its_dates(api, project_id):
    tg_id, run = _run_in(api, project_id, "Completed")
    response = api.put(
        tg_url(project_id, tg_id, f"/fielding-runs/{run.id}"),
        {"start_fielding_at": later(), "end_fielding_at": later(days=9)},
    )
    assert response.status_code == 422


def test_batch_pause_reports_each_target_group(api, project_id, live_id):
    draft_id = create_draft(api, project_id, name="Still a draft")
    path = f"/demand/accounts/{{account}}/projects/{project_id}/batch-jobs/pause-fielding-runs-by-target-group-id"
    response = api.post(path, {"target_group_ids": [live_id, draft_id, "01ARZ3NDEKTSV4RRFFQ69G5FAV"]})
    assert response.status_code == 201
    job = api.client.get(response["Location"], headers=api.headers()).json()
    assert job["status"] == "Completed"
    assert [t["target_group_id"] for t in job["updated_target_groups"]["data"]] == [live_id]
    failed = {t["target_group_id"]: t["failure_reason"]["code"] for t in job["failed_target_groups"]["data"]}
    assert failed == {draft_id: "invalid_state_error", "01ARZ3NDEKTSV4RRFFQ69G5FAV": "not_found"}
    assert TargetGroup.objects.get(pk=live_id).status == "paused"


def test_batch_launch_launches_drafts(api, project_id):
    first, second = create_draft(api, project_id), create_draft(api, project_id, live_url="")
    path = f"/demand/accounts/{{account}}/projects/{project_id}/batch-jobs/launch-fielding-runs-by-target-group-id"
    response = api.post(path, {"target_group_ids": [first, second]})
    job = api.client.get(response["Location"], headers=api.headers()).json()
    assert [t["target_group_id"] for t in job["updated_target_groups"]["data"]] == [first]
    assert job["failed_target_groups"]["data"][0]["target_group_id"] == second
    assert TargetGroup.objects.get(pk=first).status == "live"


def test_status_changes_are_in_the_changelog(api, project_id, live_id):
    run = FieldingRun.objects.get(target_group_id=live_id)
    api.post(tg_url(project_id, live_id, f"/fielding-runs/{run.id}/pause"))
    changelog = api.get(tg_url(project_id, live_id, "/changelog")).json()["changelog"]
    assert changelog[0]["changes"] == [{"object": "status_change", "new_value": "paused", "old_value": "live"}]
