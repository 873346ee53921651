"""Reconciliations reverse real simulated respondents; reports list the eligible ones."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from sandbox.cint.reconciliation import reconciliation_deadline, resolve
from sandbox.models import Quota, Reconciliation, Respondent, TargetGroup
from sandbox.simulation import simulate_step

from .conftest import new_key

RECONCILIATIONS = "/demand/accounts/{account}/reconciliations"


@pytest.fixture
def fielded(api, project_id, live_id):
    for seed in range(4):
        simulate_step(rng=random.Random(seed), deliver=False)
    return live_id


def _submit(api, text, name="wave-1"):
    return api.post(
        RECONCILIATIONS, raw=text, content_type="text/csv", headers={"idempotency-key": new_key()}, name=name
    )


def test_eligible_rids_report_lists_finished_respondents(api, fielded):
    report = api.post(
        "/demand/accounts/{account}/reports/reconciliation-eligible-rids",
        {"filter": "Target Group", "filter_ids": [fielded]},
    )
    assert report.status_code == 202
    data = report.json()
    assert data["status"] == "pending"
    status = api.get(f"/demand/accounts/{{account}}/reports/{data['report_id']}/status").json()
    assert status["status"] == "completed"
    download = api.client.get(data["report_url"], headers=api.headers())
    assert download.status_code == 200
    rows = download.content.decode().splitlines()
    assert rows[0].startswith("rid,target_group_id")
    expected = Respondent.objects.filter(target_group_id=fielded).exclude(status="overquota").count()
    assert len(rows) - 1 == expected


def test_a_report_is_not_downloadable_before_it_is_ready(api, fielded, settings):
    settings.SANDBOX_JOB_SECONDS = 60
    data = api.post("/demand/accounts/{account}/reports/completes", {}).json()
    assert api.client.get(data["report_url"], headers=api.headers()).status_code == 404


def test_submitting_reverses_completes_and_reports_counts(api, fielded):
    tg = TargetGroup.objects.get(pk=fielded)
    completes = list(Respondent.objects.filter(target_group=tg, status="complete")[:2])
    terminate = Respondent.objects.filter(target_group=tg, status="terminate").first()
    assert completes and terminate
    before = tg.completes
    lines = [f"{r.rid},11" for r in completes] + [f"{terminate.rid},20", "NOT-A-RID,11", f"{completes[0].rid},999"]
    response = _submit(api, "\n".join(lines) + "\n")
    assert response.status_code == 200
    request_id = response.json()["request_id"]
    result = api.get(f"{RECONCILIATIONS}/{request_id}").json()
    assert result["status"] == "complete"
    assert result["submitted_count"] == 5
    assert result["negative_reversed_count"] == 2
    assert result["positive_reversed_count"] == 1
    assert result["invalid_count"] == 2
    tg.refresh_from_db()
    assert tg.completes == before - 2 + 1
    quota = Quota.objects.get(pk=completes[0].quota_ids[0])
    assert quota.completes == sum(
        1
        for r in Respondent.objects.filter(target_group=tg)
        if quota.id in r.quota_ids and r.effective_status == "complete"
    )
    per_tg = api.get(f"{RECONCILIATIONS}/{request_id}/target-groups/{fielded}").json()
    assert per_tg["negative_reversed_count"] == 2
    listing = api.get(RECONCILIATIONS, name="wave").json()["reconciliation_requests"]
    assert listing[0]["result_counts"]["total_reversed"] == 3


def test_processing_until_the_delay_passes(api, fielded, settings):
    settings.SANDBOX_JOB_SECONDS = 5
    rid = Respondent.objects.filter(target_group_id=fielded, status="complete").first().rid
    request_id = _submit(api, f"{rid},11").json()["request_id"]
    assert api.get(f"{RECONCILIATIONS}/{request_id}").json()["status"] == "processing"
    submitted_at = Reconciliation.objects.get(pk=request_id).submitted_at
    assert resolve(request_id, now=submitted_at + dt.timedelta(seconds=5)).status == "complete"


def test_bad_files_are_refused(api, fielded):
    assert _submit(api, "rid,reason\nabc,11").status_code == 400
    assert _submit(api, "just-one-column").status_code == 400
    assert _submit(api, "").status_code == 400
    no_name = api.post(RECONCILIATIONS, raw="a,11", content_type="text/csv", headers={"idempotency-key": new_key()})
    assert no_name.status_code == 400


def test_reason_codes(api):
    codes = api.get(f"{RECONCILIATIONS}/reason-codes").json()["reconciliation_reasons"]
    assert {"11", "932"} <= {c["code"] for c in codes}


def test_expired_ids_are_not_reversed(api, fielded):
    respondent = Respondent.objects.filter(target_group_id=fielded, status="complete").first()
    old = timezone.now() - dt.timedelta(days=70)
    Respondent.objects.filter(pk=respondent.pk).update(finished_at=old, entered_at=old)
    request_id = _submit(api, f"{respondent.rid},11").json()["request_id"]
    assert api.get(f"{RECONCILIATIONS}/{request_id}").json()["expired_count"] == 1


def test_deadline_is_the_25th_of_the_next_month():
    assert reconciliation_deadline(dt.datetime(2025, 1, 31, tzinfo=dt.UTC)) == dt.datetime(
        2025, 2, 25, 23, 59, 59, tzinfo=dt.UTC
    )
    assert reconciliation_deadline(dt.datetime(2025, 12, 1, tzinfo=dt.UTC)).month == 1
