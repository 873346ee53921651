"""The imitated Audience-Align Demand API: every endpoint of seed 004, in its shapes.

Reads take ``X-Project-Id`` (and ``X-Qualification-Id``) where the seed lists them; writes
name the survey in the body (``project_id``), except exclusions and reconciliations, which
take ``X-Project-Id``. Writes run through the shared write log; a refused write changes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..models import AaExclusion, AaInterlocking, AaReconciliation, AaRespondent, AaSurvey
from ..wire import json_response
from . import master, rules
from .feasibility import estimate
from .shapes import empty_interlocking, interlocking_shape, qualification_shape, quota_shapes, survey_shape
from .wire import (
    FOUND,
    AaError,
    ReconciliationError,
    api,
    hash_of,
    no_changes,
    ok,
    read_json,
    reconciliation_api,
    salt_for_key,
    survey_of,
    writable,
)
from .wire import methods as by_method

PAGE_SIZE = 50
STATUS_CLOSED = "Status update failed. The project has been closed and cannot be modified."
REVIEW = "The reconciliation request was accepted but requires manual review."
PROCESSED = "The reconciliation request has been successfully processed."


# --- the hash -----------------------------------------------------------------------------------


@login_not_required
@csrf_exempt
def get_hash_data(request):
    """``{"url", "key"}`` -> the endpoint's hash, as the body itself."""
    try:
        body = read_json(request)
    except AaError as exc:
        return exc.response()
    url, key = str(body.get("url") or "").strip(), str(body.get("key") or "").strip()
    if not url or not key:
        return AaError(400, "Invalid request parameters", errors={"url": "required", "key": "required"}).response()
    return HttpResponse(hash_of(url.split("?")[0], key, salt_for_key(key)), content_type="text/plain")


# --- surveys --------------------------------------------------------------------------------------


def _surveys(request):
    return AaSurvey.objects.filter(client=request.aa_client).prefetch_related("qualifications__quotas")


@api()
def get_survey(request):
    project_id = request.headers.get("X-Project-Id", "").strip()
    if project_id:
        surveys = list(_surveys(request).filter(project_id=project_id))
    else:
        page = request.GET.get("page", "1")
        if not page.isdigit() or int(page) < 1:
            raise AaError(400, "Invalid request parameters", errors={"page": "A page number, 1 or more."})
        start = (int(page) - 1) * PAGE_SIZE
        surveys = list(_surveys(request).order_by("id")[start : start + PAGE_SIZE])
    if not surveys:
        raise AaError(422, "Survey data not found!")
    return ok(FOUND, data=[survey_shape(s) for s in surveys])


@api(write=True)
def create_survey(request):
    survey = rules.create_survey(request.aa_client, read_json(request))
    return ok("Survey created successfully.", data=survey_shape(survey))


@api(write=True)
def update_survey(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id"), missing="Survey Data not found!"))
    errors, fields = {}, []
    if body.get("loi") not in (None, ""):
        loi = rules._number(body["loi"])
        if loi is None or not 1 <= loi <= 120:
            errors["loi"] = "The loi must be a whole number from 1 to 120."
        else:
            survey.loi = loi
            fields.append("loi")
    if body.get("cpi") not in (None, ""):
        cpi = rules._number(body["cpi"], rules.Decimal)
        minimum = rules.MIN_CPI.get(survey.audience_type, rules.Decimal("0.01"))
        if cpi is None or not cpi.is_finite() or cpi < minimum:
            errors["cpi"] = f"The cpi must be a number of at least {minimum}."
        else:
            survey.cpi = cpi.quantize(rules.Decimal("0.01"))
            fields.append("cpi")
    if errors or not fields:
        raise rules.invalid(errors or {"loi": "Give loi or cpi."})
    survey.save(update_fields=fields)
    return ok("Survey Data updated successfully!", data=survey_shape(survey, details=False))


@api(write=True)
def survey_status(request):
    body = read_json(request)
    wanted = rules._number(body.get("status"))
    if wanted not in AaSurvey.Status.values:
        raise AaError(400, "Invalid request parameters", errors={"status": "Allowed values: 1, 2, 4, 5."})
    survey = AaSurvey.objects.filter(client=request.aa_client, project_id=str(body.get("project_id") or "")).first()
    if survey is None or survey.status == wanted:
        raise no_changes()
    writable(survey, STATUS_CLOSED)
    survey.status = wanted
    survey.save(update_fields=["status"])
    return ok("Survey status updated successfully.")


# --- qualifications and quotas ----------------------------------------------------------------------


def _qualifications(request, survey):
    found = survey.qualifications.all()
    wanted = request.headers.get("X-Qualification-Id", "").strip()
    if wanted:
        found = found.filter(code=rules._number(wanted) or -1)
    return list(found)


@api()
def qualifications(request):
    survey = survey_of(request, request.headers.get("X-Project-Id"), missing="No data found against this survey!")
    found = _qualifications(request, survey)
    if not found:
        raise AaError(422, "No data found against this survey!")
    # The seed's example of this answer says 422 beside the data it found; so does the sandbox.
    return ok_with_status(422, qualifications_data=[qualification_shape(q, style="qualifications") for q in found])


def ok_with_status(status, **data):
    return json_response({"status": status, "message": FOUND, **data})


@api(write=True)
def save_qualification(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id")))
    specs = body.get("qualifications")
    if not isinstance(specs, list) or not specs:
        raise AaError(400, "Invalid request parameters")
    rules.add_qualifications(survey, specs)
    return ok(" Qualification Saved successfully.")


@api(write=True)
def update_qualification(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id")))
    specs = body.get("qualifications")
    if not isinstance(specs, list) or not specs:
        raise AaError(400, "Invalid request parameters")
    rules.update_qualifications(survey, specs)
    return ok(" Qualification Updated successfully.")


@api(write=True)
def delete_qualification(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id")))
    if body.get("qualification_code") in (None, ""):
        raise AaError(400, "Invalid request parameters")
    rules.delete_qualification(survey, body["qualification_code"])
    return ok("Qualification deleted successfully.")


@api()
def qualifications_quota(request):
    survey = survey_of(request, request.headers.get("X-Project-Id"), missing="No data found against this survey!")
    single = bool(request.headers.get("X-Qualification-Id", "").strip())
    quotas = quota_shapes(
        _qualifications(request, survey), owner="qualification_code" if single else "qualification_id"
    )
    if not quotas:
        raise AaError(422, "No data found against this survey!")
    return ok(FOUND, quota_data=quotas)


@api(write=True)
def save_quota(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id"), missing=" Quota data not found!"))
    if not isinstance(body.get("quota"), list) or not body["quota"]:
        raise AaError(400, "Invalid request parameters")
    rules.set_quotas(survey, body["quota"])
    return ok("Quota Updated Successfully.")


# --- interlocking -----------------------------------------------------------------------------------


@api()
def get_interlocking(request):
    survey = survey_of(request, read_json(request).get("project_id"), missing="Valid project ID is required!")
    interlocking = AaInterlocking.objects.filter(survey=survey).first()
    data = interlocking_shape(interlocking) if interlocking else empty_interlocking(survey)
    return ok(FOUND, data=data)


@api(write=True)
def create_interlocking(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id"), missing="Valid project ID is required!"))
    interlocking = rules.create_interlocking(survey, body.get("qualification_code"))
    return ok("Great! Interlocking was created successfully.", Interlocking=interlocking_shape(interlocking))


@api(write=True)
def update_interlocking(request):
    body = read_json(request)
    survey = writable(survey_of(request, body.get("project_id"), missing="Valid project ID is required!"))
    interlocking = AaInterlocking.objects.filter(survey=survey).first()
    if interlocking is None:
        raise AaError(422, "Valid project ID is required!")
    rules.update_combinations(interlocking, body.get("combinations"))
    return ok("Great! Interlocking was created successfully.", Interlocking=interlocking_shape(interlocking))


# --- master data ------------------------------------------------------------------------------------


@api()
def get_master_data(request):
    kind = request.GET.get("type", "")
    if kind not in master.MASTER:
        raise AaError(400, "Invalid request parameters")
    return ok(FOUND, data=master.MASTER[kind])


@api()
def get_qualification_master(request):
    body = read_json(request)
    if not body.get("country_id") or not body.get("language_id"):
        raise AaError(400, "Invalid request parameters")
    found = master.standard_qualifications(body["country_id"], body["language_id"])
    if not found:
        raise AaError(422, " No Data Found!")
    return ok(FOUND, qualifications_data=found)


# --- exclusions ---------------------------------------------------------------------------------------


def _exclusion_survey(request):
    return survey_of(request, request.headers.get("X-Project-Id"), missing="Valid project ID is required!")


@api()
def get_exclusions(request):
    survey = _exclusion_survey(request)
    ids = list(survey.exclusions.order_by("id").values_list("excluded__project_id", flat=True))
    if not ids:
        raise AaError(400, "Exclusion data not found!")
    return ok(FOUND, data={"exclusion_project": ids})


@api(write=True)
def save_exclusions(request):
    survey = writable(_exclusion_survey(request))
    wanted = read_json(request).get("exclusion_project")
    if not isinstance(wanted, list) or not wanted:
        raise AaError(400, "Exclusion data not found!")
    others = {s.project_id: s for s in AaSurvey.objects.filter(client=request.aa_client, project_id__in=wanted)}
    finished = (AaSurvey.Status.COMPLETED, AaSurvey.Status.CLOSED)
    if any(str(i) not in others for i in wanted) or survey.project_id in others:
        raise AaError(400, "Exclusion data not found!")
    if any(others[str(i)].status not in finished for i in wanted):
        raise AaError(422, "Provided Projects status must be complete or closed!")
    for other in others.values():
        AaExclusion.objects.get_or_create(survey=survey, excluded=other)
    return ok("Exclusion data inserted successfully.")


@api(write=True)
def delete_exclusions(request):
    survey = writable(_exclusion_survey(request))
    wanted = read_json(request).get("exclusion_project")
    found = survey.exclusions.all()
    if wanted is not None:
        found = found.filter(excluded__project_id__in=[str(i) for i in wanted])
    if not found.exists():
        raise AaError(404, "No exclusion data found agian this project id!")
    found.delete()
    return ok("Exclusion data deleted successfully.")


exclusion = by_method(GET=get_exclusions, POST=save_exclusions, DELETE=delete_exclusions)


# --- feasibility --------------------------------------------------------------------------------------


@api()
def get_feasibility(request):
    return json_ok(estimate(read_json(request)))


def json_ok(data):
    return json_response({"status": 200, "feasibility_data": data})


# --- reconciliation ------------------------------------------------------------------------------------


def _reconciled_survey(request):
    survey = AaSurvey.objects.filter(
        client=request.aa_client, project_id=request.headers.get("X-Project-Id", "").strip()
    ).first()
    if survey is None:
        raise ReconciliationError(404)
    return survey


def resolve_due(now=None):
    """Reconciliations whose processing time is over are completed (the accepted UIDs are the survey's
    completes among those asked)."""
    now = now or timezone.now()
    done = 0
    for reconciliation in AaReconciliation.objects.filter(status=AaReconciliation.Status.PROCESSING, ready_at__lte=now):
        completes = set(
            AaRespondent.objects.filter(
                survey=reconciliation.survey, uid__in=reconciliation.request_uids, status=AaRespondent.Status.COMPLETE
            ).values_list("uid", flat=True)
        )
        reconciliation.accepted_uids = [uid for uid in reconciliation.request_uids if uid in completes]
        reconciliation.status = AaReconciliation.Status.COMPLETED
        reconciliation.save(update_fields=["accepted_uids", "status"])
        done += 1
    return done


@reconciliation_api()
def reconciliation(request):
    survey = _reconciled_survey(request)
    resolve_due()
    latest = survey.reconciliations.first()
    if latest is None:
        raise ReconciliationError(404)
    accepted = latest.accepted_uids if latest.status == AaReconciliation.Status.COMPLETED else []
    return json_response(
        {
            "status": latest.status,
            "result_count": len(accepted),
            "accepted_uids": accepted,
            "request_uids": latest.request_uids,
        }
    )


@reconciliation_api(write=True)
def submit_reconciliation(request):
    survey = _reconciled_survey(request)
    body = read_json(request, error=ReconciliationError(400))
    email, uids = str(body.get("contact_email") or "").strip(), body.get("request_uids")
    if "@" not in email or not isinstance(uids, list) or not uids or not all(isinstance(u, str) for u in uids):
        raise ReconciliationError(400)
    resolve_due()
    if survey.reconciliations.filter(status=AaReconciliation.Status.PROCESSING).exists():
        raise ReconciliationError(409)
    completes = set(
        AaRespondent.objects.filter(survey=survey, uid__in=uids, status=AaRespondent.Status.COMPLETE).values_list(
            "uid", flat=True
        )
    )
    review = any(uid not in completes for uid in uids)
    AaReconciliation.objects.create(
        survey=survey,
        contact_email=email,
        request_uids=uids,
        needs_review=review,
        ready_at=timezone.now() + timedelta(seconds=getattr(settings, "SANDBOX_JOB_SECONDS", 3.0)),
    )
    return json_response({"status": True, "message": REVIEW if review else PROCESSED})
