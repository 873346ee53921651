"""Profiles, quotas and interlocks in the contract's JSON shapes."""

from ..models import Quota

OUTPUT_OBJECTS = {
    "selection": "selection_conditions_details_template",
    "range": "range_conditions_details_template",
    "zip": "zip_conditions_details_template",
}


def condition_fields(condition, kind):
    if kind == "range":
        return {"min": condition.min_value, "max": condition.max_value}
    if kind == "zip":
        return {"zip_codes": condition.zip_codes or [], "allow_all_zip": condition.allow_all_zip}
    return {"option": condition.option}


def regular_profile(profile):
    """OutputRegularProfile (plus the guide's `interlock_id` / `is_interlocked`)."""
    conditions = list(profile.conditions.all())
    quotas = list(profile.quotas.all())
    data = {
        "id": profile.id,
        "question_id": profile.question_id,
        "name": profile.name,
        "description": profile.description,
        "description_translated": profile.description,
        "quotas_enabled": profile.quotas_enabled,
        "is_interlocked": bool(profile.interlock_id),
        "conditions": {
            "object": OUTPUT_OBJECTS[profile.kind],
            "data": [
                {"id": c.id, "text": c.text, "text_translated": c.text, **condition_fields(c, profile.kind)}
                for c in conditions
            ],
        },
        "quotas": {
            "ungrouped": [_ungrouped_quota(q) for q in quotas if q.kind == Quota.Kind.UNGROUPED],
            "grouped": [_grouped_quota(q) for q in quotas if q.kind == Quota.Kind.GROUPED],
        },
    }
    if profile.interlock_id:
        data["interlock_id"] = profile.interlock_id
    return data


def _counts(quota):
    return {
        "quota": quota.quota_percentage,
        "quota_percentage": quota.quota_percentage,
        "filling_goal": quota.completes_goal,
        "completes_goal": quota.completes_goal,
        "completes": quota.completes,
        "prescreens": quota.prescreens,
    }


def _ungrouped_quota(quota):
    return {"id": quota.id, "condition": quota.condition_ids[0], **_counts(quota)}


def _grouped_quota(quota):
    return {"id": quota.id, "name": quota.name, "conditions": list(quota.condition_ids), **_counts(quota)}


def interlocked_profile(interlock):
    """OutputInterlockedProfile, cells with their related conditions."""
    participants = list(interlock.participants.all())
    conditions = {c.id: (p, c) for p in participants for c in p.conditions.all()}
    cells = []
    for cell in interlock.cells.all():
        related = {}
        for condition_id in cell.condition_ids:
            profile, condition = conditions[condition_id]
            related[str(profile.question_id)] = [
                {
                    "id": condition.id,
                    "text": condition.text,
                    "text_translated": condition.text,
                    **condition_fields(condition, profile.kind),
                }
            ]
        cells.append(
            {
                "id": cell.id,
                "condition": {
                    "id": cell.id,
                    "text": cell.name,
                    "text_translated": cell.name,
                    "related_condition": related,
                },
                **_counts(cell),
            }
        )
    return {
        "id": interlock.id,
        "name": interlock.name,
        "quotas_enabled": interlock.quotas_enabled,
        "depends_on_questions": list(interlock.depends_on_questions),
        "quotas": {"ungrouped": cells, "grouped": []},
        "profiles": [regular_profile(p) for p in participants],
    }


def all_profiles(tg):
    """GetAllProfilesResponse: regular profiles in `data`, the interlock on its own."""
    data = {"data": [regular_profile(p) for p in tg.profiles.filter(interlock__isnull=True)]}
    interlock = tg.interlocks.first()
    if interlock is not None:
        data["interlocked_profile"] = interlocked_profile(interlock)
    return data


def _draft_quotas(profile):
    positions = {c.id: c.position for c in profile.conditions.all()}
    quotas = list(profile.quotas.all())
    return {
        "ungrouped": [
            {
                "index": positions[q.condition_ids[0]],
                "quota_percentage": q.quota_percentage,
                "quota_nominal": q.completes_goal,
            }
            for q in quotas
            if q.kind == Quota.Kind.UNGROUPED
        ],
        "grouped": [
            {
                "indexes": [positions[c] for c in q.condition_ids],
                "name": q.name[:64],
                "quota_percentage": q.quota_percentage,
                "quota_nominal": q.completes_goal,
            }
            for q in quotas
            if q.kind == Quota.Kind.GROUPED
        ],
    }


def _draft_conditions(profile):
    return {
        "object": OUTPUT_OBJECTS[profile.kind],
        "data": [{"text": c.text, **condition_fields(c, profile.kind)} for c in profile.conditions.all()],
    }


def draft_profile(tg):
    """TargetGroupDraftProfile, as a draft TG's GET shows its profiling."""
    drafts = [
        {
            "question_id": p.question_id,
            "quotas_enabled": p.quotas_enabled,
            "conditions": _draft_conditions(p),
            "quotas": _draft_quotas(p),
        }
        for p in tg.profiles.filter(interlock__isnull=True)
    ]
    interlocked = []
    for interlock in tg.interlocks.all():
        shaped = interlocked_profile(interlock)
        for cell, model_cell in zip(shaped["quotas"]["ungrouped"], interlock.cells.all(), strict=True):
            cell["condition"]["related_condition"] = [
                {"question_id": int(qid), "conditions": conds}
                for qid, conds in cell["condition"]["related_condition"].items()
            ]
            cell["quota_nominal"] = model_cell.completes_goal
        interlocked.append(
            {
                "id": interlock.id,
                "name": interlock.name,
                "quotas_enabled": interlock.quotas_enabled,
                "depends_on_questions": list(interlock.depends_on_questions),
                "quotas": {
                    "ungrouped": [
                        {
                            "id": c["id"],
                            "condition": c["condition"],
                            "quota_percentage": c["quota_percentage"],
                            "quota_nominal": c["quota_nominal"],
                        }
                        for c in shaped["quotas"]["ungrouped"]
                    ]
                },
                "profiles": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "quotas_enabled": p.quotas_enabled,
                        "question_id": p.question_id,
                        "description": p.description,
                        "description_translated": p.description,
                        "interlock_id": interlock.id,
                        "is_interlocked": True,
                        "quotas": _draft_quotas(p),
                        "conditions": _draft_conditions(p),
                    }
                    for p in interlock.participants.all()
                ],
            }
        )
    profile = {"profile_adjustment_type": "percentage", "drafts": drafts}
    if interlocked:
        profile["interlocked_profiles"] = interlocked
    return profile
