"""The Cint part's simulation step: jobs and runs move on, live target groups fill.

Each step resolves due launch jobs and reconciliations, starts and ends fielding
runs on their dates, and brings a few entrants per live target group (how many,
when and how they end comes from `sandbox.simulation`). An entrant answers the
profile questions (steered towards quotas with room, as balanced fill would), is
screened against the enabled quotas and cells (overquota when one is full and
prevent-overfill is on), then completes at about the expected incidence rate or
terminates. The target group completes when its filling goal is met.
"""

import datetime as dt

from django.db import transaction

from ..models import FieldingRun, Respondent, RunStatus, TargetGroup
from ..simulation import STEP_SECONDS, arrive, entrants_for, finish
from . import fielding, reconciliation
from .counting import quota_matches
from .events import deliver_pending, quota_fill, stuck_deliveries


def step(now, rng, *, deliver=True, seconds=STEP_SECONDS):
    """Advance the Cint part by one step (the `seconds` up to `now`); returns a summary of what happened."""
    summary = {
        "jobs_resolved": fielding.resolve_due(now),
        "reconciliations_resolved": reconciliation.resolve_due(now),
        "started": _start_scheduled(now),
        "ended": _end_expired(now),
        "target_groups": {},
        "completed": [],
    }
    for tg_id in TargetGroup.objects.filter(status=TargetGroup.Status.LIVE).values_list("pk", flat=True):
        with transaction.atomic():
            tg = TargetGroup.objects.select_for_update().select_related("project").get(pk=tg_id)
            if tg.status != TargetGroup.Status.LIVE:
                continue
            result = _simulate_target_group(tg, now, rng, seconds)
            summary["target_groups"][tg.id] = result
            if tg.completes >= tg.filling_goal and _complete(tg, now):
                summary["completed"].append(tg.id)
    if deliver:
        stuck_deliveries()
        summary["webhooks_sent"] = deliver_pending()
    return summary


def _start_scheduled(now):
    started = []
    for run in FieldingRun.objects.filter(status=RunStatus.SCHEDULED, start_at__lte=now).select_related(
        "target_group__project"
    ):
        with transaction.atomic():
            if run.end_at <= now:
                run.status = RunStatus.COMPLETED
                run.save(update_fields=["status"])
                run.bump()
                fielding.set_status(run.target_group, TargetGroup.Status.COMPLETED, now=now)
            else:
                run.status = RunStatus.LIVE
                run.save(update_fields=["status"])
                run.bump()
                fielding.set_status(run.target_group, TargetGroup.Status.LIVE, now=now)
                started.append(run.target_group_id)
    return started


def _end_expired(now):
    ended = []
    for run in FieldingRun.objects.filter(
        status__in=[RunStatus.LIVE, RunStatus.PAUSED], end_at__lte=now
    ).select_related("target_group__project"):
        with transaction.atomic():
            fielding.transition(run, "complete", now=now)
            ended.append(run.target_group_id)
    return ended


def _complete(tg, now):
    run = fielding.current_run(tg)
    if run is None or run.status not in (RunStatus.LIVE, RunStatus.PAUSED):
        return False
    run.target_group = tg
    fielding.transition(run, "complete", now=now)
    return True


def _simulate_target_group(tg, now, rng, seconds):
    result = {"entrants": 0, "prescreens": 0, "completes": 0, "overquota": 0}
    count = entrants_for(tg.filling_goal, tg.completes, tg.expected_incidence_rate, rng, seconds)
    if not count:
        return result
    profiles = list(tg.profiles.prefetch_related("conditions"))
    quotas = list(tg.quotas.select_related("profile", "interlock"))
    enabled = [q for q in quotas if q.is_enabled]
    interlock = tg.interlocks.filter(quotas_enabled=True).first()
    cells = [q for q in enabled if q.interlock_id]
    changed, respondents = set(), []
    for _ in range(count):
        if tg.completes >= tg.filling_goal:
            break
        answers = _answers(profiles, enabled, interlock, cells, rng)
        matching = [q for q in enabled if quota_matches(q, answers)]
        moment, supplier_id = arrive(now, rng, seconds)
        respondent = Respondent(
            target_group=tg,
            answers=answers,
            supplier_id=supplier_id,
            entered_at=moment,
            quota_ids=[q.id for q in matching],
        )
        respondents.append(respondent)
        tg.entrants += 1
        result["entrants"] += 1
        if tg.prevent_overfill and any(q.completes >= q.completes_goal for q in matching):
            respondent.status = Respondent.Status.OVERQUOTA
            respondent.quota_ids = []
            result["overquota"] += 1
            continue
        tg.prescreens += 1
        result["prescreens"] += 1
        for quota in matching:
            quota.prescreens += 1
            changed.add(quota)
        status, duration_seconds = finish(tg.expected_incidence_rate, tg.expected_length_of_interview_minutes, rng)
        respondent.status = Respondent.Status(status)
        if respondent.status == Respondent.Status.DROP:
            continue
        respondent.duration_seconds = duration_seconds
        if respondent.status == Respondent.Status.COMPLETE:
            tg.completes += 1
            result["completes"] += 1
            for quota in matching:
                quota.completes += 1
        # It finished in this step, having entered `duration_seconds` before: no time still to come.
        respondent.finished_at = moment
        respondent.entered_at = moment - dt.timedelta(seconds=duration_seconds)
    Respondent.objects.bulk_create(respondents)
    tg.save(update_fields=["entrants", "prescreens", "completes"])
    for quota in changed:
        quota.save(update_fields=["completes", "prescreens"])
    quota_fill(tg, sorted(changed, key=lambda q: q.position), now=now)
    return result


def _weight(quotas, condition_id):
    """Steer answers to conditions whose enabled quotas still have room."""
    related = [q for q in quotas if condition_id in q.condition_ids]
    if not related:
        return 1.0
    return min(q.room for q in related) + 0.25


def _answers(profiles, enabled, interlock, cells, rng):
    answers = {}
    if interlock is not None and cells:
        cell = rng.choices(cells, weights=[c.room + 0.25 for c in cells])[0]
        owner = {c.id: p for p in profiles for c in p.conditions.all()}
        for condition_id in cell.condition_ids:
            answers[str(owner[condition_id].question_id)] = condition_id
    for profile in profiles:
        key = str(profile.question_id)
        conditions = list(profile.conditions.all())
        if key in answers or not conditions:
            continue
        own = [q for q in enabled if q.profile_id == profile.id]
        weights = [_weight(own, c.id) for c in conditions]
        answers[key] = rng.choices(conditions, weights=weights)[0].id
    return answers
