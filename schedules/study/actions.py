"""What a PM can schedule on a study, and how each is asked for when it runs: a plan change of the study,
recorded through `studies.plans` as a PM's click records it, said to be a scheduled change.

* Close a cell: every supplier's goal of the cell becomes what it has achieved there (where it has room).
* Move n of a cell's goal from one target group of the study to another (lowering first).

The schedule's payload names the cell and target groups by pk, and the count moved.
"""

from projects.models import TargetGroup
from studies.models import PlanChange
from studies.plans import mappings, move, request_plan_change, supplier_name

from ..actions import NothingToDo

CLOSE_CELL = "study:close_cell"
MOVE = "study:move"
KIND = "plan_change"
LABELS = {CLOSE_CELL: "Close a cell at every supplier", MOVE: "Move goal between target groups"}
SCHEDULE = PlanChange.Origin.SCHEDULE


def cell_mappings(study, cell_pk):
    """{target group pk: [mapping]} of the study's quotas that count for the cell."""
    found = {}
    for mapping in mappings(study):
        if mapping.cell_id == cell_pk:
            found.setdefault(mapping.target_group_id, []).append(mapping)
    return found


def close_goals(study, cell):
    """{(cell pk, target group pk): achieved} for every supplier with room left in the cell."""
    found = cell_mappings(study, cell.pk)
    if not found:
        raise NothingToDo(f"No quota counts for “{cell.label}” any more, so nothing was sent.")
    goals = {}
    for tg_pk, rows in found.items():
        row = rows[0].source
        if len(rows) == 1 and row.completes is not None and row.completes_goal > row.completes:
            goals[(cell.pk, tg_pk)] = row.completes
    if not goals:
        raise NothingToDo(f"“{cell.label}” has no room left at any supplier: nothing more to close.")
    return goals


def summary_of(action, cell, from_tg=None, to_tg=None, n=None):
    if action == CLOSE_CELL:
        return f"Close {cell.label} at every supplier"
    return f"Move {n:,} of {cell.label} from {supplier_name(from_tg)} to {supplier_name(to_tg)}"


def request_on_study(schedule, note):
    """Record the schedule's plan change as the PM who asked for it, its summary ending with `note`; returns
    the `PlanChange`. Raises `NothingToDo` (the cell or a target group is gone, nothing to close) or
    `studies.plans.PlanRefused` (a supplier cannot take it now)."""
    study, payload, by = schedule.study, schedule.payload, schedule.requested_by
    cell = study.cells.filter(pk=payload.get("cell")).first()
    if cell is None:
        raise NothingToDo("The cell is no longer in the study's plan, so nothing was sent.")
    if schedule.action == CLOSE_CELL:
        goals = close_goals(study, cell)
        summary = f"{summary_of(CLOSE_CELL, cell)} — {note}"
        # Closing a cell leaves its goals below the study's on purpose: the PM asked for it when scheduling.
        return request_plan_change(study, goals, user=by, origin=SCHEDULE, summary=summary, confirmed=True)
    attached = TargetGroup.objects.filter(study_attachment__study=study).select_related("project__connection")
    by_pk = {tg.pk: tg for tg in attached.filter(pk__in=[payload.get("from_tg"), payload.get("to_tg")])}
    from_tg, to_tg = by_pk.get(payload.get("from_tg")), by_pk.get(payload.get("to_tg"))
    if from_tg is None or to_tg is None:
        raise NothingToDo("A target group of this move no longer fields the study, so nothing was sent.")
    return move(study, cell, from_tg, to_tg, payload["n"], user=by, confirmed=True, origin=SCHEDULE, note=f" — {note}")
