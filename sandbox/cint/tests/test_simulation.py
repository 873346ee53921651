"""Simulated respondents fill enabled quotas, never overfill, and complete the target group."""

import datetime as dt
import random

from django.utils import timezone

from sandbox.models import FieldingRun, Quota, Respondent, TargetGroup
from sandbox.simulation import simulate_step

from .conftest import create_draft, later, new_key, tg_url, v2_url


def _run(steps, seed=7, **kwargs):
    rng = random.Random(seed)
    summaries = []
    for _ in range(steps):
        summaries.append(simulate_step(rng=rng, deliver=False, **kwargs))
    return summaries


def test_a_step_records_respondents_and_counts(api, project_id, live_id):
    summary = simulate_step(rng=random.Random(1), deliver=False)
    result = summary["target_groups"][live_id]
    tg = TargetGroup.objects.get(pk=live_id)
    assert result["entrants"] > 0
    assert tg.entrants == result["entrants"] == Respondent.objects.filter(target_group=tg).count()
    assert tg.completes == Respondent.objects.filter(target_group=tg, status="complete").count()
    complete = Respondent.objects.filter(target_group=tg, status="complete").first()
    assert complete is None or (complete.finished_at and complete.duration_seconds)


def test_a_complete_finished_within_its_step_and_entered_its_interview_length_before(api, project_id, live_id):
    clock, rng = timezone.now(), random.Random(1)
    for _ in range(5):
        earlier = list(Respondent.objects.values_list("pk", flat=True))
        simulate_step(clock, rng, deliver=False, seconds=60)
        ended = Respondent.objects.filter(target_group_id=live_id, status__in=["complete", "terminate"])
        assert ended.exclude(pk__in=earlier).exists()
        for respondent in ended.exclude(pk__in=earlier):
            assert clock - dt.timedelta(seconds=60) <= respondent.finished_at <= clock
            assert respondent.entered_at == respondent.finished_at - dt.timedelta(seconds=respondent.duration_seconds)
        performance = api.get(tg_url(project_id, live_id, "/performance")).json()
        # what the supplier says, never a time still to come
        assert dt.datetime.fromisoformat(performance["last_complete"]) <= clock
        clock += dt.timedelta(seconds=60)


def test_only_enabled_quotas_fill(api, project_id, live_id):
    gender = api.get(v2_url(project_id, live_id)).json()["data"][1]
    api.post(v2_url(project_id, live_id, f"/{gender['id']}/disable-quotas"))
    _run(8)
    gender_quotas = Quota.objects.filter(profile_id=gender["id"])
    age_quotas = Quota.objects.filter(target_group_id=live_id).exclude(profile_id=gender["id"])
    assert all(q.completes == 0 and q.prescreens == 0 for q in gender_quotas)
    assert sum(q.completes for q in age_quotas) == TargetGroup.objects.get(pk=live_id).completes > 0


def test_quotas_never_overfill_and_the_target_group_completes(api, project_id, live_id):
    _run(80, seed=3)
    tg = TargetGroup.objects.get(pk=live_id)
    for quota in Quota.objects.filter(target_group=tg):
        assert quota.completes <= quota.completes_goal, quota
    assert tg.completes == tg.filling_goal == 100
    assert tg.status == "completed"
    assert FieldingRun.objects.get(target_group=tg).status == "Completed"
    assert Respondent.objects.filter(target_group=tg, status="overquota").exists()


def test_interlocked_cells_fill_without_overfilling(api, project_id, live_id):
    age, gender = api.get(v2_url(project_id, live_id)).json()["data"]
    api.post(
        v2_url(project_id, live_id, "/create-interlocked-profile"),
        {"target_group_filling_goal": 60, "profiles": [age["id"], gender["id"]]},
    )
    _run(60)
    cells = Quota.objects.filter(target_group_id=live_id, kind="cell")
    assert sum(c.completes for c in cells) == 60
    assert all(c.completes <= c.completes_goal for c in cells)
    assert all(q.completes == 0 for q in Quota.objects.filter(target_group_id=live_id, kind="ungrouped"))


def test_paused_and_draft_target_groups_get_no_traffic(api, project_id, live_id, draft_id):
    run = FieldingRun.objects.get(target_group_id=live_id)
    api.post(tg_url(project_id, live_id, f"/fielding-runs/{run.id}/pause"))
    _run(3)
    assert not Respondent.objects.exists()


def test_scheduled_runs_start_and_expired_runs_end(api, project_id):
    tg_id = create_draft(api, project_id)
    response = api.post(
        tg_url(project_id, tg_id, "/fielding-run-jobs/schedule-from-draft"),
        {"start_fielding_at": later(hours=1), "end_fielding_at": later(hours=5)},
        headers={"idempotency-key": new_key()},
    )
    api.client.get(response["Location"], headers=api.headers())
    run = FieldingRun.objects.get(target_group_id=tg_id)
    simulate_step(now=run.start_at - dt.timedelta(seconds=1), deliver=False)
    assert TargetGroup.objects.get(pk=tg_id).status == "scheduled"
    summary = simulate_step(now=run.start_at, deliver=False)
    assert tg_id in summary["started"]
    assert TargetGroup.objects.get(pk=tg_id).status == "live"
    summary = simulate_step(now=run.end_at, deliver=False)
    assert tg_id in summary["ended"]
    assert TargetGroup.objects.get(pk=tg_id).status == "completed"


def test_prevent_overfill_off_lets_quotas_run_over_but_not_the_target_group(api, project_id):
    tg_id = create_draft(
        api,
        project_id,
        fielding_assistant_assignment={"quota_overlay": {"prevent_overfill": False, "balance_fill": False}},
    )
    from .conftest import launch

    launch(api, project_id, tg_id)
    _run(80, seed=3)
    tg = TargetGroup.objects.get(pk=tg_id)
    assert tg.completes == tg.filling_goal
    assert not Respondent.objects.filter(target_group=tg, status="overquota").exists()


def test_the_task_runs_one_step(api, project_id, live_id):
    from sandbox.tasks import simulate_traffic

    summary = simulate_traffic.delay().get()
    assert "completed" in summary
    assert TargetGroup.objects.get(pk=live_id).entrants > 0
    assert timezone.now()
