"""Respondents at the three sandboxes, as they come: each enters a survey (screened by that supplier's quotas as it
holds them now, the way its own simulation screens), stays in the interview a step or two, then completes or
drops. Completes are counted at the supplier (Cint tells them by webhook, the others wait to be read), so the
cockpit learns of them as in production, and a respondent in the interview when the guard closes a cell still
completes.

Each respondent is a gender and an age; the cells it counts in are the study's labels ("Male", "30-44")."""

from dataclasses import dataclass, field

from django.utils import timezone

from sandbox.audience_align.simulation import SOFT_PASS_RATE
from sandbox.cint.counting import quota_matches
from sandbox.cint.events import quota_fill
from sandbox.models import AaQualification, AaSurvey, PsQuota, PsSurvey
from sandbox.models import Quota as CintQuota
from sandbox.models import TargetGroup as CintTargetGroup
from sandbox.purespectrum.catalogue import AGE, GENDER, fits
from studies.demo import AGES

STEERED = 0.85  # a supplier routes most respondents to quotas with room


def age_label(age):
    return next(f"{lo}-{hi}" for lo, hi in AGES if lo <= age <= hi)


@dataclass
class Respondent:
    supplier: str
    gender: str  # "male" / "female"
    age: int
    steps_left: int
    completes: bool
    soft_pass: bool = False  # let into a full quota by Audience-Align's soft quotas
    rows: list = field(default_factory=list)

    @property
    def cells(self):
        return (self.gender.title(), age_label(self.age))


def _person(rng, open_bands):
    """A gender and an age, steered to a (gender, age band) with room most of the time."""
    if open_bands and rng.random() < STEERED:
        gender, (lo, hi) = rng.choice(open_bands)
        return gender, rng.randint(lo, min(hi, 80))
    return rng.choice(("male", "female")), rng.randint(18, 80)


class Cint:
    """A live Cint target group with prevent-overfill on: a respondent in a full enabled quota is over quota."""

    name = "cint"

    def __init__(self, tg_id):
        self.tg_id = tg_id

    def _quotas(self):
        return list(CintQuota.objects.filter(target_group_id=self.tg_id).select_related("profile", "interlock"))

    def _answers(self, gender, age):
        answers = {}
        tg = CintTargetGroup.objects.get(pk=self.tg_id)
        for profile in tg.profiles.prefetch_related("conditions"):
            for c in profile.conditions.all():
                if profile.question_id == 43 and c.option == {"male": "1", "female": "2"}[gender]:
                    answers["43"] = c.id
                if profile.question_id == 42 and c.min_value <= age <= c.max_value:
                    answers["42"] = c.id
        return answers

    def open_bands(self):
        quotas = [q for q in self._quotas() if q.is_enabled]
        return [(g, band) for g in ("male", "female") for band in AGES
                if all(q.room > 0 for q in quotas if quota_matches(q, self._answers(g, band[0])))]  # fmt: skip

    def enter(self, person, rng):
        answers = self._answers(*person)
        matching = [q for q in self._quotas() if q.is_enabled and quota_matches(q, answers)]
        if any(q.completes >= q.completes_goal for q in matching):
            return None
        return [q.pk for q in matching]

    def complete(self, respondent):
        quotas = list(CintQuota.objects.filter(pk__in=respondent.rows))
        for quota in quotas:
            quota.completes += 1
            quota.prescreens += 1
            quota.save(update_fields=["completes", "prescreens"])
        tg = CintTargetGroup.objects.select_related("project").get(pk=self.tg_id)
        CintTargetGroup.objects.filter(pk=tg.pk).update(completes=tg.completes + 1)
        quota_fill(tg, quotas, now=timezone.now())  # told by webhook when the batch is delivered


class PureSpectrum:
    """A live PureSpectrum survey: a respondent in a quota with no room (its current target reached) is over quota."""

    name = "purespectrum"

    def __init__(self, survey_id):
        self.survey_id = survey_id

    def _person(self, gender, age):
        return {GENDER: {"male": "111", "female": "112"}[gender], AGE: age}

    def open_bands(self):
        quotas = list(PsQuota.objects.filter(survey_id=self.survey_id))
        bands = [(g, band) for g in ("male", "female") for band in AGES]
        return [b for b in bands if all(q.room > 0 for q in quotas if self._holds(q, *b))]

    def _holds(self, quota, gender, band):
        return all(fits(c, self._person(gender, band[0])) for c in quota.criteria)

    def enter(self, person, rng):
        who = self._person(*person)
        matching = [
            q for q in PsQuota.objects.filter(survey_id=self.survey_id) if all(fits(c, who) for c in q.criteria)
        ]
        if any(q.room == 0 for q in matching):
            return None
        return [q.pk for q in matching]

    def complete(self, respondent):
        survey = PsSurvey.objects.get(pk=self.survey_id)
        survey.completes += 1
        survey.touch()
        for quota in PsQuota.objects.filter(pk__in=respondent.rows):
            quota.achieved += 1
            quota.mod_on = max(quota.mod_on + 1, survey.mod_on)
            quota.save(update_fields=["achieved", "mod_on"])
        survey.save()


class AudienceAlign:
    """An active Audience-Align survey. Its quotas are soft (its documentation says so): a respondent in a full
    quota is over quota, but one in ten still gets in."""

    name = "audience_align"

    def __init__(self, survey_id):
        self.survey_id = survey_id

    def _counted(self, gender, age):
        answers = {
            43: {"male": "1", "female": "2"}[gender],
            42: next(f"{lo}-{hi}" for lo, hi in AGES if lo <= age <= hi),
        }
        counted = []
        for q in AaQualification.objects.filter(survey_id=self.survey_id).prefetch_related("quotas"):
            counted += [quota for quota in q.quotas.all() if q.meets(quota.key, answers.get(q.code))]
        return counted

    def open_bands(self):
        return [(g, band) for g in ("male", "female") for band in AGES
                if all(q.completes < q.required_count for q in self._counted(g, band[0]))]  # fmt: skip

    def enter(self, person, rng):
        counted = self._counted(*person)
        if any(q.completes >= q.required_count for q in counted):
            if rng.random() >= SOFT_PASS_RATE:
                return None
            return "soft", [q.pk for q in counted]
        return [q.pk for q in counted]

    def complete(self, respondent):
        from sandbox.models import AaQuota

        survey = AaSurvey.objects.get(pk=self.survey_id)
        AaSurvey.objects.filter(pk=survey.pk).update(completes=survey.completes + 1)
        for quota in AaQuota.objects.filter(pk__in=respondent.rows):
            AaQuota.objects.filter(pk=quota.pk).update(completes=quota.completes + 1)


def arrive(supplier, rng, *, entrants):
    """Up to `entrants` people reach `supplier`'s survey; returns those screened in (now in the interview)."""
    bands = supplier.open_bands()
    screened_in = []
    for _ in range(entrants):
        person = _person(rng, bands)
        rows = supplier.enter(person, rng)
        if rows is None:
            continue
        soft = isinstance(rows, tuple)
        respondent = Respondent(
            supplier.name, *person, steps_left=rng.randint(1, 2), completes=rng.random() < 0.85,
            soft_pass=soft, rows=rows[1] if soft else rows,
        )  # fmt: skip
        screened_in.append(respondent)
    return screened_in


def finish_step(suppliers, in_interview):
    """Every respondent in the interview moves on a step; those at its end complete (counted at their supplier)
    or drop. Returns those still in the interview."""
    still = []
    for respondent in in_interview:
        respondent.steps_left -= 1
        if respondent.steps_left > 0:
            still.append(respondent)
        elif respondent.completes:
            suppliers[respondent.supplier].complete(respondent)
    return still
