"""The imitated PureSpectrum Buy API under /sandbox/purespectrum/buyers/v2/.

Surveys with their status rules (11 Draft, 22 Live, 33 Paused, 44 Closed), quotas with
seed 002's PUT (quantity, answered with the body) and PATCH (current target, answered
with the full quota), performance, and adjustments that resolve after a few seconds.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import PsAdjustment, PsQuota, PsSurvey, PsTransaction
from ..wire import json_response
from . import validation
from .shapes import adjustment_body, list_row, performance_body, quota_body, quotas_of, survey_body
from .wire import BAD_STATUS, CLOSED, QUOTA_NOT_FOUND, TARGET_ABOVE_QUANTITY, PsError, api, read_json

Status = PsSurvey.Status
# The status changes `PUT /surveys/{id}/status` takes, from -> to.
TRANSITIONS = {
    Status.DRAFT: {Status.LIVE},
    Status.LIVE: {Status.PAUSED, Status.CLOSED},
    Status.PAUSED: {Status.LIVE, Status.CLOSED},
    Status.CLOSED: set(),
}
MAX_PAGE_SIZE = 100


def _survey(request, survey_id, *, for_update=False):
    surveys = PsSurvey.objects.filter(buyer=request.ps_buyer, pk=survey_id)
    survey = (surveys.select_for_update() if for_update else surveys).first()
    if survey is None:
        raise PsError.survey_not_found()
    return survey


def _changeable(survey):
    if survey.status == Status.CLOSED:
        raise PsError(409, CLOSED, "Survey is closed and can not be changed")


def _quota(survey, buyer_quota_id):
    quota = PsQuota.objects.select_for_update().filter(survey=survey, buyer_quota_id=buyer_quota_id).first()
    if quota is None:
        raise PsError(404, QUOTA_NOT_FOUND, "Quota not found")
    return quota


# --- surveys --------------------------------------------------------------------------------


@api()
def list_surveys(request):
    try:
        page = max(1, int(request.GET.get("page", 1)))
        size = min(MAX_PAGE_SIZE, max(1, int(request.GET.get("page_size", MAX_PAGE_SIZE))))
    except ValueError as exc:
        raise PsError.invalid("page and page_size must be whole numbers") from exc
    surveys = PsSurvey.objects.filter(buyer=request.ps_buyer).order_by("pk")
    total = surveys.count()
    rows = [list_row(s) for s in surveys[(page - 1) * size : page * size]]
    pages = max(1, -(-total // size))
    return json_response({"surveys": rows, "page": page, "page_size": size, "total": total, "total_pages": pages})


@api(write=True)
def create_survey(request):
    cleaned = validation.new_survey(read_json(request))
    survey = PsSurvey.objects.create(
        buyer=request.ps_buyer,
        title=cleaned["survey_title"],
        localization=cleaned["survey_localization"],
        completes_required=cleaned["completes_required"],
        expected_ir=cleaned["expected_ir"],
        expected_loi=cleaned["expected_loi"],
        live_url=cleaned["live_url"],
        test_url=cleaned["test_url"],
        field_time=cleaned["field_time"],
        offer_price=cleaned["offer_price"],
        qualifications=cleaned["qualifications"],
    )
    for item in cleaned["quotas"]:
        PsQuota.objects.create(
            survey=survey,
            buyer_quota_id=item["buyer_quota_id"],
            title=str(item.get("quota_title") or "")[:200],
            required_count=item["required_count"],
            current_target=item["required_count"],
            criteria=item["criteria"],
        )
    return json_response(survey_body(survey), status=201)


@api()
def get_survey(request, survey_id):
    return json_response(survey_body(_survey(request, survey_id)))


@api(write=True)
def patch_survey(request, survey_id):
    survey = _survey(request, survey_id, for_update=True)
    _changeable(survey)
    for path, value in validation.patch_operations(read_json(request, expect=list), validation.PATCHABLE):
        name = validation.PATCHABLE[path]
        cleaned = validation.field(name, value)
        if name == "completes_required" and cleaned < max((q.required_count for q in quotas_of(survey)), default=0):
            raise PsError.invalid("completes_required can not be lower than a quota's required_count")
        setattr(survey, {"survey_title": "title"}.get(name, name), cleaned)
    survey.touch()
    survey.save()
    return json_response(survey_body(survey))


@api(write=True)
def set_status(request, survey_id):
    survey = _survey(request, survey_id, for_update=True)
    try:
        wanted = Status(int(request.GET.get("ps_survey_status", "")))
    except ValueError as exc:
        raise PsError.invalid("ps_survey_status must be 11, 22, 33 or 44") from exc
    if wanted not in TRANSITIONS[survey.status]:
        raise PsError(
            409,
            BAD_STATUS,
            f"Survey status can not be changed from {survey.get_status_display()} to {wanted.label}",
        )
    if wanted == Status.LIVE and survey.launched_at is None:
        survey.launched_at = timezone.now()
    if wanted == Status.LIVE:
        survey.last_start_at = timezone.now()  # the inactivity clock starts again
    if wanted == Status.CLOSED:
        survey.closed_at = timezone.now()
    survey.status = wanted
    survey.status_reason = ""
    survey.touch()
    survey.save()
    return json_response(survey_body(survey))


@api()
def performance(request, survey_id):
    return json_response(performance_body(_survey(request, survey_id)))


# --- quotas ---------------------------------------------------------------------------------


@api()
def list_quotas(request, survey_id):
    survey = _survey(request, survey_id)
    return json_response([quota_body(q, survey) for q in quotas_of(survey)])


def _quantity(quota, required_count):
    """A new quantity: an uncapped current target follows it; a capped one never exceeds it."""
    if quota.current_target >= quota.required_count:
        quota.current_target = required_count
    quota.current_target = min(quota.current_target, required_count)
    quota.required_count = required_count


def _touch(survey, quota):
    quota.mod_on = max(survey.mod_on, quota.mod_on) + 1
    quota.save()
    survey.touch()
    survey.save(update_fields=["mod_on"])


@api(write=True)
def put_quota(request, survey_id, buyer_quota_id):
    """Seed 002, request 1: the quota's quantity with its criteria; answered with the body."""
    survey = _survey(request, survey_id, for_update=True)
    _changeable(survey)
    quota = _quota(survey, buyer_quota_id)
    body = read_json(request)
    if body.get("buyer_quota_id", buyer_quota_id) != buyer_quota_id:
        raise PsError.invalid("buyer_quota_id in the body must be the quota's in the path")
    validation.whole(body.get("required_count"), "required_count", 0, survey.completes_required)
    validation.criteria(body.get("criteria"), survey.qualifications, "quota")
    _quantity(quota, body["required_count"])
    quota.criteria = body["criteria"]
    _touch(survey, quota)
    return json_response(
        {"buyer_quota_id": quota.buyer_quota_id, "required_count": quota.required_count, "criteria": quota.criteria}
    )


@api(write=True)
def patch_quota(request, survey_id, buyer_quota_id):
    """Seed 002, request 2 (current target, answered with the full quota) and the deprecated request 3."""
    survey = _survey(request, survey_id, for_update=True)
    _changeable(survey)
    quota = _quota(survey, buyer_quota_id)
    operations = validation.patch_operations(read_json(request, expect=list), {"/current_target", "/required_count"})
    deprecated = False
    for path, value in operations:
        if path == "/current_target":
            validation.whole(value, "current_target", 0)
            if value > quota.required_count:
                raise PsError(
                    400,
                    TARGET_ABOVE_QUANTITY,
                    f"current_target ({value}) can not be greater than required_count ({quota.required_count})",
                )
            quota.current_target = value
        else:
            validation.whole(value, "required_count", 0, survey.completes_required)
            _quantity(quota, value)
            deprecated = True
    _touch(survey, quota)
    if deprecated and len(operations) == 1:
        return json_response({"ps_buyer_quota_id": quota.buyer_quota_id, "required_count": quota.required_count})
    return json_response(quota_body(quota, survey))


# --- adjustments ----------------------------------------------------------------------------


def _job_seconds():
    return float(getattr(settings, "SANDBOX_JOB_SECONDS", 3.0))


def resolve_adjustment(adjustment, now=None):
    """A due adjustment takes effect: listed transactions are completes, every other complete is rejected.

    The survey's counts and its quotas' achieved move with each transaction that changes: its
    fielded completes are those the adjustment left (what performance and the quotas then say).
    """
    now = now or timezone.now()
    if adjustment.status != PsAdjustment.Status.PENDING or adjustment.resolve_at > now:
        return False
    with transaction.atomic():
        survey = PsSurvey.objects.select_for_update().get(pk=adjustment.survey_id)
        listed = set(adjustment.transaction_ids)
        quotas = {q.pk: q for q in PsQuota.objects.select_for_update().filter(survey=survey)}
        visits, complete = PsTransaction.objects.filter(survey=survey), PsTransaction.Outcome.COMPLETE
        accepted = visits.filter(transaction_id__in=listed).exclude(outcome=complete)
        rejected = visits.filter(outcome=complete).exclude(transaction_id__in=listed)
        counted_in, changed = set(), 0
        for outcome, changing in ((complete, accepted), (PsTransaction.Outcome.REJECTED, rejected)):
            for visit in list(changing):
                counted_in.update(_count_as(survey, quotas, visit, outcome))
                changed += 1
        if changed:
            survey.touch()
            survey.save()
            for quota in (quotas[pk] for pk in counted_in):
                quota.mod_on = max(quota.mod_on + 1, survey.mod_on)
                quota.save(update_fields=["achieved", "mod_on"])
        adjustment.status = PsAdjustment.Status.COMPLETED
        adjustment.save(update_fields=["status"])
    return True


# The survey's counter of each outcome other than a complete (a rejection has none).
OUTCOME_COUNTERS = {
    PsTransaction.Outcome.TERMINATE: "terminations",
    PsTransaction.Outcome.OVERQUOTA: "overquotas",
    PsTransaction.Outcome.DROP: "drops",
}


def _count_as(survey, quotas, visit, outcome):
    """`visit` now ends as `outcome` (a complete or a rejection): the counts it was in follow it.
    Returns the pks of the quotas it counts in."""
    step = 1 if outcome == PsTransaction.Outcome.COMPLETE else -1
    if step == 1 and visit.outcome in OUTCOME_COUNTERS:
        counter = OUTCOME_COUNTERS[visit.outcome]
        setattr(survey, counter, max(0, getattr(survey, counter) - 1))
    survey.completes = max(0, survey.completes + step)
    counted_in = [pk for pk in visit.quota_ids or [] if pk in quotas]
    for pk in counted_in:
        quotas[pk].achieved = max(0, quotas[pk].achieved + step)
    visit.outcome = outcome
    visit.save(update_fields=["outcome"])
    return counted_in


def resolve_due(now=None):
    now = now or timezone.now()
    due = PsAdjustment.objects.filter(status=PsAdjustment.Status.PENDING, resolve_at__lte=now)
    return sum(resolve_adjustment(a, now) for a in due)


@api(write=True)
def submit_adjustment(request, survey_id):
    survey = _survey(request, survey_id, for_update=True)
    items = read_json(request, expect=list)
    if not items:
        raise PsError.invalid("The body must list at least one transaction_id")
    ids = []
    for n, item in enumerate(items):
        tid = item.get("transaction_id") if isinstance(item, dict) else None
        if not isinstance(tid, str) or not tid.strip() or len(tid) > 128:
            raise PsError.invalid(f'item {n} must be {{"transaction_id": "…"}}')
        if tid in ids:
            raise PsError.invalid(f"transaction_id {tid} is listed twice")
        ids.append(tid)
    transactions = dict(
        PsTransaction.objects.filter(survey=survey, transaction_id__in=ids).values_list("transaction_id", "outcome")
    )
    completes = set(
        PsTransaction.objects.filter(survey=survey, outcome=PsTransaction.Outcome.COMPLETE).values_list(
            "transaction_id", flat=True
        )
    )
    summary = {
        "transactions": len(ids),
        "eligible": len(transactions),
        "completes": len(transactions),
        "rejected": len(completes - set(ids)),
    }
    adjustment = PsAdjustment.objects.create(
        survey=survey,
        transaction_ids=ids,
        summary=summary,
        resolve_at=timezone.now() + dt.timedelta(seconds=_job_seconds()),
    )
    return json_response(adjustment_body(adjustment), status=202)


@api()
def list_adjustments(request, survey_id):
    survey = _survey(request, survey_id)
    adjustments = list(PsAdjustment.objects.filter(survey=survey).order_by("pk"))
    for adjustment in adjustments:
        resolve_adjustment(adjustment)
    return json_response({"adjustments": [adjustment_body(a, with_ids=True) for a in adjustments]})


@api()
def get_adjustment(request, adjustment_id):
    adjustment = PsAdjustment.objects.filter(adjustment_id=adjustment_id, survey__buyer=request.ps_buyer).first()
    if adjustment is None:
        raise PsError(404, 1008, "Adjustment not found")
    resolve_adjustment(adjustment)
    return json_response(adjustment_body(adjustment))
