"""The plan form: dimensions typed as text, "interlock these", and a goal per cell in one grid.

The cells are built from what was typed each time the form is drawn; a goal typed for a cell comes back
with it (by the cell's bands, so adding a dimension below keeps the goals above). Goals that add up to less
than the study's goal are warned about, not refused.
"""

from django import forms

from .parsing import PlanError, band_text, build_cells, cell_key, parse_dimensions, split_evenly

GOAL_PREFIX = "goal:"


class PlanForm(forms.Form):
    dimensions = forms.CharField(
        label="Dimensions and their bands",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One a line: “Gender: Male, Female”, “Age: 18-34, 35-54, 55+”, “Region: Northeast, South”.",
    )
    interlock = forms.BooleanField(label="Interlock these: a cell for every combination of their bands", required=False)
    single = forms.CharField(
        label="Dimensions on their own (a cell per band)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Beside an interlock, e.g. “Region: Northeast, Midwest, South, West”.",
    )
    drop_confirmed = forms.BooleanField(label="Let those mappings go", required=False)

    def __init__(self, *args, study, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        self.goals = goals or {}  # {cell key: goal} the plan has now, for cells not typed yet
        self.interlocked, self.alone, self.cells = [], [], []

    def clean(self):
        data = super().clean()
        try:
            first = parse_dimensions(data.get("dimensions", ""))
        except PlanError as error:
            self.add_error("dimensions", str(error))
            return data
        try:
            second = parse_dimensions(data.get("single", ""))
        except PlanError as error:
            self.add_error("single", str(error))
            return data
        twice = {d.key for d in first} & {d.key for d in second}
        if twice:
            self.add_error("single", f"“{sorted(twice)[0]}” is typed in both boxes; keep it in one.")
            return data
        if data.get("interlock") and len(first) < 2:
            self.add_error("interlock", "Interlocking needs two dimensions or more in the first box.")
            return data
        self.interlocked, self.alone = (first, second) if data.get("interlock") else ([], first + second)
        self.cells = build_cells(self.interlocked, self.alone)
        if not self.cells:
            self.add_error("dimensions", "The plan has no cells yet: type a dimension and its bands.")
        self._read_goals()
        return data

    def _read_goals(self):
        defaults = self._default_goals()
        for cell in self.cells:
            typed = self.data.get(GOAL_PREFIX + cell.key)
            if typed is None:
                cell.goal = self.goals.get(cell.key, defaults.get(cell.key, 0))
                continue
            typed = str(typed).strip()
            cell.goal = typed
            if not typed.isdigit():
                cell.error = "A goal is a whole number of completes, 0 or more."
            else:
                cell.goal = int(typed)
        if any(cell.error for cell in self.cells):
            self.add_error(None, "Some goals cannot be read; each is marked below.")

    def _default_goals(self):
        """The study's goal shared evenly over each group of cells (the interlock, each single dimension)."""
        found = {}
        for group in self._groups():
            found.update(zip([c.key for c in group], split_evenly(self.study.goal, len(group)), strict=True))
        return found

    def _groups(self):
        """The cells by what they split: the interlocked ones together, each single dimension's together."""
        groups = {}
        for cell in self.cells:
            name = "×" if len(cell.parts) > 1 else cell.parts[0][0]
            groups.setdefault(name, []).append(cell)
        return list(groups.values())

    def warnings(self):
        """Where a dimension's cells add up to less than the study's goal, in words (a warning, not a refusal)."""
        found = []
        names = {d.key: d.name for d in [*self.interlocked, *self.alone]}
        for group in self._groups():
            goals = [c.goal for c in group if isinstance(c.goal, int)]
            total = sum(goals)
            if len(goals) == len(group) and total < self.study.goal:
                what = " × ".join(names[k] for k, _ in group[0].parts)
                found.append(
                    f"{what}: the cells add up to {total:,}, less than the study's goal of {self.study.goal:,}."
                )
        return found


def initial_text(study):
    """The form's first values from the plan the study has: its dimensions as typed, and the goals by cell."""
    dimensions = list(study.dimensions.prefetch_related("bands"))
    cells = list(study.cells.prefetch_related("bands__dimension"))
    interlocked = {band.dimension_id for cell in cells if len(cell.bands.all()) > 1 for band in cell.bands.all()}

    def lines(chosen):
        return "\n".join(
            f"{d.name}: " + ", ".join(band_text(d.attribute, b.label, b.value) for b in d.bands.all()) for d in chosen
        )

    first = [d for d in dimensions if d.pk in interlocked] or dimensions
    second = [d for d in dimensions if d.pk not in interlocked] if interlocked else []
    initial = {"dimensions": lines(first), "single": lines(second), "interlock": bool(interlocked)}
    return initial, {stored_key(cell): cell.goal for cell in cells}


def stored_key(cell):  # the key `saving` keeps a cell by
    return cell_key([(band.dimension.name, band.label) for band in cell.bands.all()])
