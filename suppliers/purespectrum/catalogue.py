"""PureSpectrum's qualification and condition codes in words, so quotas read "Gender: Female".

PureSpectrum publishes its qualifications by code (211 gender, 212 age, 213 income,
225 state, 229 zip) with string condition codes; this small catalogue names those the
cockpit builds and shows. A code it does not know is still shown, by its number.
"""

from dataclasses import dataclass, field

YEARS = 311  # `units` of an age range
DOLLARS = 321  # `units` of an income range (yearly household income, USD)
UNIT_WORDS = {YEARS: "", DOLLARS: " USD"}

STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
    "West Virginia", "Wisconsin", "Wyoming",
)  # fmt: skip


@dataclass(frozen=True)
class Qualification:
    code: int
    name: str
    kind: str  # "options", "range" or "zip"
    conditions: dict = field(default_factory=dict)  # {condition code: words}
    units: int | None = None


QUALIFICATIONS = {
    q.code: q
    for q in (
        Qualification(211, "Gender", "options", {"111": "Male", "112": "Female"}),
        Qualification(212, "Age", "range", units=YEARS),
        Qualification(213, "Household income", "range", units=DOLLARS),
        Qualification(225, "State", "options", {str(i): name for i, name in enumerate(STATES, start=1)}),
        Qualification(229, "Zip code", "zip"),
    )
}
GENDER, AGE, INCOME, STATE, ZIP = 211, 212, 213, 225, 229


def qualification_name(code):
    known = QUALIFICATIONS.get(_code(code))
    return known.name if known else f"Qualification {code}"


def condition_words(code, condition):
    known = QUALIFICATIONS.get(_code(code))
    if known is None:
        return f"condition {condition}"
    return known.conditions.get(str(condition), str(condition) if known.kind == "zip" else f"condition {condition}")


def range_words(item):
    """``{"from": 18, "to": 34, "units": 311}`` -> ``"18–34"`` (with its unit where it has one)."""
    low, high = item.get("from"), item.get("to")
    unit = UNIT_WORDS.get(_code(item.get("units")), "")
    if low is not None and high is not None:
        return f"{low:,}–{high:,}{unit}" if isinstance(low, int) and isinstance(high, int) else f"{low}–{high}{unit}"
    if low is not None:
        return f"{low}+{unit}"
    return f"up to {high}{unit}"


def criterion_values(criterion):
    """The words of one criterion's values: its conditions (ORed) or its ranges."""
    code = criterion.get("qualification_code")
    if criterion.get("range_sets"):
        return [range_words(item) for item in criterion["range_sets"] if isinstance(item, dict)]
    return [condition_words(code, c) for c in criterion.get("condition_codes") or []]


def criterion_words(criterion):
    """``{"qualification_code": 211, "condition_codes": ["112"]}`` -> ``"Gender: Female"``."""
    values = " or ".join(criterion_values(criterion)) or "any"
    return f"{qualification_name(criterion.get('qualification_code'))}: {values}"


def criteria_words(criteria):
    """Every criterion of a quota, joined: ``"Gender: Female, Age: 18–34"``."""
    return ", ".join(criterion_words(c) for c in criteria or [] if isinstance(c, dict))


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
