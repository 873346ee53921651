"""The qualifications this imitation of PureSpectrum knows, and whether a respondent fits them.

Codes 211 (gender: 111 male, 112 female), 212 (age in years, units 311), 213 (income, units
321), 225 (state: condition codes "1" to "51") and 229 (zip: the zip itself) are PureSpectrum's
published qualification codes; the condition codes other than gender's are this sandbox's.
Seed 002's example uses 214, whose meaning is not published: any condition codes are taken for it.
"""

GENDER, AGE, INCOME, STATE, ZIP, UNPUBLISHED = 211, 212, 213, 225, 229, 214
OPTIONS = {GENDER: {"111", "112"}, STATE: {str(i) for i in range(1, 52)}}
RANGES = {AGE: (311, 13, 99), INCOME: (321, 0, 1_000_000)}
FREE = {ZIP, UNPUBLISHED}
KNOWN = set(OPTIONS) | set(RANGES) | FREE


def check_criterion(item, where):
    """A problem with one qualification or quota criterion, in PureSpectrum's words, or ""."""
    if not isinstance(item, dict):
        return f"{where} must be an object"
    code = item.get("qualification_code")
    if code not in KNOWN:
        return f"{where}.qualification_code {code!r} is not a known qualification"
    if code in RANGES:
        units, low, high = RANGES[code]
        ranges = item.get("range_sets")
        if not isinstance(ranges, list) or not ranges:
            return f"{where}.range_sets must list at least one range for qualification {code}"
        for n, r in enumerate(ranges):
            if not isinstance(r, dict) or not all(isinstance(r.get(k), int) for k in ("from", "to")):
                return f"{where}.range_sets[{n}] must have whole numbers from and to"
            if r.get("units", units) != units:
                return f"{where}.range_sets[{n}].units must be {units}"
            if not low <= r["from"] <= r["to"] <= high:
                return f"{where}.range_sets[{n}] must run from {low} to {high}, from ≤ to"
        return ""
    conditions = item.get("condition_codes")
    if not isinstance(conditions, list) or not conditions or not all(isinstance(c, str) for c in conditions):
        return f"{where}.condition_codes must be a non-empty list of strings"
    if code in OPTIONS and not set(conditions) <= OPTIONS[code]:
        wrong = sorted(set(conditions) - OPTIONS[code])
        return f"{where}.condition_codes {', '.join(wrong)} are not conditions of qualification {code}"
    return ""


def fits(item, person):
    """Whether `person` ({code: value}) meets one criterion."""
    code = item.get("qualification_code")
    value = person.get(code)
    if value is None:
        return False
    if code in RANGES:
        return any(r["from"] <= value <= r["to"] for r in item.get("range_sets") or [])
    return str(value) in set(item.get("condition_codes") or [])


def within(outer, inner):
    """Whether a quota criterion (`inner`) asks only for what the survey's qualification (`outer`) allows."""
    code = outer.get("qualification_code")
    if code in RANGES:
        return all(
            any(o["from"] <= r["from"] and r["to"] <= o["to"] for o in outer.get("range_sets") or [])
            for r in inner.get("range_sets") or []
        )
    return set(inner.get("condition_codes") or []) <= set(outer.get("condition_codes") or [])


def random_person(rng):
    return {
        GENDER: rng.choice(("111", "112")),
        AGE: rng.randint(18, 75),
        INCOME: rng.randrange(5_000, 250_000, 1_000),
        STATE: str(rng.randint(1, 51)),
        ZIP: f"{rng.randint(1000, 99950):05d}",
    }


def steer(person, criteria, rng):
    """Make `person` meet every criterion of a quota (a respondent routed to a quota with room)."""
    for item in criteria:
        code = item.get("qualification_code")
        if code in RANGES:
            r = rng.choice(item["range_sets"])
            person[code] = rng.randint(r["from"], r["to"])
        else:
            person[code] = rng.choice(item["condition_codes"])
    return person
