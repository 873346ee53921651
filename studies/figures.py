"""A study's figures, read in a constant number of queries whatever the number of suppliers and cells.

Per cell: the study goal; each attached target group's allocation (the goal of the quotas or interlock cells
mapped to the cell, as mirrored from the supplier) and achieved, with its pace and projected finish as the
quota monitor stored them on each row (`quotas.history.row_figures`); the combined achieved, need and
over-quota completes, and the combined pace (the suppliers' paces added up) with the finish it gives for
the cell's remaining need, judged against the study's end date. Only mappings with a cell count.

A figure the cockpit cannot know is None with a `why` in words (the page shows "–" and says why), never 0.
Money (spend, CPI, projected spend, blended CPI) is in `studies.money`.
"""

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from costs.models import CpiPeriod
from quotas.history.pace import AT_RISK_FROM, Verdict

from .models import Cell, Mapping
from .money import study_money

DAY = timedelta(days=1)
NOT_COUNTED = "The supplier does not count this quota's completes"
NO_HISTORY = "No history yet: the pace is worked out after the next count"
TOO_EARLY = "Too early to tell the pace"
NO_PACE = "No pace measured yet"
NOT_MAPPED = "No quota of this target group is mapped to this cell"


@dataclass
class Column:
    """An attached target group: a column group of the grid, and its money; the page lists the study's target
    groups from the columns too."""

    target_group: object
    pk: int  # the attachment's: a column stands for it on the page (its detach form)
    supplier: str
    name: str
    completes: int
    cpi: object = None
    currency: str = ""
    spend: object = None
    # Spend in currencies the target group was priced in before its currency changed: {currency: amount}.
    other_spend: dict = field(default_factory=dict)
    projected: object = None
    remaining: int = 0  # the completes its allocations still want, over every mapped cell
    unknown_remaining: bool = False


@dataclass
class Share:
    """One target group's part of a cell: its allocation, achieved, pace and finish."""

    goal: int
    achieved: int | None
    pace: float | None
    finish: datetime | None
    verdict: str
    why: str = ""  # why the pace (or the achieved) is not known

    @property
    def remaining(self):
        return None if self.achieved is None else max(0, self.goal - self.achieved)


@dataclass
class CellFigures:
    cell: object  # a `Cell`, or a `CellRow` of its pk, label and goal
    shares: list  # a `Share` per column, None where the target group has nothing mapped to the cell
    achieved: int | None
    achieved_why: str
    pace: float | None
    pace_why: str
    finish: datetime | None
    verdict: str

    @property
    def goal(self):
        return self.cell.goal

    @property
    def allocated(self):
        return sum(share.goal for share in self.shares if share is not None)

    @property
    def need(self):
        """Goal less combined achieved; negative past the goal (how many over)."""
        return None if self.achieved is None else self.goal - self.achieved

    @property
    def over(self):
        """Over-quota completes: combined achieved past the study goal."""
        return None if self.achieved is None else max(0, self.achieved - self.goal)

    @property
    def pace_is_partial(self):
        return self.pace is not None and bool(self.pace_why)


@dataclass
class StudyFigures:
    study: object
    now: datetime
    columns: list
    cells: list
    money: object = None

    @property
    def goal(self):
        return sum(cell.goal for cell in self.cells)

    @property
    def achieved(self):
        known = [cell.achieved for cell in self.cells]
        return None if any(value is None for value in known) else sum(known)


def _share(rows, now):
    """One target group's part of a cell from the quota rows mapped to it (one, or several to add up)."""
    goal = sum(row.completes_goal for row in rows)
    if any(row.completes is None for row in rows):
        return Share(goal, None, None, None, "", NOT_COUNTED)
    achieved = sum(row.completes for row in rows)
    if goal and achieved >= goal:
        return Share(goal, achieved, None, None, Verdict.REACHED)
    if not all(row.figured for row in rows):
        return Share(goal, achieved, None, None, "", NO_HISTORY)
    if any(row.pace_verdict == Verdict.TOO_EARLY for row in rows):
        return Share(goal, achieved, None, None, Verdict.TOO_EARLY, TOO_EARLY)
    if any(row.pace_per_day is None for row in rows):
        return Share(goal, achieved, None, None, "", NO_PACE)
    pace = sum(row.pace_per_day for row in rows)
    if len(rows) == 1:
        return Share(goal, achieved, pace, rows[0].finish_at, rows[0].pace_verdict)
    finish = now + DAY * ((goal - achieved) / pace) if pace > 0 else None
    return Share(goal, achieved, pace, finish, "")


def combined_verdict(need, pace, end_at, now):
    """The cell's finish at the combined pace and its `Verdict` against the study's end date."""
    if need <= 0:
        return None, Verdict.REACHED
    if pace is None:
        return None, ""
    finish = now + DAY * (need / pace) if pace > 0 else None
    if end_at <= now or finish is None:
        return finish, Verdict.BEHIND
    if finish <= end_at:
        return finish, Verdict.ON_TRACK
    needed = need / ((end_at - now) / DAY)
    return finish, Verdict.AT_RISK if pace >= AT_RISK_FROM * needed else Verdict.BEHIND


def _combined(cell, shares, columns, now, end_at):
    present = [(share, column) for share, column in zip(shares, columns, strict=True) if share is not None]
    uncounted = [column.supplier for share, column in present if share.achieved is None]
    if uncounted:
        why = f"{', '.join(uncounted)} does not count this cell's completes"
        return CellFigures(cell, shares, None, why, None, why, None, "")
    achieved = sum(share.achieved for share, _ in present)
    need = cell.goal - achieved
    paced = [share.pace for share, _ in present if share.pace is not None]
    # A share that reached its goal takes no more: it adds nothing to the pace, and is no unknown either.
    unpaced = [column.supplier for share, column in present if share.pace is None and share.remaining]
    if need <= 0:
        return CellFigures(cell, shares, achieved, "", None, "", None, Verdict.REACHED)
    if not present:
        return CellFigures(cell, shares, achieved, "", None, "No target group is mapped to this cell", None, "")
    if not paced:
        why = (
            "No pace yet at " + ", ".join(unpaced)
            if unpaced
            else "Every supplier has reached its goal here: none takes more"
        )
        return CellFigures(cell, shares, achieved, "", None, why, None, "")
    pace = sum(paced)
    why = f"Without {', '.join(unpaced)}: no pace yet" if unpaced else ""
    finish, verdict = combined_verdict(need, pace, end_at, now)
    return CellFigures(cell, shares, achieved, "", pace, why, finish, verdict)


def _columns(study):
    attachments = study.attachments.select_related("target_group__project__connection").order_by("added_at", "id")
    return [
        Column(
            target_group=a.target_group,
            pk=a.pk,
            supplier=a.target_group.project.connection.get_kind_display(),
            name=a.target_group.name,
            completes=a.target_group.current_completes,
            cpi=a.target_group.cpi,
            currency=a.target_group.cpi_currency,
        )
        for a in attachments
    ]


ROW_FIELDS = ("completes_goal", "completes", "pace_per_day", "finish_at", "pace_verdict")
# A mapped quota's or interlock cell's figures, read as values: a grid of many cells builds no model per row.
Row = namedtuple("Row", (*ROW_FIELDS, "figured"))
CellRow = namedtuple("CellRow", ("pk", "label", "goal"))


def _mapped_rows(study):
    """{(cell pk, target group pk): [`Row`]} of the study's mappings with a cell. A mapping joins a quota or an
    interlock cell, never both, so each figure is whichever of the two is there."""
    either = {name: Coalesce(f"quota__{name}", f"interlock_cell__{name}") for name in ROW_FIELDS}
    figured = Q(quota__figures_at__isnull=False) | Q(interlock_cell__figures_at__isnull=False)
    values = (
        Mapping.objects.filter(study=study, cell__isnull=False)
        .annotate(**{f"row_{name}": value for name, value in either.items()})
        .annotate(row_figured=ExpressionWrapper(figured, output_field=BooleanField()))
        .values_list("cell_id", "target_group_id", *(f"row_{name}" for name in (*ROW_FIELDS, "figured")))
    )
    rows = {}
    for cell_id, tg_id, *figures in values:
        rows.setdefault((cell_id, tg_id), []).append(Row(*figures))
    return rows


def study_figures(study, now=None, cells=None):
    """The `StudyFigures` of `study` as of `now`: four queries (target groups, cells, mappings, CPI periods), three
    when the page has read the study's `cells` already (each with its pk, label and goal, in the plan's order)."""
    now = now or timezone.now()
    columns = _columns(study)
    rows = _mapped_rows(study)
    if cells is None:
        cells = Cell.objects.filter(study=study).order_by("position", "id").values_list("pk", "label", "goal")
        cells = [CellRow(*row) for row in cells]
    figured = []
    for cell in cells:
        shares = [
            _share(rows[(cell.pk, column.target_group.pk)], now) if (cell.pk, column.target_group.pk) in rows else None
            for column in columns
        ]
        figured.append(_combined(cell, shares, columns, now, study.field_end))
    periods = CpiPeriod.objects.filter(target_group__in=[column.target_group.pk for column in columns])
    figures = StudyFigures(study=study, now=now, columns=columns, cells=figured)
    figures.money = study_money(figures, periods.order_by("target_group", "from_at"))
    return figures
