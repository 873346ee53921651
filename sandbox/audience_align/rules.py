"""What the imitated Audience-Align accepts: survey fields, qualifications, quotas, interlocking.

Each function checks a request body against seed 004's rules and the notes' reading of them,
applies it, or raises the `AaError` the supplier answers with.
"""

import math
import re
import secrets
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import product

from django.utils import timezone

from ..models import AaCombination, AaInterlocking, AaQualification, AaQuota, AaRespondent, AaSurvey
from . import master
from .wire import AaError

IDENTIFIER = "[identifier]"
MIN_CPI = {"1": Decimal("6"), "2": Decimal("1.75")}
AUDIENCE_TYPES = {"1": "B2B", "2": "B2C", "3": "Health Care"}
MAX_INTERLOCKED = 4
MAX_COMBINATIONS = 200
MAX_CELL_GOAL = 10_000
REQUIRED = (
    "project_name",
    "country",
    "language",
    "live_link",
    "test_link",
    "audience_type",
    "pii_collection",
    "ir",
    "loi",
    "cpi",
    "complete_needed",
    "project_start_date",
    "project_end_date",
)


def invalid(errors, message="Validation failed"):
    return AaError(400, message, errors=errors)


def _number(value, kind=int):
    try:
        number = kind(str(value).strip())
    except (TypeError, ValueError, InvalidOperation):
        return None
    return number


def _day(value):
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def check_survey(body, today=None):
    """{field: problem} for a `create_survey` body ({} when it is acceptable)."""
    today = today or timezone.localdate()
    errors = {}
    for name in REQUIRED:
        if str(body.get(name, "")).strip() == "":
            errors[name] = f"The {name} field is required."
    if master.name_of("country", body.get("country")) is None and "country" not in errors:
        errors["country"] = "Unknown country id."
    if master.name_of("language", body.get("language")) is None and "language" not in errors:
        errors["language"] = "Unknown language id."
    for name in ("study_category", "vertical"):
        if body.get(name) not in (None, "") and master.name_of(name, body.get(name)) is None:
            errors[name] = f"Unknown {name} id."
    audience = str(body.get("audience_type", "")).strip()
    if audience and audience not in AUDIENCE_TYPES:
        errors["audience_type"] = "Allowed values: 1 (B2B), 2 (B2C), 3 (Health Care)."
    if body.get("pii_collection") not in (None, "") and body["pii_collection"] not in ("Yes", "No"):
        errors["pii_collection"] = "Allowed values: Yes, No."
    for name, low, high in (("ir", 1, 100), ("loi", 1, 120), ("complete_needed", 1, 100_000)):
        if name in errors:
            continue
        number = _number(body.get(name))
        if number is None or not low <= number <= high:
            errors[name] = f"The {name} must be a whole number from {low} to {high}."
    if "cpi" not in errors:
        cpi = _number(body.get("cpi"), Decimal)
        minimum = MIN_CPI.get(audience, Decimal("0.01"))
        if cpi is None or not cpi.is_finite():
            errors["cpi"] = "The cpi must be a number."
        elif cpi < minimum:
            errors["cpi"] = f"The minimum CPI for {AUDIENCE_TYPES.get(audience, 'this audience')} is {minimum}."
    for name in ("live_link", "test_link"):
        link = str(body.get(name, ""))
        if name not in errors and (not re.match(r"^https?://", link) or IDENTIFIER not in link):
            errors[name] = f"The {name} must be an http(s) URL with {IDENTIFIER} in it."
    start, end = _day(body.get("project_start_date")), _day(body.get("project_end_date"))
    if "project_start_date" not in errors:
        if start is None:
            errors["project_start_date"] = "Use the date format YYYY-MM-DD."
        elif start < today:
            errors["project_start_date"] = "Start date must be in future or equal to current date."
    if "project_end_date" not in errors:
        if end is None:
            errors["project_end_date"] = "Use the date format YYYY-MM-DD."
        elif end <= today or (start is not None and end <= start):
            errors["project_end_date"] = "End date must be in future or greater than current date."
    return errors


def new_project_code():
    return f"ALGN{secrets.randbelow(9000) + 1000}"


def create_survey(client, body):
    errors = check_survey(body)
    if errors:
        raise invalid(errors)
    survey = AaSurvey.objects.create(
        client=client,
        project_code=new_project_code(),
        name=str(body["project_name"]).strip()[:255],
        country=str(body["country"]),
        language=str(body["language"]),
        study_category=str(body.get("study_category") or ""),
        vertical=str(body.get("vertical") or ""),
        audience_type=str(body["audience_type"]),
        pii_collection=body["pii_collection"],
        ir=int(str(body["ir"])),
        loi=int(str(body["loi"])),
        cpi=Decimal(str(body["cpi"])),
        complete_needed=int(str(body["complete_needed"])),
        start_date=_day(body["project_start_date"]),
        end_date=_day(body["project_end_date"]),
        live_link=body["live_link"],
        test_link=body["test_link"],
    )
    add_qualifications(survey, body.get("qualifications") or [])
    set_quotas(survey, body.get("quota") or [])
    return survey


# --- qualifications -------------------------------------------------------------------------


def targets_of(standard, spec):
    """``(kind, targets)`` of a qualification spec (``condition_codes``, ``range_sets`` or ``zipcodes``)."""
    Kind = AaQualification.Kind
    given = [name for name in ("condition_codes", "range_sets", "zipcodes", "zip_codes") if spec.get(name)]
    if len(given) != 1:
        raise AaError(400, "Invalid request parameters", errors={"qualifications": "Give one qualification type."})
    name = given[0]
    values = spec[name] if isinstance(spec[name], list) else [spec[name]]
    if name == "condition_codes":
        options = {str(c["condition_code"]): c["condition_name"] for c in standard.get("conditions") or []}
        codes = [str(code) for code in values]
        if not options or any(code not in options for code in codes) or len(set(codes)) != len(codes):
            raise AaError(400, "Invalid request parameters", errors={"condition_codes": "Unknown condition code."})
        return Kind.CONDITIONS, [{"code": code, "name": options[code]} for code in codes]
    if name == "range_sets":
        allowed = (standard.get("range_sets") or [None])[0]
        ranges = []
        for item in values:
            low, high = _number((item or {}).get("from")), _number((item or {}).get("to"))
            if allowed is None or low is None or high is None or not allowed["from"] <= low <= high <= allowed["to"]:
                raise AaError(400, "Invalid request parameters", errors={"range_sets": "Ranges must lie in 18-99."})
            ranges.append({"from": low, "to": high})
        return Kind.RANGES, ranges
    if "zipcodes" not in standard or any(not str(z).strip().isalnum() for z in values):
        raise AaError(400, "Invalid request parameters", errors={"zipcodes": "Give postal codes of this country."})
    return Kind.ZIPCODES, [str(z).strip() for z in values]


def _standard(survey, code):
    standard = master.standard_qualification(survey.country, survey.language, _number(code) or -1)
    if standard is None:
        raise AaError(400, "Invalid request parameters", errors={"qualification_code": f"Unknown code {code}."})
    return standard


def add_qualifications(survey, specs):
    existing = {q.code: q for q in survey.qualifications.all()}
    exists = [
        existing[_number(s.get("qualification_code"))].name
        for s in specs
        if _number(s.get("qualification_code")) in existing
    ]
    if exists:
        raise AaError(
            422,
            " Qualification Already exists, Please Remove these qualification from data & try again!",
            Question_exists=",".join(exists),
        )
    position = len(existing)
    for spec in specs:
        standard = _standard(survey, spec.get("qualification_code"))
        kind, targets = targets_of(standard, spec)
        AaQualification.objects.create(
            survey=survey,
            code=standard["qualification_id"],
            name=standard["Name"],
            question_text=standard["QuestionText"],
            kind=kind,
            targets=targets,
            position=position,
        )
        position += 1


def update_qualifications(survey, specs):
    existing = {q.code: q for q in survey.qualifications.all()}
    for spec in specs:
        code = _number(spec.get("qualification_code"))
        if code not in existing:
            raise AaError(422, " Qualification not exists")
        if _interlocking(survey) and code in _interlocking(survey).qualification_codes:
            raise AaError(422, "Qualification is part of the interlocking and cannot be changed.")
        qualification = existing[code]
        kind, targets = targets_of(_standard(survey, code), spec)
        qualification.kind, qualification.targets = kind, targets
        qualification.save(update_fields=["kind", "targets"])
        keys = set(qualification.target_keys())
        for quota in qualification.quotas.all():
            zips = kind == AaQualification.Kind.ZIPCODES
            if not (set(quota.key.split(",")) <= keys if zips else quota.key in keys):
                quota.delete()


def delete_qualification(survey, code):
    qualification = survey.qualifications.filter(code=_number(code) or -1).first()
    if qualification is None:
        raise AaError(422, " Qualification not exists")
    if _interlocking(survey) and qualification.code in _interlocking(survey).qualification_codes:
        raise AaError(422, "Qualification is part of the interlocking and cannot be deleted.")
    qualification.delete()


def _interlocking(survey):
    return AaInterlocking.objects.filter(survey=survey).first()


# --- quotas ---------------------------------------------------------------------------------------


def quota_key(codes):
    if isinstance(codes, list):
        return ",".join(str(c).strip() for c in codes)
    return str(codes).strip()


def set_quotas(survey, quotas):
    """Set ``required_count`` per criterion (added or changed; the others stay)."""
    existing = {q.code: q for q in survey.qualifications.all()}
    wanted = []
    for entry in quotas:
        if not isinstance(entry, dict) or not isinstance(entry.get("criteria"), list):
            raise AaError(400, "Invalid request parameters")
        qualification = existing.get(_number(entry.get("qualification_code")))
        if qualification is None:
            raise AaError(422, " Quota data not found!")
        keys = set(qualification.target_keys())
        for criterion in entry["criteria"]:
            count = _number((criterion or {}).get("required_count"))
            if count is None or count < 0 or isinstance(criterion.get("required_count"), bool):
                raise AaError(
                    400, "Invalid request parameters", errors={"required_count": "A whole number, 0 or more."}
                )
            key = quota_key(criterion.get("condition_codes"))
            parts = set(key.split(","))
            known = parts <= keys if qualification.kind == AaQualification.Kind.ZIPCODES else key in keys
            if not key or not known:
                raise AaError(422, " Quota data not found!")
            wanted.append((qualification, key, count))
    for qualification, key, count in wanted:
        quota, created = AaQuota.objects.update_or_create(
            qualification=qualification, key=key, defaults={"required_count": count}
        )
        if created:  # a criterion counts the completes that meet it, also those before it had a quota
            quota.completes = sum(qualification.meets(key, a.get(str(qualification.code))) for a in _completes(survey))
            quota.save(update_fields=["completes"])


def _completes(survey):
    """The answers of the survey's respondents who completed ({qualification code: key} each)."""
    return list(
        AaRespondent.objects.filter(survey=survey, status=AaRespondent.Status.COMPLETE).values_list(
            "answers", flat=True
        )
    )


# --- interlocking --------------------------------------------------------------------------------


def combination_id(position):
    return f"Aud{position}{secrets.token_hex(7)[:13]}"


def create_interlocking(survey, codes):
    if not isinstance(codes, list) or not 2 <= len(codes) <= MAX_INTERLOCKED:
        raise AaError(
            400,
            "Invalid request parameters",
            errors={"qualification_code": "qualification_code must less than or eqaul to 4 in survey."},
        )
    existing = {q.code: q for q in survey.qualifications.all()}
    numbers = [_number(code) for code in codes]
    missing = [str(code) for code, number in zip(codes, numbers, strict=True) if number not in existing]
    if missing:
        raise AaError(422, f"The following qualification code were not found in the system: {', '.join(missing)}")
    if len(set(numbers)) != len(numbers):
        raise AaError(400, "Invalid request parameters")
    if _interlocking(survey) is not None:
        raise AaError(422, "Interlocking already exists for this survey.")
    members = [existing[number] for number in numbers]
    cells = list(product(*[m.target_keys() for m in members]))
    if len(cells) > MAX_COMBINATIONS:
        raise AaError(422, f"The maximum allowed interlocking combinations are {MAX_COMBINATIONS}.")
    share = max(1, math.ceil(survey.complete_needed / max(1, len(cells))))
    # Each combination counts the completes already in it (the survey may have fielded before).
    done = Counter(tuple(str(answers.get(str(code), "")) for code in numbers) for answers in _completes(survey))
    interlocking = AaInterlocking.objects.create(survey=survey, qualification_codes=numbers)
    AaCombination.objects.bulk_create(
        AaCombination(
            interlocking=interlocking,
            combination_id=combination_id(position),
            option=",".join(member.label(key) for member, key in zip(members, cell, strict=True)),
            keys=list(cell),
            quota=share,
            completes=done[tuple(cell)],
            position=position,
        )
        for position, cell in enumerate(cells)
    )
    return interlocking


def update_combinations(interlocking, combinations):
    if not isinstance(combinations, list) or not combinations:
        raise AaError(400, "Invalid request parameters")
    known = {c.combination_id: c for c in interlocking.combinations.all()}
    changed = []
    for item in combinations:
        count = _number((item or {}).get("required_count"))
        cell = known.get(str((item or {}).get("id")))
        if cell is None:
            raise AaError(400, "Invalid request parameters", errors={"id": f"Unknown combination {item.get('id')}."})
        if count is None or not 0 < count <= MAX_CELL_GOAL:
            raise AaError(
                400,
                "Invalid request parameters",
                errors={"required_count": "required_count must greater than 0 and less than or equal to 10000."},
            )
        if cell.quota != count:
            cell.quota = count
            changed.append(cell)
    if not changed:
        raise AaError(
            422,
            "No changes were made. Either the quotas are already up to date or the update failed. "
            "Please verify and try again.",
        )
    AaCombination.objects.bulk_update(changed, ["quota"])
    interlocking.updated_at = timezone.now()
    interlocking.save(update_fields=["updated_at"])
