"""Audience-Align's shapes read into the cockpit's records, and the cockpit's values into its bodies.

Surveys (``get_survey`` rows) become `TargetGroupRecord`s, qualifications with their quota
criteria `ProfileRecord`s (one quota per condition or range, one per postal-code group),
the interlocking's combinations an `InterlockRecord`'s cells, reconciliation answers
`ReconciliationRecord`s.
"""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from suppliers.records import (
    RANGE,
    SELECTION,
    ZIP,
    Answer,
    InterlockRecord,
    ProfileRecord,
    ProfilesSnapshot,
    QuotaRecord,
    ReconciliationRecord,
    TargetGroupRecord,
)
from suppliers.values import decimal, text, whole, whole_or_none

# The survey's one interlocking, as the cockpit's interlock id.
INTERLOCK_ID = "interlocking"
# Audience-Align's status words -> the cockpit's statuses (an Inactive survey has started, or may start: paused).
STATUSES = {"Active": "live", "Inactive": "paused", "Completed": "completed", "Closed": "closed"}
# A quota id longer than the cockpit keeps (many postal codes) is named by a digest of its codes.
MAX_QUOTA_ID = 64
RECONCILIATION_REVIEW = "accepted but requires manual review"
# Audience-Align's currency ids -> ISO codes. The seed publishes no list: its one survey (in the United
# States, CPI "20.00") carries currency "2". An id not listed here is named by its number (see NOTES.md).
CURRENCIES = {"2": "USD"}


# --- surveys ------------------------------------------------------------------------------------


def _day(value, *, end=False):
    """A ``YYYY-MM-DD`` date as the start (or, for an end date, the end) of that day, UTC."""
    try:
        day = date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return moment + timedelta(days=1) - timedelta(seconds=1) if end else moment


def fingerprint(row):
    """A stable digest of a survey's list row: it moves whenever anything in the row does."""
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def survey_record(row):
    """A survey of ``get_survey`` (or the ``data`` of a create or update answer)."""
    status_word = text(row.get("status")).strip().title()
    progress = row.get("progress") if isinstance(row.get("progress"), dict) else {}
    ir = decimal(row.get("ir"), 2)
    record = TargetGroupRecord(
        remote_id=str(row["project_id"]),
        name=text(row.get("project_name"), 255) or None,
        status=STATUSES.get(status_word),
        status_label=status_word or None,
        human_readable_id=text(row.get("project_code"), 40) or None,
        fingerprint=fingerprint(row),  # the list gives no change date
        filling_goal=whole(row.get("complete_needed", row.get("complete_goal"))),
        expected_length_of_interview_minutes=whole(row.get("loi")) if row.get("loi") not in (None, "") else None,
        expected_incidence_rate=(ir / 100).quantize(Decimal("0.01")) if ir is not None else None,
        cpi=decimal(row.get("project_cpi", row.get("cpi")), 4),
        cpi_currency=CURRENCIES.get(text(row.get("currency")).strip(), "") if "currency" in row else None,
        fielding_start_at=_day(row.get("project_start_date")),
        fielding_end_at=_day(row.get("project_end_date"), end=True),
        version="",
    )
    if progress:
        record.completes = whole(progress.get("complete"))
        record.prescreens = whole(progress.get("survey_entrant"))
    record.extra = {
        "audience_align": {
            "project_code": text(row.get("project_code")),
            "country_id": text(row.get("project_country")),
            "language_id": text(row.get("project_language")),
            "currency_id": text(row.get("currency")),
            "sample_size": whole(row.get("sample_size")),
            "complete_goal": whole(row.get("complete_goal")),
            "complete_needed": whole(row.get("complete_needed")),
            "remaining": whole(progress.get("remaining")) if progress else None,
            "ir_percent": text(row.get("ir")),
            "start_date": text(row.get("project_start_date")),
            "end_date": text(row.get("project_end_date")),
        }
    }
    record.version = ""
    return record


def survey_answer(ref, response):
    data = response.data.get("data") if isinstance(response.data, dict) else None
    record = survey_record(data) if isinstance(data, dict) and data.get("project_id") else None
    if record is not None:
        record.fingerprint = ""  # the list's digest is the list's own
    return Answer(status=response.status, raw=response.data, target_group=record)


# --- qualifications and quotas --------------------------------------------------------------------


def _code(value):
    return str(value).strip()


def _range_text(low, high):
    return f"{low}-{high}"


def _qualification_conditions(qualification):
    """``(conditions_kind, [{"id", "text", …}])`` of a qualification as ``get_survey`` or
    ``qualifications`` shows it (``conditions``, ``range_sets`` or ``zipcodes``)."""
    if qualification.get("range_sets"):
        ranges = [r for r in qualification["range_sets"] if isinstance(r, dict)]
        return RANGE, [
            {
                "id": _range_text(r.get("from"), r.get("to")),
                "text": _range_text(r.get("from"), r.get("to")),
                "min": whole(r.get("from")),
                "max": whole(r.get("to")),
            }
            for r in ranges
        ]
    zips = qualification.get("zipcodes") or qualification.get("zip_codes")
    if zips:
        return ZIP, [{"id": _code(z), "text": _code(z)} for z in zips]
    conditions = qualification.get("conditions") or []
    return SELECTION, [
        {"id": _code(c.get("condition_code")), "text": text(c.get("condition_name")) or _code(c.get("condition_code"))}
        for c in conditions
        if isinstance(c, dict) and c.get("condition_code") not in (None, "")
    ]


def criteria_text(codes):
    """A quota criterion's ``condition_codes`` (1, "1", "20-24", [200301, 200302]) as one text key."""
    if isinstance(codes, list | tuple):
        return ",".join(_code(c) for c in codes)
    return _code(codes)


def criteria_codes(key):
    """The ``condition_codes`` to send for a quota's key: a number, a range text, or a list of codes."""
    if "," in key:
        return [int(c) if c.isdigit() else c for c in key.split(",")]
    return int(key) if key.isdigit() else key


def quota_id(qualification_id, key):
    remote_id = f"{qualification_id}:{key}"
    if len(remote_id) <= MAX_QUOTA_ID:
        return remote_id
    return f"{qualification_id}:#{hashlib.sha1(key.encode()).hexdigest()[:16]}"


def _criteria(quotas, qualification_id):
    """{criterion key: criterion} of one qualification's quotas."""
    found = {}
    for quota in quotas or []:
        if not isinstance(quota, dict):
            continue
        if _code(quota.get("qualification_id", quota.get("qualification_code"))) != _code(qualification_id):
            continue
        for criterion in quota.get("criteria") or []:
            if isinstance(criterion, dict) and criterion.get("condition_codes") not in (None, ""):
                found[criteria_text(criterion["condition_codes"])] = criterion
    return found


def counted(entry):
    """The completes a quota criterion or combination says it has, or None where it says nothing: the
    seed shows no per-quota counts, and an option without a quota of its own has no entry at all."""
    return whole_or_none((entry or {}).get("completes"))


def profile_record(qualification, quotas, complete_goal, *, interlock_id=None):
    """A qualification with one quota per condition or range (a quota the supplier has no number for
    takes the survey's complete goal, as Audience-Align counts it) and one per postal-code group."""
    qualification_id = _code(qualification.get("qualification_id", qualification.get("qualification_code")))
    kind, conditions = _qualification_conditions(qualification)
    defined = _criteria(quotas, qualification_id)
    records = []
    keys = [c["id"] for c in conditions] if kind != ZIP else []
    keys += [key for key in defined if key not in keys]
    texts = {c["id"]: c["text"] for c in conditions}
    for position, key in enumerate(keys):
        criterion = defined.get(key)
        label = texts.get(key) or key
        records.append(
            QuotaRecord(
                remote_id=quota_id(qualification_id, key),
                kind="grouped" if "," in key else "ungrouped",
                text=text(label, 500),
                condition_ids=key.split(","),
                completes_goal=whole(criterion.get("required_count")) if criterion else complete_goal,
                completes=counted(criterion),
                prescreens=None,  # Audience-Align counts entrants per survey only
                quota=None,  # and sets no share of the survey, only numbers of completes
                position=position,
                extra={"defined": criterion is not None, "condition_codes": criteria_codes(key)},
            )
        )
    name = qualification.get("Name") or qualification.get("title") or f"Qualification {qualification_id}"
    return ProfileRecord(
        remote_id=qualification_id,
        name=text(name, 255),
        question_id=whole(qualification_id),
        description=text(qualification.get("QuestionText") or qualification.get("text")),
        conditions_kind=kind,
        conditions=conditions,
        quotas=records,
        interlock_id=interlock_id,
    )


def qualification_body(question_id, conditions_kind, conditions):
    """A qualification as `save_qualification` / `update_qualification` take it."""
    body = {"qualification_code": int(question_id)}
    if conditions_kind == RANGE:
        body["range_sets"] = [{"from": int(c["min"]), "to": int(c["max"])} for c in conditions]
    elif conditions_kind == ZIP:
        body["zipcodes"] = [int(c["id"]) if str(c["id"]).isdigit() else str(c["id"]) for c in conditions]
    else:
        body["condition_codes"] = [int(c["id"]) if str(c["id"]).isdigit() else c["id"] for c in conditions]
    return body


# --- interlocking --------------------------------------------------------------------------------


def interlocking_data(answer):
    data = answer.get("data") if isinstance(answer, dict) else None
    return data if isinstance(data, dict) else {}


def interlock_record(data, names):
    """The interlocking (``combinations`` with ``quota`` as strings); `names` maps a title to its profile id."""
    members = [q for q in data.get("qualifications") or [] if isinstance(q, dict)]
    titles = [text(q.get("title")) for q in members]
    order = [names[t] for t in titles if t in names]
    cells = [
        QuotaRecord(
            remote_id=str(combination["id"]),
            text=text(", ".join(part.strip() for part in str(combination.get("option") or "").split(",")), 500),
            completes_goal=whole(combination.get("quota")),
            completes=counted(combination),
            prescreens=None,
            quota=None,
            position=position,
            # The combination's option as sent ("Male,20-24"), and the qualifications it joins in that order.
            extra={"option": str(combination.get("option") or ""), "qualifications": order},
        )
        for position, combination in enumerate(data.get("combinations") or [])
        if isinstance(combination, dict) and combination.get("id")
    ]
    return InterlockRecord(
        remote_id=INTERLOCK_ID,
        name=text(" × ".join(titles), 255) or "Interlocking",
        profile_ids=order,
        cells=cells,
    )


def profiles_snapshot(row, interlocking):
    """A survey row's qualifications and quotas, with its interlocking (``get_interlocking``'s ``data``)."""
    goal = whole(row.get("complete_needed", row.get("complete_goal")))
    qualifications = [q for q in row.get("qualifications") or [] if isinstance(q, dict)]
    profiles = [profile_record(q, row.get("quotas"), goal) for q in qualifications]
    interlocks = []
    if interlocking.get("combinations"):
        names = {p.name: p.remote_id for p in profiles}
        record = interlock_record(interlocking, names)
        interlocks.append(record)
        for profile in profiles:
            if profile.remote_id in record.profile_ids:
                profile.interlock_id = INTERLOCK_ID
    return ProfilesSnapshot(profiles=profiles, interlocks=interlocks)


# --- reconciliation ----------------------------------------------------------------------------


def reconciliation_record(data):
    data = data if isinstance(data, dict) else {}
    word = text(data.get("status"))
    accepted = [str(uid) for uid in data.get("accepted_uids") or []]
    state = "complete" if word.lower() == "completed" else "processing"
    count = whole(data.get("result_count"), len(accepted))
    return ReconciliationRecord(
        state=state,
        status_label=word,
        summary={"accepted": count},
        # The approved completes are those the survey keeps; only a completed reconciliation says them.
        kept=count if state == "complete" else None,
        accepted_ids=accepted,
        needs_review=RECONCILIATION_REVIEW in text(data.get("message")).lower(),
        message=text(data.get("message")),
    )


# --- a new survey ----------------------------------------------------------------------------------

AUDIENCE_TYPES = {"b2b": "1", "b2c": "2", "health_care": "3"}


def survey_body(spec):
    """A `create_survey` body from the cockpit's words: ``name``, ``country_id``, ``language_id``,
    ``study_category_id``, ``vertical_id``, ``audience`` (b2b, b2c, health_care), ``collects_pii``,
    ``incidence_rate`` (%), ``loi``, ``cpi``, ``completes``, ``start`` / ``end`` (dates), ``live_url``,
    ``test_url``, ``qualifications`` ([{question_id, conditions_kind, conditions}]) and ``quotas``
    ([{question_id, condition, goal}])."""
    body = {
        "project_name": spec["name"],
        "country": str(spec["country_id"]),
        "language": str(spec["language_id"]),
        "audience_type": AUDIENCE_TYPES[spec["audience"]],
        "pii_collection": "Yes" if spec.get("collects_pii") else "No",
        "ir": str(int(spec["incidence_rate"])),
        "loi": str(int(spec["loi"])),
        "cpi": f"{Decimal(str(spec['cpi'])):.2f}",
        "complete_needed": str(int(spec["completes"])),
        "project_start_date": str(spec["start"])[:10],
        "project_end_date": str(spec["end"])[:10],
        "live_link": spec["live_url"],
        "test_link": spec["test_url"],
    }
    for name, key in (("study_category", "study_category_id"), ("vertical", "vertical_id")):
        if spec.get(key):
            body[name] = str(spec[key])
    qualifications = [
        qualification_body(q["question_id"], q["conditions_kind"], q["conditions"])
        for q in spec.get("qualifications") or []
    ]
    if qualifications:
        body["qualifications"] = qualifications
    quotas = {}
    for quota in spec.get("quotas") or []:
        criterion = {"required_count": int(quota["goal"]), "condition_codes": criteria_codes(str(quota["condition"]))}
        quotas.setdefault(int(quota["question_id"]), []).append(criterion)
    if quotas:
        body["quota"] = [{"qualification_code": code, "criteria": criteria} for code, criteria in quotas.items()]
    return body


def survey_matches(row, body):
    """Whether a `get_survey` row is the survey `body` asked to create."""
    pairs = (
        ("project_name", "project_name"),
        ("project_country", "country"),
        ("project_language", "language"),
        ("complete_needed", "complete_needed"),
        ("project_start_date", "project_start_date"),
        ("project_end_date", "project_end_date"),
        ("loi", "loi"),
        ("ir", "ir"),
    )
    return all(str(row.get(theirs, "")).strip() == str(body.get(ours, "")).strip() for theirs, ours in pairs)
