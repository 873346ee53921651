"""The Audience-Align part's answers in seed 004's shapes: numbers as strings where its examples
have strings (``"loi": "10"``, ``"project_cpi": "20.00"``), integers where they have integers."""

from django.utils import timezone

from ..models import AaQualification, AaSurvey


def qualification_shape(qualification, *, style="survey"):
    """A qualification as `get_survey` shows it (``qualification_id``, ``Name``, ``QuestionText``) or as
    `qualifications` does (``qualification_code``, ``title``, ``text``)."""
    if style == "survey":
        shape = {"qualification_id": qualification.code}
    else:
        shape = {
            "qualification_code": qualification.code,
            "title": qualification.name,
            "text": qualification.question_text,
        }
    Kind = AaQualification.Kind
    if qualification.kind == Kind.CONDITIONS:
        code_type = str if style == "survey" else int
        shape["conditions"] = [
            {
                "condition_code": code_type(t["code"]) if str(t["code"]).isdigit() else t["code"],
                "condition_name": t["name"],
            }
            for t in qualification.targets
        ]
    elif qualification.kind == Kind.RANGES:
        shape["range_sets"] = [{"from": t["from"], "to": t["to"]} for t in qualification.targets]
    else:
        shape["zipcodes"] = [str(t) for t in qualification.targets]
    if style == "survey":
        shape.update({"Name": qualification.name, "QuestionText": qualification.question_text})
    return shape


def criteria_codes(key):
    """A quota's key as the seed shows ``condition_codes``: "1", "20-24", or a list of postal codes."""
    return [int(k) if k.isdigit() else k for k in key.split(",")] if "," in key else key


def quota_shapes(qualifications, *, owner="qualification_id"):
    quotas = []
    for qualification in qualifications:
        criteria = [
            {
                "required_count": quota.required_count,
                "condition_codes": criteria_codes(quota.key),
                "completes": quota.completes,
            }
            for quota in qualification.quotas.all()
        ]
        if criteria:
            quotas.append({owner: qualification.code, "criteria": criteria})
    return quotas


def survey_shape(survey, *, details=True):
    """A survey row of `get_survey` (and the ``data`` of create / update answers)."""
    shape = {
        "project_id": survey.project_id,
        "project_code": survey.project_code,
        "project_name": survey.name,
        "project_country": survey.country,
        "project_language": survey.language,
        "currency": survey.currency,
        "loi": str(survey.loi),
        "ir": str(survey.ir),
        "status": AaSurvey.Status(survey.status).label,
        "project_cpi": f"{survey.cpi:.2f}",
        "sample_size": str(survey.complete_needed),
        "complete_goal": str(survey.complete_needed),
        "complete_needed": str(survey.complete_needed),
        "project_start_date": survey.start_date.isoformat(),
        "project_end_date": survey.end_date.isoformat(),
        "progress": {"complete": survey.completes, "survey_entrant": survey.entrants, "remaining": survey.remaining},
    }
    if details:
        qualifications = list(survey.qualifications.all())
        shape["qualifications"] = [qualification_shape(q) for q in qualifications]
        shape["quotas"] = quota_shapes(qualifications)
    return shape


def interlocking_shape(interlocking):
    codes = list(interlocking.qualification_codes)
    members = {q.code: q for q in interlocking.survey.qualifications.filter(code__in=codes)}
    return {
        "project_id": interlocking.survey.project_id,
        "combinations": [
            {"id": c.combination_id, "option": c.option, "quota": str(c.quota), "completes": str(c.completes)}
            for c in interlocking.combinations.all()
        ],
        "qualifications": [
            {
                "id": str(members[code].pk),
                "title": members[code].name,
                "options": ",".join(members[code].label(key) for key in members[code].target_keys()),
            }
            for code in codes
            if code in members
        ],
        "created_date": timezone.localtime(interlocking.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        "updated_date": timezone.localtime(interlocking.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
    }


def empty_interlocking(survey):
    return {
        "project_id": survey.project_id,
        "combinations": [],
        "qualifications": [],
        "created_date": None,
        "updated_date": None,
    }
