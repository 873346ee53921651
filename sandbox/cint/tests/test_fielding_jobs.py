"""Launch and schedule jobs: Processing for a while, then Completed or Failed with reasons."""

import datetime as dt

import pytest
from django.utils import timezone

from sandbox.cint.fielding import resolve_job
from sandbox.models import FieldingJob, FieldingRun, TargetGroup

from .conftest import create_draft, later, new_key, tg_url


def _post_job(api, project_id, tg_id, kind, body, key=None):
    return api.post(
        tg_url(project_id, tg_id, f"/fielding-run-jobs/{kind}"), body, headers={"idempotency-key": key or new_key()}
    )


def _job(api, response):
    return api.client.get(response["Location"], headers=api.headers()).json()


def test_launch_job_is_processing_until_the_delay_passes_then_completed(api, project_id, draft_id, settings):
    settings.SANDBOX_JOB_SECONDS = 3
    response = _post_job(api, project_id, draft_id, "launch-from-draft", {"end_fielding_at": later(days=3)})
    assert response.status_code == 201
    assert response.content == b""
    job_id = response["Location"].rsplit("/", 1)[1]
    assert response["Location"].endswith(f"/target-groups/{draft_id}/fielding-run-jobs/launch-from-draft/{job_id}")
    processing = _job(api, response)
    assert processing["status"] == "Processing"
    assert "created_fielding_run_id" not in processing
    assert TargetGroup.objects.get(pk=draft_id).status == "draft"

    job = resolve_job(job_id, now=timezone.now() + dt.timedelta(seconds=3))
    assert job.status == "Completed"
    done = _job(api, response)
    assert done["status"] == "Completed"
    run = FieldingRun.objects.get(pk=done["created_fielding_run_id"])
    assert run.status == "Live"
    assert TargetGroup.objects.get(pk=draft_id).status == "live"


def test_job_one_second_before_the_delay_is_still_processing(api, project_id, draft_id, settings):
    settings.SANDBOX_JOB_SECONDS = 3
    response = _post_job(api, project_id, draft_id, "launch-from-draft", {"end_fielding_at": later(days=3)})
    job = FieldingJob.objects.get()
    assert resolve_job(job.pk, now=job.created_at + dt.timedelta(seconds=2)).status == "Processing"
    assert resolve_job(job.pk, now=job.created_at + dt.timedelta(seconds=3)).status == "Completed"
    assert _job(api, response)["status"] == "Completed"


def test_schedule_job_makes_the_target_group_scheduled(api, project_id, draft_id):
    response = _post_job(
        api,
        project_id,
        draft_id,
        "schedule-from-draft",
        {"start_fielding_at": later(days=1), "end_fielding_at": later(days=4)},
    )
    job = _job(api, response)
    assert job["status"] == "Completed"
    assert FieldingRun.objects.get(pk=job["created_fielding_run_id"]).status == "Scheduled"
    assert TargetGroup.objects.get(pk=draft_id).status == "scheduled"


@pytest.mark.parametrize(
    ("overrides", "kind", "dates", "reason_name"),
    [
        ({"live_url": ""}, "launch-from-draft", {"end_fielding_at": later(days=3)}, "live_url"),
        (
            {"live_url": "https://survey.example.com/s"},
            "launch-from-draft",
            {"end_fielding_at": later(days=3)},
            "live_url",
        ),
        ({"filling_goal": 0}, "launch-from-draft", {"end_fielding_at": later(days=3)}, "filling_goal"),
        ({}, "launch-from-draft", {"end_fielding_at": later(minutes=-1)}, "end_fielding_at"),
        (
            {},
            "schedule-from-draft",
            {"start_fielding_at": later(minutes=-1), "end_fielding_at": later(days=3)},
            "start_fielding_at",
        ),
    ],
)
def test_a_draft_that_cannot_launch_fails_with_reasons(api, project_id, overrides, kind, dates, reason_name):
    tg_id = create_draft(api, project_id, **overrides)
    job = _job(api, _post_job(api, project_id, tg_id, kind, dates))
    assert job["status"] == "Failed"
    assert job["failure_reason"]["code"] == "target_group_not_launchable"
    assert reason_name in [r["name"] for r in job["failure_reason"]["reasons"]]
    assert "created_fielding_run_id" not in job
    assert TargetGroup.objects.get(pk=tg_id).status == "draft"
    assert not FieldingRun.objects.filter(target_group_id=tg_id).exists()


def test_launching_twice_with_one_key_makes_one_job(api, project_id, draft_id):
    key = new_key()
    body = {"end_fielding_at": later(days=3)}
    first = _post_job(api, project_id, draft_id, "launch-from-draft", body, key)
    second = _post_job(api, project_id, draft_id, "launch-from-draft", body, key)
    assert first["Location"] == second["Location"]
    assert FieldingJob.objects.count() == 1


def test_a_second_launch_of_a_live_target_group_fails(api, project_id, live_id):
    job = _job(api, _post_job(api, project_id, live_id, "launch-from-draft", {"end_fielding_at": later(days=3)}))
    assert job["status"] == "Failed"
    assert [r["name"] for r in job["failure_reason"]["reasons"]] == ["status"]


def test_job_body_must_have_an_end_date(api, project_id, draft_id):
    response = _post_job(api, project_id, draft_id, "launch-from-draft", {})
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "end_fielding_at"


def test_simulation_step_resolves_due_jobs(api, project_id, draft_id, settings):
    from sandbox.simulation import simulate_step

    settings.SANDBOX_JOB_SECONDS = 3
    _post_job(api, project_id, draft_id, "launch-from-draft", {"end_fielding_at": later(days=3)})
    simulate_step(now=timezone.now() + dt.timedelta(seconds=5), deliver=False)
    assert FieldingJob.objects.get().status == "Completed"
