"""What a Cint quota means: its profile's question (42 age and 43 gender in Cint's standard library, any
other by its name and text) and the conditions the quota counts — option texts, or age ranges with their
`min`/`max`. An interlock cell counts one condition of each interlocked profile (its related conditions)."""

from suppliers.meaning import AGE, GENDER, Meaning, age_range, attribute_of, criterion, span
from suppliers.records import RANGE

QUESTIONS = {42: AGE, 43: GENDER}


def quota_meaning(owner, quota, members=()):
    if members:
        return _cell_meaning(quota, members)
    part = profile_criterion(owner, quota.condition_ids or [])
    return Meaning(parts=(part,) if part else ())


def profile_criterion(profile, condition_ids):
    """The criterion of `profile`'s conditions with these ids (None when it names none the profile has)."""
    wanted = {str(i) for i in condition_ids}
    conditions = [c for c in profile.conditions or [] if isinstance(c, dict) and str(c.get("id")) in wanted]
    if not conditions:
        return None
    attribute = QUESTIONS.get(profile.question_id) or attribute_of(profile.name, profile.description)
    question = _question(profile, attribute)
    if attribute == AGE:
        ranges = [_age(c, profile.conditions_kind) for c in conditions]
        return criterion(AGE, question, age=span(ranges)) if all(ranges) else None
    return criterion(attribute, question, values=[c.get("text") or c.get("option") or "" for c in conditions])


def _cell_meaning(cell, members):
    related = (getattr(cell, "extra", None) or {}).get("related") or {}
    parts = []
    if related:
        by_question = {str(p.question_id): p for p in members}
        for question_id, condition_ids in related.items():
            profile = by_question.get(str(question_id))
            part = profile_criterion(profile, condition_ids) if profile is not None else None
            if part is None:
                return Meaning()
            parts.append(part)
        return Meaning(parts=tuple(parts))
    # A cell read before its related conditions were kept: its name joins one condition text per profile.
    texts = [t.strip().lower() for t in (cell.text or "").split(",")]
    for profile in members:
        ids = [c.get("id") for c in profile.conditions or [] if str(c.get("text", "")).strip().lower() in texts]
        part = profile_criterion(profile, ids[:1])
        if part is None:
            return Meaning()
        parts.append(part)
    return Meaning(parts=tuple(parts))


def _question(profile, attribute):
    return {AGE: "Age", GENDER: "Gender"}.get(attribute) or (profile.name or "").replace("_", " ").title()


def _age(condition, kind):
    low, high = condition.get("min"), condition.get("max")
    if kind == RANGE and low is not None and high is not None:
        return int(low), int(high)
    return age_range(condition.get("text"))
