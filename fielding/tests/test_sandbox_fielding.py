"""The whole fielding lifecycle against the sandbox behind `live_server`, through the
cockpit's own pages: project, draft, profiling, launch job, run actions, a failed launch
and a bulk launch where one target group fails."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fielding.drafts.tests.test_draft_validation import post_data
from fielding.models import FieldingJob, FieldingRun, RunAction
from fielding.runs.actions import current_run
from projects.models import Project, TargetGroup
from projects.tests.factories import ConnectionFactory
from sandbox.faults import set_faults
from sandbox.seed import ensure_account, user_id
from suppliers.cint import CintTransport
from sync.models import RemoteChange
from sync.tests.sandbox import supplier_client as client_for

pytestmark = pytest.mark.django_db(transaction=True)
ACCOUNT_ID = "1001"
BUSINESS_UNIT = str(int(ACCOUNT_ID) * 10 + 1)


@pytest.fixture
def sandbox(live_server, settings, monkeypatch):
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = ACCOUNT_ID
    settings.SANDBOX_JOB_SECONDS = 0
    settings.SYNC_BACKOFF_BASE_SECONDS = 0
    monkeypatch.setattr(CintTransport, "backoff_seconds", 0)
    from django.core.cache import cache

    cache.clear()
    ensure_account(ACCOUNT_ID)
    set_faults(error_rate=0.0, rate_limit_rate=0.0, stale_etag_rate=0.0, latency_ms=0, retry_after_seconds=0)
    return ConnectionFactory(account_id=ACCOUNT_ID)


def manager():
    return str(user_id(int(ACCOUNT_ID), "pat.manager@sandbox.invalid"))


def new_project(pm_client):
    response = pm_client.post(
        reverse("fielding:project_create"), {"name": "Sandbox drinks", "project_manager": manager()}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="Sandbox drinks")
    assert RemoteChange.objects.get(kind="create_project").state == "applied"
    return project


def new_draft(pm_client, project, name, **overrides):
    data = post_data(name=name, business_unit=BUSINESS_UNIT, project_manager=manager(), **overrides)
    response = pm_client.post(reverse("fielding:draft_create", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    tg = TargetGroup.objects.get(project=project, name=name)
    change = tg.changes.get()
    assert change.state == "applied", change.message
    return tg


def supplier_draft(project, name, live_url):
    """A draft made at the supplier behind the cockpit's back (e.g. in the supplier's UI), then mirrored."""
    client = client_for(project.connection)
    start = timezone.now() + timedelta(hours=3)
    body = {
        "name": name,
        "business_unit_id": BUSINESS_UNIT,
        "locale": "eng_us",
        "project_manager_id": manager(),
        "collects_pii": False,
        "filling_goal": 100,
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.5,
        "live_url": live_url,
        "test_url": live_url,
        "fielding_specification": {"start_at": start.isoformat(), "end_at": (start + timedelta(days=5)).isoformat()},
        "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": False}},
        "profile": {"profile_adjustment_type": "percentage", "drafts": []},
    }
    remote_id = client.create_target_group(project.remote_id, body, idempotency_key=str(uuid.uuid4())).data["id"]
    return TargetGroup.objects.create(
        project=project,
        remote_id=remote_id,
        name=name,
        locale="eng_us",
        status=TargetGroup.Status.DRAFT,
        filling_goal=100,
    )


def launch(pm_client, tg):
    end = timezone.localtime(timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    pm_client.post(reverse("fielding:launch", args=[tg.pk]), {"when": "now", "end_fielding_at": end, "confirmed": "1"})
    return FieldingJob.objects.filter(target_group=tg).latest("pk")


def act_on_run(pm_client, tg, action):
    response = pm_client.post(reverse("fielding:run_action", args=[tg.pk, action]), {"confirmed": "1"})
    assert response.status_code == 302
    change = RemoteChange.objects.filter(target_group=tg).latest("pk")
    assert change.state == "applied", change.message
    return change


def test_a_draft_is_built_launched_and_fielded_at_the_sandbox(sandbox, pm_client):
    project = new_project(pm_client)
    tg = new_draft(pm_client, project, "US gen pop")

    # Profiling: the library comes from the sandbox, GENDER 50/50 goes back with the draft.
    page = pm_client.get(reverse("fielding:profiling", args=[tg.pk])).content.decode()
    assert "GENDER" in page
    data = {
        "mode": "ungrouped",
        "unit": "percentage",
        "quotas_enabled": "on",
        "c0_on": "on",
        "c0_quota": "50",
        "c1_on": "on",
        "c1_quota": "50",
    }
    assert pm_client.post(reverse("fielding:profile", args=[tg.pk, 43]), data).status_code == 302
    assert tg.changes.latest("pk").state == "applied", tg.changes.latest("pk").message
    fetched = client_for(sandbox).get_target_group(project.remote_id, tg.remote_id).data
    assert [d["question_id"] for d in fetched["profile"]["drafts"]] == [43]

    # Feasibility of the draft.
    pm_client.post(reverse("fielding:feasibility", args=[tg.pk]))
    feasibility = tg.supplier_lookups.get()
    assert feasibility.state == "done", feasibility.message
    assert feasibility.result["suggested_price"]["currency_code"] == "USD"

    # Launch: the job is polled until the run exists.
    job = launch(pm_client, tg)
    assert job.status == "Completed", job.reason
    tg.refresh_from_db()
    run = current_run(tg)
    assert tg.status == "live" and run.status == "Live" and run.remote_id == job.result["created_fielding_run_id"]

    # Pause, resume, a new end date, complete, relaunch: each applied with the run's ETag.
    assert act_on_run(pm_client, tg, "pause").kind == "pause_fielding_run"
    assert (
        client_for(sandbox).get_fielding_run(project.remote_id, tg.remote_id, run.remote_id).data["status"] == "Paused"
    )
    act_on_run(pm_client, tg, "resume")
    new_end = timezone.now() + timedelta(days=9)
    pm_client.post(
        reverse("fielding:change_end", args=[tg.pk]),
        {"end_fielding_at": timezone.localtime(new_end).strftime("%Y-%m-%dT%H:%M")},
    )
    assert RemoteChange.objects.filter(target_group=tg).latest("pk").state == "applied"
    act_on_run(pm_client, tg, "complete")
    act_on_run(pm_client, tg, RunAction.RELAUNCH)
    supplier_run = client_for(sandbox).get_fielding_run(project.remote_id, tg.remote_id, run.remote_id).data
    assert supplier_run["status"] == "Live"
    assert supplier_run["end_fielding_at"].startswith(new_end.strftime("%Y-%m-%dT%H:%M"))
    run.refresh_from_db()
    assert run.status == FieldingRun.Status.LIVE

    # A state the run is not in is refused before anything is sent.
    response = pm_client.post(reverse("fielding:run_action", args=[tg.pk, "resume"]), headers={"HX-Request": "true"})
    assert "A live fielding run cannot be resumed" in response.content.decode()

    # Completes over time and performance come from the sandbox.
    stats = pm_client.get(reverse("fielding:stats", args=[tg.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'id="performance"' in stats


def test_a_launch_the_sandbox_would_fail_is_refused_with_the_reason_before_anything_is_sent(sandbox, pm_client):
    project = new_project(pm_client)
    tg = supplier_draft(project, "No RID", "https://survey.example.com/s?rid=123")
    end = timezone.localtime(timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = pm_client.post(
        reverse("fielding:launch", args=[tg.pk]),
        {"when": "now", "end_fielding_at": end, "confirmed": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="launch-problems"' in html and "does not pass the respondent id ([%RID%])" in html
    assert not FieldingJob.objects.exists()
    assert not RemoteChange.objects.filter(target_group=tg).exists()
    tg.refresh_from_db()
    assert tg.status == "draft" and not tg.fielding_runs.exists()
    assert tg.live_url == "https://survey.example.com/s?rid=123"  # read from the sandbox, where the draft was made


def test_a_bulk_launch_of_three_sends_the_two_the_sandbox_would_launch(sandbox, pm_client):
    project = new_project(pm_client)
    good = [new_draft(pm_client, project, f"Wave {i}") for i in (1, 2)]
    bad = supplier_draft(project, "Wave 3 (no RID)", "https://survey.example.com/s?rid=123")
    response = pm_client.post(
        reverse("fielding:bulk", args=[project.pk]),
        {"action": "launch", "target_groups": [tg.pk for tg in [*good, bad]], "confirmed": "1"},
    )
    job = FieldingJob.objects.get(kind="batch_launch")
    assert response.status_code == 302 and job.status == "Completed", job.reason
    outcomes = {tg.name: state for tg, state, _ in job.outcomes()}
    # The draft the supplier would not launch is not sent, with its reason.
    assert outcomes == {"Wave 1": "ok", "Wave 2": "ok", "Wave 3 (no RID)": "skipped"}
    assert "respondent id ([%RID%])" in job.request["skipped"][str(bad.pk)]
    statuses = dict(TargetGroup.objects.filter(project=project).values_list("name", "status"))
    assert statuses == {"Wave 1": "live", "Wave 2": "live", "Wave 3 (no RID)": "draft"}
    assert FieldingRun.objects.filter(target_group__in=good, status="Live").count() == 2
