"""Rules on a study: which studies the beat looks at, and what such a rule does when it fires, asked through
the services a PM's click (or the guard) uses, so every change to a supplier goes through the outbox.

* Close the cell that fired at every supplier: the over-quota guard's own `close_cell` (where the supplier
  caps traffic its current target becomes what it has achieved, elsewhere its goal does).
* Pause every target group of the study, each through its supplier's status service (`rules.acting`).
"""

from django.db import transaction

from fielding.runs.actions import ActionRefused
from projects.models import TargetGroup
from studies.guard import close_cell
from studies.models import Attachment, Cell
from studies.plans import mappings, supplier_name
from suppliers.adapter import Unsupported

from .acting import NotSent, ask_status
from .models import Rule

Action = Rule.Action
WATCHED = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED)


def fielding_studies():
    """The pks of the studies with a target group fielding (live or paused): those a rule is evaluated on."""
    return Attachment.objects.filter(target_group__status__in=WATCHED).values("study_id")


def _close(study, reading):
    if reading.quota is None:
        raise NotSent("Closing a cell needs the cell that fired; the rule watches no cell.")
    cell = Cell.objects.filter(pk=reading.quota.pk, study=study).first()
    if cell is None:
        raise NotSent("The cell is no longer in the study's plan.")
    found = [mapping for mapping in mappings(study) if mapping.cell_id == cell.pk]
    achieved = sum(mapping.source.completes or 0 for mapping in found)
    act = close_cell(study, cell, found, achieved)
    if act is None:
        raise NotSent(f"“{cell.label}” is closed already (the over-quota guard closed it).")
    changes = list(act.changes.order_by("pk"))
    if not changes:
        raise NotSent(act.text)
    return changes


def _pause_all(study, by):
    tgs = TargetGroup.objects.filter(study_attachment__study=study).select_related("project__connection")
    changes, refused = [], []
    for tg in tgs.order_by("pk"):
        try:
            with transaction.atomic():
                changes.append(ask_status(tg, "pause", by))
        except (NotSent, Unsupported, ActionRefused) as exc:
            refused.append(f"{supplier_name(tg)}: {exc}")
    if not changes:
        raise NotSent("; ".join(refused) or "No target group fields this study.")
    return changes, f"Could not pause {'; '.join(refused)}." if refused else ""


def act_on_study(rule, study, reading):
    """Ask the suppliers for what `rule` does on `study`; returns (the outbox changes, what could not be asked
    and why, or ""): no change for a rule that only notifies. Raises `NotSent` when nothing could be asked."""
    if rule.action == Action.CLOSE_CELL:
        return _close(study, reading), ""
    if rule.action == Action.PAUSE_STUDY:
        return _pause_all(study, rule.created_by)
    return [], ""
