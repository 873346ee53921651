"""The JSON the imitated Buy API answers with: surveys (list rows and in full), quotas in
the full shape of seed 002's PATCH answer, performance, adjustments."""

import datetime as dt

from ..models import PsQuota, PsSurvey

LOCALIZATIONS = ("en_US", "en_GB", "en_CA", "fr_FR", "de_DE", "es_US", "es_ES")


def list_row(survey):
    return {
        "ps_survey_id": survey.pk,
        "survey_title": survey.title,
        "ps_survey_status": survey.status,
        "ps_status_reason": survey.status_reason or None,
        "survey_localization": survey.localization,
        "completes_required": survey.completes_required,
        "offer_price": float(survey.offer_price),
        "crtd_on": survey.crtd_on,
        "mod_on": survey.mod_on,
    }


def survey_body(survey):
    return {
        **list_row(survey),
        "expected_ir": survey.expected_ir,
        "expected_loi": survey.expected_loi,
        "live_url": survey.live_url,
        "test_url": survey.test_url,
        "field_time": survey.field_time,
        "qualifications": survey.qualifications,
        "quotas": [
            {
                "buyer_quota_id": q.buyer_quota_id,
                "ps_quota_id": q.quota_id,
                "quota_title": q.title or None,
                "required_count": q.required_count,
                "criteria": q.criteria,
            }
            for q in survey.quotas.all()
        ],
    }


def is_locked(quota):
    """A quota that has reached its current target (or quantity) takes no more respondents."""
    return quota.room == 0


def currently_open(quota, survey):
    return quota.room if survey.status == PsSurvey.Status.LIVE else 0


def quota_body(quota, survey=None):
    """A quota as ``GET …/quotas`` lists it and the current-target PATCH answers (seed 002, response 2)."""
    survey = survey or quota.survey
    open_now = currently_open(quota, survey)
    goal = survey.completes_required or 1
    return {
        "quantities": {
            "hasValidQuotas": True,
            "isFlexible": True,
            "minimum": quota.required_count,
            "maximum": quota.required_count,
            "flexibility": 0,
            "number": quota.required_count,
            "percentage": min(100, round(100 * quota.required_count / goal)),
            "achieved": quota.achieved,
            "remaining": max(0, quota.required_count - quota.achieved),
            "currently_open": open_now,
            "sup_currently_open": open_now,
            "current_target": quota.current_target,
        },
        "counter": {
            "Buyer_side_In_Progress": quota.in_progress,
            "Buyer_Survey_Starts": quota.starts,
            "Buyer_Valid_Clicks": quota.starts,
        },
        "buyer_quota_id": quota.buyer_quota_id,
        "marker": "",
        "locked": is_locked(quota),
        "criteria": quota.criteria,
        "crtd_on": quota.crtd_on,
        "mod_on": quota.mod_on,
        "_id": quota.object_id,
        "isActive": True,
        "type": 0,
        "quotaCategory": "autoNested",
        "quota_id": quota.quota_id,
        "suppliers": {},
    }


def quotas_of(survey):
    return list(PsQuota.objects.filter(survey=survey).order_by("pk"))


def performance_body(survey):
    screened = survey.completes + survey.terminations
    return {
        "ps_survey_id": survey.pk,
        "ps_survey_status": survey.status,
        "completes_fielded": survey.completes,
        "completes_required": survey.completes_required,
        "current_cpi": float(survey.offer_price),
        "projected_cost": round(float(survey.offer_price) * survey.completes_required, 2),
        "loi": round(survey.interview_seconds / survey.completes / 60, 1) if survey.completes else None,
        "incidence": round(100 * survey.completes / screened, 1) if screened else None,
        "starts": survey.starts,
        "overquotas": survey.overquotas,
        "drops": survey.drops,
        "terminations": survey.terminations,
        # When it first went live and when it closed (null until then), as a timestamp and an ISO date.
        "survey_launch_ts": _ms(survey.launched_at),
        "survey_close_ts": _ms(survey.closed_at),
        "survey_launch_iso_date": _iso(survey.launched_at),
        "survey_close_iso_date": _iso(survey.closed_at),
    }


def _ms(moment):
    return round(moment.timestamp() * 1000) if moment else None


def _iso(moment):
    if moment is None:
        return None
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def adjustment_body(adjustment, *, with_ids=False):
    body = {
        "adjustment_id": adjustment.adjustment_id,
        "survey_id": adjustment.survey_id,
        "status": adjustment.status,
        "statusDescription": adjustment.get_status_display(),
        "summary": adjustment.summary,
    }
    if with_ids:
        body["transaction_ids"] = adjustment.transaction_ids
    return body
