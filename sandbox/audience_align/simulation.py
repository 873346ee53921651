"""The Audience-Align part's simulation step: due reconciliations complete, active surveys fill.

An entrant of an active survey answers each qualification (steered towards options with room),
is kept out when it already took part in an excluded survey, and is screened on the quotas.
Quotas are soft: a full quota or combination still lets one entrant in ten through. Then it
completes at about the survey's incidence rate or terminates. A survey whose completes reach
its goal is Completed.
"""

import datetime as dt
import secrets

from django.db import transaction

from ..models import AaCombination, AaQualification, AaQuota, AaRespondent, AaSurvey
from ..simulation import COMPLETE, DROP, STEP_SECONDS, arrive, entrants_for, finish
from .views import resolve_due

SOFT_PASS_RATE = 0.1
UID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"


def new_uid():
    return "".join(secrets.choice(UID_ALPHABET) for _ in range(19))


def step(now, rng, *, deliver=True, seconds=STEP_SECONDS):
    summary = {"reconciliations_resolved": resolve_due(now), "surveys": {}, "completed": []}
    for survey_id in AaSurvey.objects.filter(status=AaSurvey.Status.ACTIVE).values_list("pk", flat=True):
        with transaction.atomic():
            survey = AaSurvey.objects.select_for_update().get(pk=survey_id)
            if survey.status != AaSurvey.Status.ACTIVE:
                continue
            summary["surveys"][survey.project_id] = fill(survey, now, rng, seconds)
            if survey.completes >= survey.complete_needed:
                survey.status = AaSurvey.Status.COMPLETED
                survey.save(update_fields=["status"])
                summary["completed"].append(survey.project_id)
    return summary


def _pick(qualification, quotas, rng):
    """A criterion key for one qualification, favouring those with room."""
    keys = qualification.target_keys()
    if qualification.kind == AaQualification.Kind.ZIPCODES or not keys:
        return rng.choice(keys) if keys else ""
    with_room = [k for k in keys if (q := quotas.get(k)) is None or q.completes < q.required_count]
    return rng.choice(with_room or keys)


def _full(quota):
    return quota is not None and quota.completes >= quota.required_count


def fill(survey, now, rng, seconds=STEP_SECONDS):
    result = {"entrants": 0, "completes": 0, "overquota": 0}
    ir = survey.ir / 100
    count = entrants_for(survey.complete_needed, survey.completes, ir, rng, seconds)
    if not count:
        return result
    qualifications = list(survey.qualifications.prefetch_related("quotas"))
    quotas = {q.code: {quota.key: quota for quota in q.quotas.all()} for q in qualifications}
    combinations = list(AaCombination.objects.filter(interlocking__survey=survey))
    for _ in range(count):
        moment, _supplier = arrive(now, rng, seconds)
        answers = {str(q.code): _pick(q, quotas[q.code], rng) for q in qualifications}
        counted = [
            quota for q in qualifications for key, quota in quotas[q.code].items() if q.meets(key, answers[str(q.code)])
        ]
        cells = [c for c in combinations if all(answers.get(str(code)) == key for code, key in _members(c, survey))]
        survey.entrants += 1
        result["entrants"] += 1
        full = any(_full(q) for q in counted) or any(c.completes >= c.quota for c in cells)
        if full and rng.random() >= SOFT_PASS_RATE:
            AaRespondent.objects.create(
                survey=survey,
                uid=new_uid(),
                status=AaRespondent.Status.OVERQUOTA,
                answers=answers,
                entered_at=moment,
            )
            result["overquota"] += 1
            continue
        outcome, taken = finish(ir, survey.loi, rng)
        status = {COMPLETE: "complete", DROP: "drop"}.get(outcome, "terminate")
        AaRespondent.objects.create(
            survey=survey,
            uid=new_uid(),
            status=status,
            answers=answers,
            # a complete or a terminate finished in this step, having entered `taken` seconds before
            entered_at=moment - dt.timedelta(seconds=taken or 0),
            duration_seconds=taken,
        )
        if outcome == COMPLETE:
            survey.completes += 1
            result["completes"] += 1
            for quota in counted:
                quota.completes += 1
                AaQuota.objects.filter(pk=quota.pk).update(completes=quota.completes)
            for cell in cells:
                cell.completes += 1
                AaCombination.objects.filter(pk=cell.pk).update(completes=cell.completes)
    survey.save(update_fields=["entrants", "completes"])
    return result


def _members(combination, survey):
    codes = combination.interlocking.qualification_codes
    return list(zip(codes, combination.keys, strict=False))
