"""Simulated respondents fill open quotas; PureSpectrum pauses a survey by itself when its goal
or every quota is met, or after 24 hours without a start; adjustments resolve after a while."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from sandbox.models import PsQuota, PsSurvey, PsTransaction
from sandbox.purespectrum.simulation import GOAL_MET, INACTIVE, QUOTAS_MET, step

from .conftest import survey_body

pytestmark = pytest.mark.django_db


def live_survey(ps, **changes):
    sid = ps.post("/surveys", survey_body(**changes)).json()["ps_survey_id"]
    assert ps.put(f"/surveys/{sid}/status", ps_survey_status=22).status_code == 200
    return sid


def run(steps, seed=1):
    rng = random.Random(seed)
    for _ in range(steps):
        step(timezone.now(), rng)


def test_respondents_fill_the_open_quotas_and_never_pass_a_current_target(ps):
    sid = live_survey(ps)
    ps.patch(f"/surveys/{sid}/quotas/female", [{"op": "replace", "path": "/current_target", "value": 5}])

    run(30)

    quotas = {q.buyer_quota_id: q for q in PsQuota.objects.filter(survey_id=sid)}
    assert quotas["male"].achieved > 5
    assert quotas["female"].achieved == 5  # its current target
    survey = PsSurvey.objects.get(pk=sid)
    assert survey.completes == PsTransaction.objects.filter(survey_id=sid, outcome="complete").count()
    assert survey.overquotas > 0


def test_a_survey_that_met_its_goal_is_paused_by_purespectrum_with_the_reason(ps):
    sid = live_survey(ps, completes_required=20, quotas=[])

    run(150)

    survey = ps.get(f"/surveys/{sid}").json()
    assert survey["ps_survey_status"] == 33
    assert survey["ps_status_reason"] == GOAL_MET
    assert PsSurvey.objects.get(pk=sid).completes == 20


def test_a_survey_whose_every_quota_is_met_is_paused(ps):
    sid = live_survey(ps)
    for quota in ("male", "female", "young"):
        ps.patch(f"/surveys/{sid}/quotas/{quota}", [{"op": "replace", "path": "/current_target", "value": 0}])

    run(1)

    assert ps.get(f"/surveys/{sid}").json()["ps_status_reason"] == QUOTAS_MET


def test_a_survey_without_starts_for_a_day_is_paused(ps):
    sid = live_survey(ps)
    PsSurvey.objects.filter(pk=sid).update(last_start_at=timezone.now() - dt.timedelta(hours=25))
    PsQuota.objects.filter(survey_id=sid).update(current_target=0)  # no one can start

    step(timezone.now(), random.Random(1))

    survey = PsSurvey.objects.get(pk=sid)
    assert survey.status == 33 and survey.status_reason in (INACTIVE, QUOTAS_MET)


def test_resuming_clears_purespectrums_reason(ps):
    sid = live_survey(ps, completes_required=20, quotas=[])
    run(150)

    answer = ps.put(f"/surveys/{sid}/status", ps_survey_status=22).json()

    assert answer["ps_survey_status"] == 22 and answer["ps_status_reason"] is None


def test_an_adjustment_is_pending_then_completed_and_rejects_the_completes_not_listed(ps, settings):
    settings.SANDBOX_JOB_SECONDS = 0
    sid = live_survey(ps, quotas=[])
    run(5)
    completes = list(
        PsTransaction.objects.filter(survey_id=sid, outcome="complete").values_list("transaction_id", flat=True)
    )
    kept = completes[:2]

    answer = ps.post(f"/adjustments/surveys/{sid}", [{"transaction_id": t} for t in [*kept, "unknown-1"]])

    assert answer.status_code == 202
    body = answer.json()
    assert (body["status"], body["statusDescription"]) == (1, "Pending")
    assert body["summary"] == {"transactions": 3, "eligible": 2, "completes": 2, "rejected": len(completes) - 2}
    later = ps.get(f"/adjustments/{body['adjustment_id']}").json()
    assert (later["status"], later["statusDescription"]) == (2, "Completed")
    assert PsTransaction.objects.filter(survey_id=sid, outcome="rejected").count() == len(completes) - 2
    listed = ps.get(f"/adjustments/surveys/{sid}").json()["adjustments"]
    assert listed[0]["transaction_ids"] == [*kept, "unknown-1"]


def test_an_adjustment_leaves_the_survey_and_its_quotas_with_the_completes_it_kept(ps, settings):
    settings.SANDBOX_JOB_SECONDS = 0
    sid = live_survey(ps)
    run(8)
    visits = PsTransaction.objects.filter(survey_id=sid)
    completes = list(visits.filter(outcome="complete"))
    terminate = visits.filter(outcome="terminate").exclude(quota_ids=[]).first()
    kept = [completes[0], terminate]
    assert len(completes) > 2 and terminate is not None
    before = ps.get(f"/surveys/{sid}/performance").json()
    version = ps.get(f"/surveys/{sid}").json()["mod_on"]

    body = ps.post(f"/adjustments/surveys/{sid}", [{"transaction_id": v.transaction_id} for v in kept]).json()
    ps.get(f"/adjustments/{body['adjustment_id']}")

    after = ps.get(f"/surveys/{sid}/performance").json()
    assert after["completes_fielded"] == 2  # the kept complete and the terminate that became one
    assert after["terminations"] == before["terminations"] - 1
    achieved = {q["buyer_quota_id"]: q["quantities"]["achieved"] for q in ps.get(f"/surveys/{sid}/quotas").json()}
    quotas = {q.pk: q.buyer_quota_id for q in PsQuota.objects.filter(survey_id=sid)}
    expected = {name: 0 for name in quotas.values()}
    for visit in kept:
        for pk in visit.quota_ids:
            expected[quotas[pk]] += 1
    assert achieved == expected
    assert ps.get(f"/surveys/{sid}").json()["mod_on"] > version  # the list shows the survey changed


@pytest.mark.parametrize("body", [[], [{"transaction_id": ""}], [{"id": "x"}], [{"transaction_id": "a"}] * 2])
def test_a_bad_adjustment_is_refused(ps, body):
    sid = live_survey(ps, quotas=[])

    response = ps.post(f"/adjustments/surveys/{sid}", body)

    assert response.status_code == 400
