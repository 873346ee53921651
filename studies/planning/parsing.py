"""The plan as a PM types it, one dimension a line:

    Gender: Male, Female
    Age: 18-34, 35-54, 55+
    Region: Northeast, South = Texas | Florida | Georgia, West

A band is a label, and for a region or any other question the answers it takes after ``=`` (``|`` between
them; the label alone when none are given). Gender bands are male / female words; age bands are ranges
(``18-34``, ``55+``). The attribute comes from the dimension's name ("Gender", "Age", "Region", "State";
anything else is a question matched by its name at the suppliers).
"""

from dataclasses import dataclass, field
from itertools import product

from suppliers.meaning import AGE, GENDER, OTHER, REGION, age_range, age_words, attribute_of, gender_value


@dataclass
class BandSpec:
    label: str
    value: object


@dataclass
class DimensionSpec:
    name: str
    attribute: str
    question: str = ""
    bands: list = field(default_factory=list)

    @property
    def key(self):
        return self.name.strip().lower()


@dataclass
class CellSpec:
    """A cell: one band of each dimension it spans, by (dimension key, band label)."""

    parts: tuple  # ((dimension key, band label), …)
    label: str
    goal: int | None = None
    error: str = ""

    @property
    def key(self):
        return cell_key(self.parts)


def cell_key(parts):
    """One text for a cell, the same however its bands are listed: ``"age=18-34|gender=male"``."""
    return "|".join(sorted(f"{dim.strip().lower()}={band.strip().lower()}" for dim, band in parts))


class PlanError(ValueError):
    """A line of the plan that cannot be read, in words."""


def parse_dimensions(text):
    """[DimensionSpec] from the typed lines; PlanError naming the line that cannot be read."""
    dimensions = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, rest = line.partition(":")
        if not colon or not name.strip():
            raise PlanError(
                f"Line {number}: write the dimension's name, a colon, then its bands (“Gender: Male, Female”)."
            )
        bands = [b.strip() for b in rest.split(",") if b.strip()]
        if not bands:
            raise PlanError(f"Line {number}: “{name.strip()}” has no bands after its colon.")
        dimension = _dimension(name.strip()[:100], bands, number)
        if any(d.key == dimension.key for d in dimensions):
            raise PlanError(f"Line {number}: “{dimension.name}” is typed twice.")
        dimensions.append(dimension)
    return dimensions


def _dimension(name, bands, number):
    attribute = attribute_of(name)
    dimension = DimensionSpec(name=name, attribute=attribute, question=name if attribute == OTHER else "")
    seen = set()
    for band in bands:
        label, equals, answers = (part.strip() for part in band.partition("="))
        if not label:
            raise PlanError(f"Line {number}: a band of “{name}” has no label before its “=”.")
        if label.lower() in seen:
            raise PlanError(f"Line {number}: “{label}” is in “{name}” twice.")
        seen.add(label.lower())
        dimension.bands.append(BandSpec(label=label[:100], value=_value(attribute, label, answers, name, number)))
    if attribute == AGE:
        _check_ages(dimension, number)
    return dimension


def _value(attribute, label, answers, name, number):
    if attribute == GENDER:
        return gender_value(answers or label)
    if attribute == AGE:
        age = age_range(answers or label)
        if age is None or age[0] > age[1]:
            raise PlanError(f"Line {number}: “{label}” is not an age range; write it as 18-34 or 55+.")
        return {"min": age[0], "max": age[1]}
    values = [a.strip() for a in answers.split("|") if a.strip()] if answers else [label]
    return values


def _check_ages(dimension, number):
    ranges = sorted((b.value["min"], b.value["max"], b.label) for b in dimension.bands)
    for (_, high, label), (low, _, next_label) in zip(ranges, ranges[1:], strict=False):
        if low <= high:
            raise PlanError(f"Line {number}: the age bands {label} and {next_label} overlap.")


def build_cells(interlocked, single):
    """The cells: one per combination of the interlocked dimensions' bands (when two or more), and one per
    band of each dimension on its own."""
    cells = []
    if len(interlocked) >= 2:
        for combination in product(*[[(d, b) for b in d.bands] for d in interlocked]):
            parts = tuple((d.key, b.label) for d, b in combination)
            cells.append(CellSpec(parts=parts, label=" × ".join(b.label for _, b in combination)))
    else:
        single = [*interlocked, *single]
    for dimension in single:
        cells.extend(CellSpec(parts=((dimension.key, b.label),), label=b.label) for b in dimension.bands)
    return cells


def split_evenly(total, count):
    """`total` shared by `count` cells, the first ones taking the remainder."""
    if count <= 0:
        return []
    share, rest = divmod(max(0, int(total)), count)
    return [share + (1 if i < rest else 0) for i in range(count)]


def band_text(attribute, label, value):
    """A band back as typed: its label, with its answers where they are not just the label."""
    if attribute in (REGION, OTHER) and isinstance(value, list) and [v.lower() for v in value] != [label.lower()]:
        return f"{label} = {' | '.join(value)}"
    if attribute == AGE and isinstance(value, dict) and age_range(label) != (value.get("min"), value.get("max")):
        return f"{label} = {age_words((value['min'], value['max']))}"
    return label
