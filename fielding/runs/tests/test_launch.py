"""Launching a draft: the job id from Location, polled until Completed or Failed; the TG
goes live with its fielding run, or stays a draft with the supplier's reason in words."""

import json
from datetime import timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from fielding.conftest import api_calls, tg_api
from fielding.models import FieldingJob, FieldingRun
from fielding.runs.jobs import request_launch
from fielding.tasks import poll_stalled_jobs
from sync.models import RemoteChange
from sync.recovery import recover_stuck

pytestmark = pytest.mark.django_db
JOB = "c1a13cfe-d59d-4cb1-a647-50b109958578"
USER = "6f1c2d3e-0000-4000-8000-000000000001"


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def job_body(status, **extra):
    return {"job_id": JOB, "status": status, "created_at": "2030-01-01T00:00:00.000Z", "created_by": USER, **extra}


def runs_body(status="Live"):
    return {
        "data": [
            {
                "id": "RUN1",
                "status": status,
                "version": 1,
                "last_changed_at": "2030-01-01T00:00:00.000Z",
                "last_changed_by": USER,
                "start_fielding_at": "2030-01-01T00:00:00.000Z",
                "end_fielding_at": "2030-01-08T00:00:00.000Z",
            }
        ],
        "has_more": False,
    }


def stub_launch(wire, tg, kind="launch", *statuses, failure=None):
    path = tg_api(tg, f"/fielding-run-jobs/{kind}-from-draft")
    wire.add(responses.POST, path, status=201, headers={"Location": f"/v1/accounts/1001/x/{kind}-from-draft/{JOB}"})
    for status in statuses:
        extra = {"created_fielding_run_id": "RUN1"} if status == "Completed" else {}
        if status == "Failed":
            extra = {"failure_reason": failure}
        wire.add(responses.GET, f"{path}/{JOB}", json=job_body(status, **extra))
    wire.add(responses.GET, tg_api(tg, "/fielding-runs"), json=runs_body("Scheduled" if kind == "schedule" else "Live"))


def test_launch_now_polls_the_job_until_the_target_group_is_live(pm_client, draft, wire, act):
    stub_launch(wire, draft, "launch", "Processing", "Completed")
    end = timezone.now() + timedelta(days=5)
    response = act(
        pm_client.post,
        reverse("fielding:launch", args=[draft.pk]),
        {"when": "now", "end_fielding_at": local(end), "confirmed": "1"},
    )
    job = FieldingJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.remote_job_id, job.status, job.polls) == ("launch_from_draft", JOB, "Completed", 2)
    post = api_calls(wire, "POST")[0]
    assert json.loads(post.request.body)["end_fielding_at"].startswith(end.strftime("%Y-%m-%dT%H:%M"))
    assert post.request.headers["idempotency-key"] == str(job.change.idempotency_key)
    draft.refresh_from_db()
    assert draft.status == "live"
    run = FieldingRun.objects.get(target_group=draft)
    assert (run.remote_id, run.status) == ("RUN1", "Live")
    page = pm_client.get(job.get_absolute_url()).content.decode()
    assert "The target group went live." in page and "every 1s" not in page
    assert "RUN1" not in page  # the supplier's run id means nothing to a PM


def test_a_scheduled_launch_sends_both_dates_and_leaves_the_run_scheduled(pm_client, draft, wire, act):
    stub_launch(wire, draft, "schedule", "Completed")
    start, end = timezone.now() + timedelta(hours=5), timezone.now() + timedelta(days=5)
    act(
        pm_client.post,
        reverse("fielding:launch", args=[draft.pk]),
        {"when": "schedule", "start_fielding_at": local(start), "end_fielding_at": local(end), "confirmed": "1"},
    )
    job = FieldingJob.objects.get()
    assert (job.kind, job.status) == ("schedule_from_draft", "Completed")
    sent = json.loads(api_calls(wire, "POST")[0].request.body)
    assert set(sent) == {"start_fielding_at", "end_fielding_at"}
    draft.refresh_from_db()
    assert draft.status == "scheduled"
    assert FieldingRun.objects.get().status == "Scheduled"


def test_a_failed_launch_keeps_the_draft_and_says_why(pm_client, draft, wire, act):
    failure = {
        "code": "target_group_not_launchable",
        "description": "The draft target group cannot be launched",
        "reasons": [
            {
                "name": "live_url",
                "reason": "missing_rid_placeholder",
                "detail": "The live URL must pass the respondent id as [%RID%].",
            }
        ],
    }
    stub_launch(wire, draft, "launch", "Processing", "Failed", failure=failure)
    act(
        pm_client.post,
        reverse("fielding:launch", args=[draft.pk]),
        {"when": "now", "end_fielding_at": local(timezone.now() + timedelta(days=5)), "confirmed": "1"},
    )
    job = FieldingJob.objects.get()
    assert job.status == "Failed"
    assert job.failure_reason == (
        "The supplier could not launch this target group: The draft target group cannot be launched "
        "(live_url: missing_rid_placeholder). The target group is still a draft: correct it and launch again."
    )
    draft.refresh_from_db()
    assert draft.status == "draft" and not FieldingRun.objects.exists()
    panel = pm_client.get(reverse("fielding:panel", args=[draft.pk])).content.decode()
    assert "missing_rid_placeholder" in panel and 'id="launch-form"' in panel


def test_a_launch_the_supplier_refuses_outright_fails_the_job(pm_client, draft, wire, act):
    wire.add(
        responses.POST,
        tg_api(draft, "/fielding-run-jobs/launch-from-draft"),
        status=422,
        json={"object": "invalid_state_error", "detail": "Target group is not a draft."},
    )
    act(
        pm_client.post,
        reverse("fielding:launch", args=[draft.pk]),
        {"when": "now", "end_fielding_at": local(timezone.now() + timedelta(days=5)), "confirmed": "1"},
    )
    job = FieldingJob.objects.get()
    assert job.status == "Failed"
    assert job.change.state == "failed"
    page = pm_client.get(job.get_absolute_url()).content.decode()
    assert "Target group is not a draft." in page


def test_a_start_answer_without_a_job_id_is_retried_then_fails_the_job(pm_client, draft, wire, act, settings):
    settings.SYNC_MAX_ATTEMPTS = 2
    wire.add(responses.POST, tg_api(draft, "/fielding-run-jobs/launch-from-draft"), status=201)  # no Location
    act(
        pm_client.post,
        reverse("fielding:launch", args=[draft.pk]),
        {"when": "now", "end_fielding_at": local(timezone.now() + timedelta(days=5)), "confirmed": "1"},
    )
    job = FieldingJob.objects.get()
    assert len(api_calls(wire, "POST")) == 2
    assert (job.status, job.remote_job_id, job.change.state) == ("Failed", "", "failed")
    assert "gave no job id" in job.reason
    panel = pm_client.get(reverse("fielding:panel", args=[draft.pk])).content.decode()
    assert 'id="launch-form"' in panel and "every 1s" not in panel


def test_a_job_whose_change_the_outbox_gave_up_on_is_failed_by_the_beat(
    pm, pm_client, draft, wire, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = request_launch(draft, by=pm, end_at=timezone.now() + timedelta(days=5))
    # Its worker died on the last try: the last check asks once more with the same key (the
    # supplier replays launches), the supplier is down, and the cockpit stops trying.
    RemoteChange.objects.filter(pk=job.change_id).update(
        state="sending", attempts=settings.SYNC_MAX_ATTEMPTS, sent_at=timezone.now() - timedelta(hours=1)
    )
    wire.add(responses.POST, tg_api(draft, "/fielding-run-jobs/launch-from-draft"), status=503, json={})
    with django_capture_on_commit_callbacks(execute=True):
        recover_stuck()
    pm_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    job.refresh_from_db()
    assert job.status in ("requested", "Failed")
    poll_stalled_jobs()
    job.refresh_from_db()
    assert job.status == "Failed" and "stopped trying" in job.reason
    launches = api_calls(wire)
    assert len(launches) == 1 and launches[0].request.headers["idempotency-key"] == str(job.change.idempotency_key)


def test_the_job_block_polls_while_processing_and_stops_when_settled(pm_client, draft):
    job = FieldingJob.objects.create(
        kind="launch_from_draft",
        project=draft.project,
        target_group=draft,
        remote_job_id=JOB,
        status="Processing",
        polls=1,
    )
    htmx = {"HX-Request": "true"}
    processing = pm_client.get(reverse("fielding:job", args=[job.pk]), headers=htmx)
    assert 'hx-trigger="every 1s"' in processing.content.decode()
    assert "HX-Trigger" not in processing
    job.status, job.failure_reason = "Failed", "The supplier could not launch this target group: no."
    job.save()
    settled = pm_client.get(reverse("fielding:job", args=[job.pk]), headers=htmx)
    assert "every 1s" not in settled.content.decode()
    assert "fielding-changed" in settled["HX-Trigger"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"when": "schedule", "start_fielding_at": "+30m", "end_fielding_at": "+5d"},
            "start_fielding_at",
            "fielding start must be at least one hour from now",
        ),
        (
            {"when": "schedule", "start_fielding_at": "+5d", "end_fielding_at": "+3d"},
            "end_fielding_at",
            "must be after the start",
        ),
        ({"when": "schedule", "end_fielding_at": "+3d"}, "start_fielding_at", "Give the time the launch is scheduled"),
        ({"when": "now", "end_fielding_at": "+30m"}, "end_fielding_at", "fielding end must be at least one hour"),
    ],
)
def test_launch_dates_are_checked_before_anything_is_sent(pm_client, draft, wire, data, field, message):
    offsets = {"m": "minutes", "d": "days"}
    data = {
        key: local(timezone.now() + timedelta(**{offsets[value[-1]]: int(value[1:-1])}))
        if value.startswith("+")
        else value
        for key, value in data.items()
    }
    response = pm_client.post(reverse("fielding:launch", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    block = html[html.index(f'id="field-{field}"') :]
    assert message in block[:2000]
    if field in data:
        assert data[field] in block[:2000]
    assert not FieldingJob.objects.exists() and not RemoteChange.objects.exists() and api_calls(wire) == []


def test_viewers_cannot_launch(viewer_client, draft, wire):
    response = viewer_client.post(
        reverse("fielding:launch", args=[draft.pk]),
        {"when": "now", "end_fielding_at": local(timezone.now() + timedelta(days=5)), "confirmed": "1"},
    )
    assert response.status_code == 403
    assert not FieldingJob.objects.exists() and api_calls(wire) == []


def test_launch_asks_first_with_what_will_happen_and_sends_nothing(pm_client, draft, wire):
    data = {"when": "now", "end_fielding_at": local(timezone.now() + timedelta(days=5))}

    inline = pm_client.post(reverse("fielding:launch", args=[draft.pk]), data, headers={"HX-Request": "true"})
    page = pm_client.post(reverse("fielding:launch", args=[draft.pk]), data)  # without JavaScript

    html = inline.content.decode()
    assert 'id="confirm-box"' in html and "Launch “UK gen pop” now?" in html
    assert "cannot go back to being a draft" in html and "Filling goal: 500 completes" in html
    assert 'id="launch-form"' not in html  # the box stands in for the form until answered
    assert page.status_code == 200
    plain = page.content.decode()
    assert 'name="confirmed" value="1"' in plain and f'value="{data["end_fielding_at"]}"' in plain
    assert not FieldingJob.objects.exists() and not RemoteChange.objects.exists() and api_calls(wire) == []


def test_a_draft_without_links_loi_or_ir_is_refused_with_the_reasons_before_anything_is_sent(pm_client, project, wire):
    from fielding.conftest import make_draft

    bare = make_draft(
        project, live_url="", test_url="", expected_length_of_interview_minutes=None, expected_incidence_rate=None
    )
    data = {"when": "now", "end_fielding_at": local(timezone.now() + timedelta(days=5)), "confirmed": "1"}

    response = pm_client.post(reverse("fielding:launch", args=[bare.pk]), data, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert 'id="launch-problems"' in html
    for reason in ("no live survey link", "no test survey link", "no expected length of interview", "incidence rate"):
        assert reason in html
    assert not FieldingJob.objects.exists() and api_calls(wire) == []


def test_a_finished_launch_says_what_happened_in_words_that_fit_the_target_group_now(pm_client, draft, pm):
    from fielding.models import FieldingJob

    job = FieldingJob.objects.create(
        kind="launch_from_draft", project=draft.project, target_group=draft, status="Completed",
        result={"created_fielding_run_id": "01M8SGRUNID0000000000000"},
    )  # fmt: skip
    draft.status = "paused"
    draft.save()

    html = pm_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()

    assert "The target group went live; it is paused now." in html
    assert ">Done</span>" in html and "Completed" not in html
    assert "01M8SG" not in html
