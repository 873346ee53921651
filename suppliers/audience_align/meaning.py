"""What an Audience-Align quota means: its qualification (AGE, GENDER, REGION… by name and question text)
and the conditions or range it counts. An interlocking's combination names one option of each qualification
it joins, in order ("Male,20-24"), read against each qualification's own condition texts."""

from suppliers.meaning import AGE, Meaning, age_range, attribute_of, criterion, span
from suppliers.records import RANGE


def quota_meaning(owner, quota, members=()):
    if members:
        return _combination_meaning(quota, members)
    part = profile_criterion(owner, quota.condition_ids or [])
    return Meaning(parts=(part,) if part else ())


def profile_criterion(profile, keys):
    """The criterion of `profile`'s conditions (or ranges) with these keys; None when it has none of them."""
    wanted = [str(k).strip() for k in keys]
    conditions = {str(c.get("id")): c for c in profile.conditions or [] if isinstance(c, dict)}
    attribute = attribute_of(profile.name, profile.description)
    question = (profile.name or "").replace("_", " ").title()
    if attribute == AGE:
        ranges = [_age(conditions.get(k), k, profile.conditions_kind) for k in wanted]
        return criterion(AGE, "Age", age=span(ranges)) if wanted and all(ranges) else None
    texts = [(conditions.get(k) or {}).get("text") for k in wanted]
    if not texts or not all(texts):
        return None
    return criterion(attribute, question, values=texts)


def _combination_meaning(cell, members):
    extra = getattr(cell, "extra", None) or {}
    by_id = {str(p.remote_id): p for p in members}
    ordered = [by_id[str(i)] for i in extra.get("qualifications") or [] if str(i) in by_id] or list(members)
    rest = extra.get("option") or ",".join(part.strip() for part in (cell.text or "").split(","))
    parts = []
    for profile in ordered:
        key, rest = _leading_condition(profile, rest)
        part = profile_criterion(profile, [key]) if key is not None else None
        if part is None:
            return Meaning()
        parts.append(part)
    return Meaning(parts=tuple(parts))


def _leading_condition(profile, option):
    """(the key of the condition `option` begins with, what follows its comma); the longest text wins, so
    "25,000 to 49,999" is not read as "25"."""
    option = option.lstrip()
    found = None
    for condition in profile.conditions or []:
        words = str(condition.get("text") or "").strip()
        if words and option.lower().startswith(words.lower()):
            tail = option[len(words) :]
            if (not tail or tail.lstrip().startswith(",")) and (found is None or len(words) > len(found[1])):
                found = (str(condition.get("id")), words)
    if found is None:
        return None, option
    return found[0], option[len(found[1]) :].lstrip().removeprefix(",")


def _age(condition, key, kind):
    low, high = (condition or {}).get("min"), (condition or {}).get("max")
    if kind == RANGE and low is not None and high is not None:
        return int(low), int(high)
    return age_range((condition or {}).get("text") or key)
