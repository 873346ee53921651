"""The PureSpectrum part's simulation step: live surveys fill, adjustments resolve, and
PureSpectrum pauses a survey by itself once its goal or every quota is met, or when it
has had no start for 24 hours.

An entrant is routed to a quota with room most of the time (as PureSpectrum's router
would), gets the rest of its answers at random, must meet every qualification of the
survey, and is over quota when a quota it falls in has no room left (its current target
reached); else it completes at about the expected incidence, terminates or drops.
"""

import datetime as dt
import uuid

from django.db import transaction

from ..models import PsQuota, PsSurvey, PsTransaction
from ..simulation import COMPLETE, DROP, STEP_SECONDS, entrants_for, finish
from .catalogue import fits, random_person, steer
from .views import resolve_due

INACTIVE_AFTER = dt.timedelta(hours=24)
GOAL_MET = "The survey reached its completes goal."
QUOTAS_MET = "Every quota reached its current target."
INACTIVE = "No starts in 24 hours."


def step(now, rng, *, deliver=True, seconds=STEP_SECONDS):
    summary = {"adjustments_resolved": resolve_due(now), "surveys": {}, "paused": []}
    for survey_id in PsSurvey.objects.filter(status=PsSurvey.Status.LIVE).values_list("pk", flat=True):
        with transaction.atomic():
            survey = PsSurvey.objects.select_for_update().get(pk=survey_id)
            if survey.status != PsSurvey.Status.LIVE:
                continue
            quotas = list(PsQuota.objects.select_for_update().filter(survey=survey).order_by("pk"))
            result = fill(survey, quotas, now, rng, seconds)
            summary["surveys"][survey.pk] = result
            reason = pause_reason(survey, quotas, now)
            if reason:
                survey.status = PsSurvey.Status.PAUSED
                survey.status_reason = reason
                summary["paused"].append(survey.pk)
            if result["entrants"] or reason:
                survey.touch()
                survey.save()
    return summary


def pause_reason(survey, quotas, now):
    if survey.completes >= survey.completes_required:
        return GOAL_MET
    if quotas and all(q.room == 0 for q in quotas):
        return QUOTAS_MET
    if survey.last_start_at is not None and now - survey.last_start_at > INACTIVE_AFTER:
        return INACTIVE
    return ""


def fill(survey, quotas, now, rng, seconds=STEP_SECONDS):
    result = {"entrants": 0, "completes": 0, "terminates": 0, "overquotas": 0, "drops": 0}
    if quotas and all(q.room == 0 for q in quotas):
        return result
    count = entrants_for(survey.completes_required, survey.completes, survey.expected_ir / 100, rng, seconds)
    touched = set()
    for _ in range(count):
        if survey.completes >= survey.completes_required:
            break
        person = random_person(rng)
        open_quotas = [q for q in quotas if q.room > 0]
        if open_quotas and rng.random() < 0.85:
            steer(person, rng.choice(open_quotas).criteria, rng)
        result["entrants"] += 1
        survey.starts += 1
        survey.last_start_at = now
        fell_in = [q.pk for q in quotas if all(fits(c, person) for c in q.criteria)]
        outcome = _visit(survey, quotas, person, rng, touched)
        result[outcome + "s"] += 1
        PsTransaction.objects.create(
            survey=survey,
            transaction_id=f"ps{uuid.uuid4().hex[:16]}",
            outcome=outcome,
            quota_ids=fell_in,
            created_at=now,
        )
    for quota in quotas:
        if quota.pk in touched:
            quota.mod_on = max(quota.mod_on + 1, survey.mod_on)
            quota.save(update_fields=["achieved", "starts", "mod_on"])
    return result


def _visit(survey, quotas, person, rng, touched):
    """How one entrant ends: "complete", "terminate", "overquota" or "drop"."""
    if not all(fits(q, person) for q in survey.qualifications):
        survey.terminations += 1
        return "terminate"
    matching = [q for q in quotas if all(fits(c, person) for c in q.criteria)]
    for quota in matching:
        quota.starts += 1
        touched.add(quota.pk)
    if any(q.room == 0 for q in matching):
        survey.overquotas += 1
        return "overquota"
    ending, seconds = finish(survey.expected_ir / 100, survey.expected_loi, rng)
    if ending == DROP:
        survey.drops += 1
        return "drop"
    if ending != COMPLETE:
        survey.terminations += 1
        return "terminate"
    survey.completes += 1
    survey.interview_seconds += seconds
    for quota in matching:
        quota.achieved += 1
    return "complete"
