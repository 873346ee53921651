"""The suggested split: how each cell's remaining need is best shared between the study's target groups.

From each target group's pace in a cell (the pace the quota monitor stored on the mapped rows) and its CPI,
the split that finishes every cell by the study's end date at the least cost, worked out as one integer
programme by HiGHS (`scipy.optimize.linprog`, `milp` where needed: `_integer_solution`):

* each target group gets a new goal per cell, never below what it has achieved there;
* one with a pace may take, on top of its achieved, what that pace brings in before the end date, at its CPI;
* one with no pace (none measured yet, or 0), or no CPI, gets no more than it has today: it may keep its
  goal, which is only counted on where the others cannot finish the cell in time;
* what still cannot be finished in time goes to the fastest target group in the cell, and the cell is said
  short by that much ("Female 55+: 40 short at today's pace").

A full cell's goals come down to what each has achieved: nothing more is bought there. Costs are compared in
one currency only: target groups priced in different currencies are said so, and no split is suggested.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from costs.spend import money

from .figures import DAY


@dataclass
class Part:
    """One target group's goal in a cell, today and as suggested."""

    today: int
    achieved: int
    suggested: int
    pace: float | None  # None where it has no pace, or no CPI to weigh it by

    @property
    def changed(self):
        return self.suggested != self.today


@dataclass
class CellSplit:
    figures: object  # the cell's `CellFigures`
    parts: list  # a `Part` per column, None where nothing of the target group is mapped to the cell
    short: int = 0  # completes that cannot finish by the end date at today's pace
    today_finish: datetime | None = None
    suggested_finish: datetime | None = None
    kept: bool = False  # left as it is (its completes are not counted)

    @property
    def label(self):
        return self.figures.cell.label


@dataclass
class Suggestion:
    cells: list
    columns: list
    currency: str = ""
    today_cost: Decimal | None = None
    suggested_cost: Decimal | None = None
    today_finish: datetime | None = None
    suggested_finish: datetime | None = None
    today_finishes: bool = False
    suggested_finishes: bool = False
    refused: str = ""  # why no split is suggested
    notes: list = field(default_factory=list)

    @property
    def both(self):
        """Today's split and the suggested one: (name, cost to come, when every cell finishes, by the end date)."""
        return [
            ("Today's split", self.today_cost, self.today_finish, self.today_finishes),
            ("Suggested split", self.suggested_cost, self.suggested_finish, self.suggested_finishes),
        ]

    @property
    def shortfalls(self):
        return [f"{cell.label}: {cell.short:,} short at today's pace" for cell in self.cells if cell.short]

    def goals(self):
        """The goals that change: {(cell pk, target group pk): new goal}."""
        return {
            (cell.figures.cell.pk, column.target_group.pk): part.suggested
            for cell in self.cells
            for part, column in zip(cell.parts, self.columns, strict=True)
            if part is not None and part.changed
        }


def _currency(columns, notes):
    """The one currency the CPIs are in, or None (said in `notes`) when they differ."""
    priced = {column.currency for column in columns if column.cpi is not None}
    for column in columns:
        if column.cpi is None:
            notes.append(
                f"No CPI is known for {column.supplier} ({column.name}): it gets no more than it has, "
                "and its completes to come are not costed."
            )
    if len(priced) > 1:
        return None
    return priced.pop() if priced else ""


def _finish(parts, goals, now):
    """When the last of `parts` reaches its goal in `goals` at its pace: None when one never does."""
    latest = now
    for part, goal in zip(parts, goals, strict=True):
        to_go = goal - part.achieved
        if to_go <= 0:
            continue
        if not part.pace:
            return None
        latest = max(latest, now + DAY * (to_go / part.pace))
    return latest


def _cost(cells, columns, which):
    total, known = Decimal(0), False
    for cell in cells:
        for part, column in zip(cell.parts, columns, strict=True):
            if part is not None and column.cpi is not None:
                total += max(0, getattr(part, which) - part.achieved) * Decimal(column.cpi)
                known = True
    return money(total) if known else None


def _programme(cells, columns, days):
    """The integer programme of every cell at once: its variables as (cell, column index, kind), costs,
    bounds, and one equality per cell (its shares and its shortfall add up to its need), as a sparse matrix."""
    top = max([float(column.cpi) for column in columns if column.cpi is not None] + [0.0]) + 1
    keep_cost, short_cost = 10 * top, 100 * top
    variables, costs, upper = [], [], []
    for cell in cells:
        for index, part in enumerate(cell.parts):
            if part is None:
                continue
            if part.pace:
                variables.append((cell, index, "paced"))
                costs.append(float(columns[index].cpi))
                upper.append(math.floor(part.pace * days + 1e-9))
            else:
                variables.append((cell, index, "kept"))
                costs.append(keep_cost)
                upper.append(max(0, part.today - part.achieved))
        variables.append((cell, None, "short"))
        costs.append(short_cost)
        upper.append(math.inf)
    row_of = {id(cell): number for number, cell in enumerate(cells)}
    owners = [row_of[id(owner)] for owner, _, _ in variables]
    matrix = csr_array(([1.0] * len(variables), (owners, range(len(variables)))), shape=(len(cells), len(variables)))
    needs = [cell.figures.need for cell in cells]
    return variables, costs, upper, matrix, needs


def _solve(cells, columns, days):
    variables, costs, upper, matrix, needs = _programme(cells, columns, days)
    if not variables:
        return True
    solution = _integer_solution(costs, upper, matrix, needs)
    if solution is None:
        return False
    shortfalls = {}
    for (cell, index, kind), value in zip(variables, solution, strict=True):
        taken = round(value)
        if kind == "short":
            shortfalls[id(cell)] = taken
            continue
        part = cell.parts[index]
        part.suggested = part.achieved + taken
        if kind == "kept":
            cell.short += taken
    for cell in cells:
        left = shortfalls.get(id(cell), 0)
        cell.short += left
        paced = [part for part in cell.parts if part is not None and part.pace]
        if left and paced:
            max(paced, key=lambda part: part.pace).suggested += left
    return True


def _integer_solution(costs, upper, matrix, needs):
    """The least-cost integer solution of the programme, or None when there is none.

    Each variable counts in one cell's equality only, with a coefficient of 1, and every bound and need is a
    whole number: every corner of this programme is whole, so HiGHS's simplex (`linprog`) gives whole goals,
    in a tenth of the time its branch and bound (`milp`) takes to set up. Should a corner ever come back
    fractional, `milp` settles it."""
    bounds = [(0, None if bound == math.inf else bound) for bound in upper]
    result = linprog(costs, A_eq=matrix, b_eq=needs, bounds=bounds, method="highs")
    if result.status == 0 and all(abs(value - round(value)) < 1e-6 for value in result.x):
        return [round(value) for value in result.x]
    result = milp(
        costs,
        integrality=[1] * len(costs),
        bounds=Bounds([0] * len(costs), upper),
        constraints=LinearConstraint(matrix, needs, needs),
    )
    return None if result.x is None else [round(value) for value in result.x]


def _parts(cell, columns):
    parts = []
    for share, column in zip(cell.shares, columns, strict=True):
        if share is None:
            parts.append(None)
            continue
        pace = share.pace if share.pace and column.cpi is not None else None
        parts.append(Part(today=share.goal, achieved=share.achieved, suggested=share.goal, pace=pace))
    return parts


def suggest_split(figures):
    """The `Suggestion` for a study's `StudyFigures`: no query, one solver run."""
    columns, now = figures.columns, figures.now
    suggestion = Suggestion(cells=[], columns=columns)
    suggestion.currency = _currency(columns, suggestion.notes)
    if suggestion.currency is None:
        names = ", ".join(sorted({f"{column.currency}" for column in columns if column.cpi is not None}))
        suggestion.refused = (
            f"The target groups are priced in different currencies ({names}): the cockpit cannot tell which "
            "is cheaper, so it suggests no split."
        )
        return suggestion
    days = max(0.0, (figures.study.field_end - now) / DAY)
    solved = []
    for cell in figures.cells:
        split = CellSplit(figures=cell, parts=_parts(cell, columns))
        suggestion.cells.append(split)
        if cell.achieved is None:
            split.kept = True
            suggestion.notes.append(f"{cell.cell.label}: kept as it is ({cell.achieved_why}).")
        elif cell.need <= 0:
            for part in split.parts:
                if part is not None:
                    part.suggested = part.achieved
        else:
            solved.append(split)
    if not _solve(solved, columns, days):
        suggestion.refused = "No split was found that adds up to every cell's goal."
        return suggestion
    _finishes(suggestion, now, figures.study.field_end)
    suggestion.today_cost = _cost(suggestion.cells, columns, "today")
    suggestion.suggested_cost = _cost(suggestion.cells, columns, "suggested")
    return suggestion


def _finishes(suggestion, now, end_at):
    today, suggested = [], []
    for split in suggestion.cells:
        present = [part for part in split.parts if part is not None]
        if split.kept:  # its completes are not counted: no finish can be told
            today.append(None)
            suggested.append(None)
            continue
        goal = split.figures.goal
        split.suggested_finish = _finish(present, [part.suggested for part in present], now)
        split.today_finish = _finish(present, [part.today for part in present], now)
        if sum(max(part.today, part.achieved) for part in present) < goal:
            split.today_finish = None  # today's goals add up to less than the cell's: it never finishes
        if sum(part.suggested for part in present) < goal:
            split.suggested_finish = None
        today.append(split.today_finish)
        suggested.append(split.suggested_finish)
    for name, finishes in (("today", today), ("suggested", suggested)):
        latest = None if any(when is None for when in finishes) else max(finishes, default=now)
        setattr(suggestion, f"{name}_finish", latest)
        setattr(suggestion, f"{name}_finishes", latest is not None and latest <= end_at)
