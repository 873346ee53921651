"""What a PureSpectrum quota means: its criteria (kept with the quota as PureSpectrum sent them) read by
qualification code — 211 gender, 212 age ranges, 225 state (a region), any other by its name."""

from suppliers.meaning import AGE, GENDER, OTHER, REGION, Meaning, criterion, span

from . import catalogue

ATTRIBUTES = {catalogue.GENDER: GENDER, catalogue.AGE: AGE, catalogue.STATE: REGION}


def quota_meaning(owner, quota, members=()):
    criteria = (getattr(quota, "extra", None) or {}).get("criteria_codes") or []
    parts = tuple(_criterion(c) for c in criteria if isinstance(c, dict))
    return Meaning(parts=tuple(p for p in parts if p is not None))


def _criterion(data):
    code = catalogue._code(data.get("qualification_code"))
    if code is None:
        return None
    attribute = ATTRIBUTES.get(code, OTHER)
    name = catalogue.qualification_name(code)
    if attribute == AGE:
        ranges = [_range(item) for item in data.get("range_sets") or [] if isinstance(item, dict)]
        return criterion(AGE, name, age=span(ranges)) if any(ranges) else None
    if data.get("range_sets"):
        return criterion(attribute, name, values=catalogue.criterion_values(data))
    values = [catalogue.condition_words(code, c) for c in data.get("condition_codes") or []]
    return criterion(attribute, name, values=values)


def _range(item):
    low, high = catalogue._code(item.get("from")), catalogue._code(item.get("to"))
    if low is None:
        return None
    return low, high if high is not None else 99
