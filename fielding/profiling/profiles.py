"""The draft's profiling: regular profiles (one question each, its conditions and
quotas), interlocked profiles, profiling templates, and the shapes other endpoints
want (feasibility, generate-interlocked-profile).

A draft profile is the contract's ``TargetGroupInputDraftRegularProfile`` item plus the
cockpit's notes ``_name`` (the question's name) and ``_unit`` (``percentage`` or
``nominal``: how the PM entered the quotas). A question is profiled once: a question
inside an interlocked profile is not also among the regular drafts (the supplier
refuses a question profiled twice).
"""

import copy
import math

RANGE = "range_conditions_details_template"
SELECTION = "selection_conditions_details_template"
ZIP = "zip_conditions_details_template"


def apportion(total, shares):
    """Split `total` by `shares` (fractions) into integers adding up to round(total * sum(shares))."""
    raw = [total * share for share in shares]
    parts = [math.floor(value) for value in raw]
    missing = round(total * sum(shares)) - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: max(0, missing)]:
        parts[i] += 1
    return parts


def template_object(name):
    """``range_conditions_details`` (as the supplier shows it) -> ``range_conditions_details_template``."""
    name = name or SELECTION
    return name if name.endswith("_template") else f"{name}_template"


def plain_object(name):
    return (name or SELECTION).removesuffix("_template")


# --- The profile list -------------------------------------------------------------------------


def profiles_of(body):
    profile = body.setdefault("profile", {"profile_adjustment_type": "percentage"})
    profile.setdefault("drafts", [])
    profile.setdefault("interlocked_profiles", [])
    profile["profile_adjustment_type"] = "percentage"
    return profile


def interlocked_questions(body):
    return {qid for item in profiles_of(body)["interlocked_profiles"] for qid in item.get("depends_on_questions") or []}


def find_draft(body, question_id):
    return next((d for d in profiles_of(body)["drafts"] if d.get("question_id") == question_id), None)


def put_draft(body, draft):
    """Add or replace the regular profile of `draft`'s question (keeping its place)."""
    drafts = profiles_of(body)["drafts"]
    for i, existing in enumerate(drafts):
        if existing.get("question_id") == draft["question_id"]:
            drafts[i] = draft
            return body
    drafts.append(draft)
    return body


def remove_draft(body, question_id):
    profile = profiles_of(body)
    profile["drafts"] = [d for d in profile["drafts"] if d.get("question_id") != question_id]
    return body


def condition_label(condition):
    if condition.get("text"):
        return condition["text"]
    if condition.get("min") is not None:
        return f"{condition['min']}–{condition['max']}"
    return f"Option {condition.get('option')}"


# --- Interlocks -----------------------------------------------------------------------------


def whole_cell_percentages(cells):
    """Give an interlock's cells whole percentages adding up to exactly 100 (largest remainder first).

    A draft's cells are whole percentages of the filling goal, and the supplier splits the goal by
    them at launch; generated shares rounded one by one (8 cells of 12.5% sent as 12%) would ask for
    96% of the goal. The shares are the cells' completes where the generator gave them, else their
    percentages.
    """
    if not cells:
        return cells

    def number(value):
        return value if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else 0

    counts = [number(cell.get("filling_goal")) or number(cell.get("quota_nominal")) for cell in cells]
    weights = counts if all(counts) else [number(cell.get("quota_percentage")) for cell in cells]
    total = sum(weights)
    if total <= 0:
        return cells
    for cell, percentage in zip(cells, apportion(100, [w / total for w in weights]), strict=True):
        cell["quota_percentage"] = percentage
        cell.pop("filling_goal", None)  # counts of the goal the generator was given: they do not follow it
        cell.pop("quota_nominal", None)
    return cells


def add_interlocks(body, generated):
    """Put the supplier's generated interlocked profiles in the draft; their questions leave the regular list."""
    profile = profiles_of(body)
    for item in generated:
        item = copy.deepcopy(item)
        cells = (item.get("quotas") or {}).get("ungrouped") or []
        whole_cell_percentages([cell for cell in cells if isinstance(cell, dict)])
        questions = set(item.get("depends_on_questions") or [])
        participants = item.get("profiles") or []
        if not participants:
            participants = [
                dict(d, interlock_id=item.get("id")) for d in profile["drafts"] if d["question_id"] in questions
            ]
            item["profiles"] = participants
        for part in participants:
            if part.get("conditions"):
                part["conditions"]["object"] = template_object(part["conditions"].get("object"))
        profile["drafts"] = [d for d in profile["drafts"] if d.get("question_id") not in questions]
        profile["interlocked_profiles"] = [
            existing
            for existing in profile["interlocked_profiles"]
            if not questions & set(existing.get("depends_on_questions") or [])
        ]
        profile["interlocked_profiles"].append(item)
    return body


def remove_interlock(body, index):
    """Dissolve one interlocked profile: its questions come back as regular profiles."""
    profile = profiles_of(body)
    if not 0 <= index < len(profile["interlocked_profiles"]):
        return body
    item = profile["interlocked_profiles"].pop(index)
    for part in item.get("profiles") or []:
        draft = {
            "question_id": part.get("question_id"),
            "quotas_enabled": part.get("quotas_enabled", True),
            "conditions": {
                "object": template_object((part.get("conditions") or {}).get("object")),
                "data": [
                    {
                        key: value
                        for key, value in c.items()
                        if key in ("option", "min", "max", "text", "zip_codes", "allow_all_zip")
                    }
                    for c in (part.get("conditions") or {}).get("data") or []
                ],
            },
            "quotas": part.get("quotas") or {"ungrouped": [], "grouped": []},
            "_name": part.get("name") or part.get("_name") or str(part.get("question_id")),
            "_unit": part.get("_unit", "percentage"),
        }
        put_draft(body, draft)
    return body


def generate_request(body, question_ids):
    """``GenerateDraftInterlockRequest`` for the chosen regular profiles of the draft."""
    goal = body.get("filling_goal") or 0
    spec = body.get("fielding_specification") or {}
    profiles = []
    for question_id in question_ids:
        draft = find_draft(body, question_id)
        conditions = (draft.get("conditions") or {}).get("data") or []
        quotas = draft.get("quotas") or {}
        profiles.append(
            {
                "question_id": question_id,
                "name": draft.get("_name") or str(question_id),
                "quotas_enabled": True,
                "conditions": {
                    "object": plain_object((draft.get("conditions") or {}).get("object")),
                    "data": [dict(c, text=condition_label(c)) for c in conditions],
                },
                "quotas": {
                    "ungrouped": _with_nominal(quotas.get("ungrouped") or _equal_quotas(len(conditions)), goal),
                    "grouped": _with_nominal(quotas.get("grouped") or [], goal),
                },
            }
        )
    return {
        "locale": body.get("locale"),
        "target_group_filling_goal": goal,
        "profile_adjustment_type": "percentage",
        "start_at": spec.get("start_at"),
        "end_at": spec.get("end_at"),
        "collects_pii": bool(body.get("collects_pii")),
        "profiles": profiles,
    }


def _equal_quotas(count):
    return (
        [{"index": i, "quota_percentage": pct} for i, pct in enumerate(apportion(100, [1 / count] * count))]
        if count
        else []
    )


def _with_nominal(quotas, goal):
    nominals = apportion(goal, [(q.get("quota_percentage") or 0) / 100 for q in quotas])
    return [
        {**{k: v for k, v in q.items() if not k.startswith("_")}, "quota_nominal": q.get("quota_nominal") or nominal}
        for q, nominal in zip(quotas, nominals, strict=True)
    ]


# --- Templates ------------------------------------------------------------------------------


def drafts_from_template(template_profiles, questions):
    """Draft profiles from a profiling template's; `questions` maps question id -> cached Question."""
    drafts = []
    for item in template_profiles:
        question = questions.get(item.get("question_id"))
        names = {o.get("id"): o.get("name") for o in (question.options if question else [])}
        conditions = item.get("conditions") or {}
        data = []
        for condition in conditions.get("data") or []:
            condition = dict(condition)
            if "option" in condition and not condition.get("text"):
                condition["text"] = names.get(str(condition["option"])) or f"Option {condition['option']}"
            data.append(condition)
        drafts.append(
            {
                "question_id": item.get("question_id"),
                "quotas_enabled": True,
                "conditions": {"object": template_object(conditions.get("object")), "data": data},
                "quotas": item.get("quotas") or {"ungrouped": [], "grouped": []},
                "_name": item.get("name") or (question.name if question else str(item.get("question_id"))),
                "_unit": "percentage",
            }
        )
    return drafts


# --- Feasibility ---------------------------------------------------------------------------


def feasibility_profiles(body):
    """The draft's regular profiles as ``TargetGroupFeasibilityRegularProfileV2`` items."""
    items = []
    drafts = list(profiles_of(body)["drafts"])
    for interlocked in profiles_of(body)["interlocked_profiles"]:
        drafts.extend(interlocked.get("profiles") or [])
    for draft in drafts:
        conditions = draft.get("conditions") or {}
        kind = plain_object(conditions.get("object"))
        keep = {"range_conditions_details": ("min", "max"), "selection_conditions_details": ("option",)}.get(
            kind, ("zip_codes", "allow_all_zip")
        )
        quotas = draft.get("quotas") or {}
        items.append(
            {
                "question_id": draft.get("question_id"),
                "conditions": {
                    "object": kind,
                    "data": [{k: c.get(k) for k in keep if k in c} for c in conditions.get("data") or []],
                },
                "quotas": {
                    "ungrouped": [
                        {"index": q["index"], "quota_percentage": q.get("quota_percentage") or 0}
                        for q in quotas.get("ungrouped") or []
                    ],
                    "grouped": [
                        {"indexes": q["indexes"], "quota_percentage": q.get("quota_percentage") or 0}
                        for q in quotas.get("grouped") or []
                    ],
                },
            }
        )
    return items
