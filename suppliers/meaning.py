"""What a supplier's quota means, in neutral words the study plan can be matched against.

Each adapter reads its own coding (Cint's profile questions and conditions, PureSpectrum's qualification
codes, Audience-Align's qualifications) into a `Meaning`: one `Criterion` per qualification the quota
counts (an interlock cell has one per interlocked profile). Nothing outside a supplier's package needs
to know how that supplier codes gender, age or region.

The adapters' `quota_meaning(owner, quota, members=())` take what the mirror stores, duck-typed:
`owner` a profile (``question_id``, ``name``, ``description``, ``conditions_kind``, ``conditions``) or an
interlock (``name``, ``depends_on_questions``); `quota` a quota or cell (``text``, ``condition_ids``,
``extra``); `members` an interlock's profiles, in the order the supplier joins them.
"""

import re
from dataclasses import dataclass, field

GENDER, AGE, REGION, OTHER = "gender", "age", "region", "other"
MALE, FEMALE = "male", "female"

_MALE_WORDS = {"male", "males", "man", "men", "m", "boy", "boys", "männlich", "mann", "masculin", "homme"}
_FEMALE_WORDS = {"female", "females", "woman", "women", "f", "girl", "girls", "weiblich", "frau", "féminin", "femme"}
_AGE_RANGE = re.compile(r"^\s*(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})\s*(?:years?)?\s*$", re.IGNORECASE)
_AGE_PLUS = re.compile(r"^\s*(\d{1,3})\s*(?:\+|or older|and over|and older)\s*$", re.IGNORECASE)
OLDEST = 99


@dataclass(frozen=True)
class Criterion:
    """One qualification a quota counts: its attribute, the question as the supplier names it, and what it
    takes: answer texts (`values`; ``"male"``/``"female"`` for gender) or an age range (`age`, inclusive)."""

    attribute: str  # GENDER, AGE, REGION or OTHER
    question: str = ""
    values: tuple = ()
    age: tuple | None = None  # (min, max)

    def words(self):
        """``"Age 18–40"``, ``"Gender Male"``, ``"Region ‘Scotland’"``, for reasons a PM reads."""
        if self.age is not None:
            return f"{self.question or 'Age'} {age_words(self.age)}"
        values = ", ".join(f"‘{v}’" if self.attribute != GENDER else v.capitalize() for v in self.values)
        return f"{self.question or self.attribute.capitalize()} {values}".strip()


@dataclass(frozen=True)
class Meaning:
    """What a quota or interlock cell counts: every criterion it joins (none: not understood)."""

    parts: tuple = field(default_factory=tuple)

    @property
    def understood(self):
        return bool(self.parts)


def age_words(age):
    low, high = age
    return f"{low}+" if high >= OLDEST else f"{low}–{high}"


def gender_value(text):
    """``"male"`` / ``"female"`` for a gender answer in words, else the text in lower case."""
    word = str(text or "").strip().lower()
    if word in _MALE_WORDS:
        return MALE
    if word in _FEMALE_WORDS:
        return FEMALE
    return word


def age_range(text):
    """``"18-34"`` / ``"18–34"`` / ``"55+"`` -> (18, 34) / (55, 99); None where it is no age range."""
    found = _AGE_RANGE.match(str(text or ""))
    if found:
        return int(found.group(1)), int(found.group(2))
    found = _AGE_PLUS.match(str(text or ""))
    if found:
        return int(found.group(1)), OLDEST
    return None


def attribute_of(*names):
    """The attribute a question stands for, from its names and texts (``"GENDER"``, ``"What is your age?"``)."""
    words = " ".join(str(n or "") for n in names).lower()
    if re.search(r"\b(gender|sex)\b", words) or "geschlecht" in words:
        return GENDER
    if re.search(r"\bage\b", words) or "alter" in words.split():
        return AGE
    if re.search(r"\b(region|regions|state|states|bundesland|county|province)\b", words):
        return REGION
    return OTHER


def criterion(attribute, question, values=(), age=None):
    """A `Criterion` with its values read for the attribute (gender words made ``male``/``female``)."""
    if attribute == GENDER:
        values = tuple(gender_value(v) for v in values)
    return Criterion(attribute=attribute, question=str(question or ""), values=tuple(values), age=age)


def span(ranges):
    """One age range covering `ranges` [(min, max)], None for none."""
    ranges = [r for r in ranges if r is not None]
    if not ranges:
        return None
    return min(r[0] for r in ranges), max(r[1] for r in ranges)
