"""End to end against the sandbox on a live server: report, check, submit, follow to the end.

The sandbox is an independent imitation of the supplier; here it runs behind
`live_server` and the cockpit reaches it over HTTP exactly as it would reach Cint.
"""

import random
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from projects.models import Role
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from reconciliations.models import EligibleReport, EligibleRid, ReasonCode, Submission
from sandbox import simulation
from sandbox.models import Respondent
from sandbox.models import TargetGroup as SandboxTargetGroup
from sandbox.seed import ensure_account, user_id
from sync.pull import sync_target_group
from sync.tests.sandbox import supplier_client as client_for

from .confirming import post_confirmed

pytestmark = pytest.mark.django_db(transaction=True)
ACCOUNT_ID = "1001"


@pytest.fixture
def sandbox(live_server, settings):
    settings.CINT_BASE_URL = live_server.url + "/sandbox/cint/v1"
    settings.CINT_AUTH_URL = live_server.url + "/sandbox/cint/oauth/token"
    settings.CINT_ACCOUNT_ID = ACCOUNT_ID
    settings.SANDBOX_JOB_SECONDS = 0
    for name in ("SANDBOX_ERROR_RATE", "SANDBOX_RATE_LIMIT_RATE", "SANDBOX_STALE_ETAG_RATE"):
        setattr(settings, name, 0.0)
    settings.SANDBOX_LATENCY_MS = 0
    return ensure_account(ACCOUNT_ID)


@pytest.fixture
def pm_client(client):
    user = User.objects.create_user("live-pm", password="pw")
    user.groups.add(Group.objects.get_or_create(name=Role.PROJECT_MANAGERS)[0])
    client.force_login(user)
    return client


def later(**delta):
    return (timezone.now() + timedelta(**delta)).isoformat()


def launched_target_group_with_respondents(connection):
    """A project and a live TG made at the sandbox through the cockpit's own client, then simulated traffic."""
    client = client_for(connection)
    manager = str(user_id(int(ACCOUNT_ID), "pat.manager@sandbox.invalid"))
    project = client.create_project(
        {"name": "Reconciliation e2e", "project_manager_id": manager}, idempotency_key=str(uuid.uuid4())
    ).data
    draft = {
        "name": "US adults e2e",
        "business_unit_id": str(int(ACCOUNT_ID) * 10 + 1),
        "locale": "eng_us",
        "project_manager_id": manager,
        "collects_pii": False,
        "filling_goal": 200,
        "expected_length_of_interview_minutes": 10,
        "expected_incidence_rate": 0.5,
        "live_url": "https://survey.example.com/s?rid=[%RID%]",
        "test_url": "https://survey.example.com/s?rid=[%RID%]&test=1",
        "fielding_specification": {"start_at": later(hours=2), "end_at": later(days=10)},
        "fielding_assistant_assignment": {"quota_overlay": {"prevent_overfill": True, "balance_fill": True}},
        "profile": {
            "profile_adjustment_type": "percentage",
            "drafts": [
                {
                    "question_id": 43,
                    "quotas_enabled": True,
                    "conditions": {
                        "object": "selection_conditions_details_template",
                        "data": [{"option": "1"}, {"option": "2"}],
                    },
                    "quotas": {
                        "ungrouped": [{"index": 0, "quota_percentage": 50}, {"index": 1, "quota_percentage": 50}],
                        "grouped": [],
                    },
                }
            ],
        },
    }
    tg = client.create_target_group(project["id"], draft, idempotency_key=str(uuid.uuid4())).data
    job = client.launch_from_draft(
        project["id"], tg["id"], end_fielding_at=later(days=5), idempotency_key=str(uuid.uuid4())
    )
    client.get_launch_from_draft_job(project["id"], tg["id"], job.job_id)
    rng = random.Random(7)
    for _ in range(20):
        simulation.simulate_step(rng=rng, deliver=False)
        statuses = set(Respondent.objects.filter(target_group_id=tg["id"]).values_list("status", flat=True))
        if {"complete", "terminate"} <= statuses:
            break
    local_project = ProjectFactory(connection=connection, remote_id=project["id"], name="Reconciliation e2e")
    return TargetGroupFactory(project=local_project, remote_id=tg["id"], name="US adults e2e")


def test_a_reconciliation_followed_to_its_final_state_in_the_sandbox(pm_client, sandbox, settings):
    connection = ConnectionFactory(account_id=ACCOUNT_ID)
    tg = launched_target_group_with_respondents(connection)
    complete = Respondent.objects.filter(target_group_id=tg.remote_id, status="complete").first()
    terminate = Respondent.objects.filter(target_group_id=tg.remote_id, status="terminate").first()
    assert complete and terminate, "the simulation produced no complete and terminate to reconcile"

    # The page loads the supplier's reason codes in the background.
    account_url = reverse("reconciliations:account", args=[connection.pk])
    assert pm_client.get(account_url).status_code == 200
    codes = list(ReasonCode.objects.filter(connection=connection).values_list("code", flat=True))
    assert codes

    # The eligible-RIDs report is generated, polled and downloaded.
    pm_client.post(reverse("reconciliations:generate_report", args=[connection.pk]), {"project": tg.project.pk})
    report = EligibleReport.objects.get()
    assert report.state == "ready", report.message
    rows = {row.rid: row for row in EligibleRid.objects.filter(report=report)}
    assert rows[complete.rid].target_group == tg and rows[complete.rid].status == "complete"
    assert rows[terminate.rid].status == "terminate"

    # A bad file is refused by the cockpit before anything is sent.
    bad = pm_client.post(
        reverse("reconciliations:submit", args=[connection.pk]),
        {"lines": f"{complete.rid},{codes[0]}\nnot-a-rid,{codes[0]}\n", "source": "lines"},
    )
    assert "Line 2</td>" in bad.content.decode() and not Submission.objects.exists()

    # The good one goes through the outbox and is followed until the supplier has processed it.
    settings.SANDBOX_JOB_SECONDS = 1
    response = post_confirmed(
        pm_client,
        reverse("reconciliations:submit", args=[connection.pk]),
        {"lines": f"{complete.rid},{codes[0]}\n{terminate.rid},{codes[0]}\n", "name": "e2e.csv", "source": "lines"},
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.change.state == "applied" and submission.request_id
    deadline = time.monotonic() + 30
    while submission.state != "complete" and time.monotonic() < deadline:
        time.sleep(0.5)
        pm_client.post(reverse("reconciliations:check_submission", args=[submission.pk]))  # "Check now"
        submission.refresh_from_db()
    assert submission.state == "complete", submission.message
    assert (submission.submitted_count, submission.expired_count, submission.invalid_count) == (2, 0, 0)
    assert (submission.negative_reversed_count, submission.positive_reversed_count) == (1, 1)
    (result,) = submission.target_group_results.all()
    assert (result.target_group, result.status, result.submitted_count) == (tg, "complete", 2)

    complete.refresh_from_db()
    terminate.refresh_from_db()
    assert (complete.reconciled_status, terminate.reconciled_status) == ("terminate", "complete")

    page = pm_client.get(submission.get_absolute_url()).content.decode()
    assert submission.request_id in page and "US adults e2e" in page and 'hx-trigger="every 2s"' not in page


def test_after_a_file_is_done_the_target_group_shows_the_completes_the_supplier_now_counts(
    pm_client, sandbox, settings
):
    connection = ConnectionFactory(account_id=ACCOUNT_ID)
    tg = launched_target_group_with_respondents(connection)
    rng = random.Random(11)
    while Respondent.objects.filter(target_group_id=tg.remote_id, status="complete").count() < 3:
        simulation.simulate_step(rng=rng, deliver=False)
    sync_target_group(tg)
    tg.refresh_from_db()
    before = SandboxTargetGroup.objects.get(pk=tg.remote_id).completes
    assert tg.current_completes == before >= 3
    pm_client.get(reverse("reconciliations:account", args=[connection.pk]))  # loads the reason codes
    code = ReasonCode.objects.filter(connection=connection).values_list("code", flat=True).first()
    pm_client.post(reverse("reconciliations:generate_report", args=[connection.pk]), {"project": tg.project.pk})
    rejected = list(
        Respondent.objects.filter(target_group_id=tg.remote_id, status="complete").values_list("rid", flat=True)[:2]
    )
    lines = {"lines": "".join(f"{rid},{code}\n" for rid in rejected), "source": "lines"}
    url = reverse("reconciliations:submit", args=[connection.pk])

    shown = pm_client.post(url, lines).content.decode()
    assert f"2 completes become terminates (rejected): {before} → {before - 2} completes" in shown

    post_confirmed(pm_client, url, lines)

    submission = Submission.objects.get()
    assert submission.state == "complete" and submission.negative_reversed_count == 2, submission.message
    tg.refresh_from_db()
    assert tg.current_completes == SandboxTargetGroup.objects.get(pk=tg.remote_id).completes == before - 2
    (result,) = submission.target_group_results.all()
    assert (result.completes_before, result.negative_reversed_count) == (before, 2)
