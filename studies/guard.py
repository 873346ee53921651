"""The over-quota guard: a cell whose combined achieved reaches its study goal is closed at every supplier.

Closing a cell is the quota monitor's lock of a row, through the outbox: where the supplier caps traffic
(PureSpectrum) its current target becomes what it has achieved; elsewhere (Cint, Audience-Align) its goal
does. When the study reaches its goal, every attached target group is paused or completed, as the PM chose
(`Study.when_full`), through the status services. Each act is a `GuardAct` (what, why, the figures, the
changes) and each outbox change says it is the guard's.

A raise of a plan change not sent yet that would raise a cell the guard closes is held, saying so (else it
would reopen the cell); one already sent is followed by the guard's close, since the outbox applies a target
group's changes in order.

It acts once per cell per episode: the cell is marked closed by one conditional UPDATE, so a second look (or
a second worker) does nothing; when the combined achieved is below the goal again (the PM raised the
cell's goal), the mark is cleared and the guard is armed again. It runs right after fills are applied (a
webhook's or a read's, `sync.signals.counts_moved`, connected in `studies.apps`), only if `study.guard_on`.
"""

import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from fielding.models import RunAction
from fielding.runs.actions import ActionRefused, request_run_action
from fielding.status.actions import request_status_change
from quotas.services import request_quota_goals, request_traffic_cap
from suppliers.adapter import Unsupported
from sync.models import RemoteChange

from .models import Attachment, Cell, GuardAct, PlanPart, Study
from .plans import RAISE, mappings, supplier_name, unsent, words

log = logging.getLogger(__name__)


def studies_of(target_group_pks):
    """The pks of the guarded studies these target groups field."""
    return sorted(
        set(
            Attachment.objects.filter(target_group_id__in=list(target_group_pks), study__guard_on=True).values_list(
                "study_id", flat=True
            )
        )
    )


def guard_studies(study_pks):
    """Look at each of these studies once; returns the acts recorded."""
    acts = []
    for study in Study.objects.filter(pk__in=list(study_pks), guard_on=True).order_by("pk"):
        try:
            acts += guard(study)
        except Exception:  # one study's trouble never stops the others' guard; the next fill looks again
            log.exception("the guard of study %s failed", study.pk)
    return acts


def guard(study):
    """Close the cells that reached their goal and still have room somewhere; stop the study when full."""
    if not study.guard_on:
        return []
    by_cell = defaultdict(list)
    for mapping in mappings(study):
        by_cell[mapping.cell_id].append(mapping)
    acts = []
    for cell in study.cells.all():
        found = by_cell.get(cell.pk, [])
        if cell.goal <= 0 or not found:
            continue
        achieved = sum(mapping.source.completes or 0 for mapping in found)
        if achieved < cell.goal:
            if cell.guard_closed_at is not None:  # reopened: the next time it fills, the guard acts again
                Cell.objects.filter(pk=cell.pk).update(guard_closed_at=None)
            continue
        if cell.guard_closed_at is None:
            act = close_cell(study, cell, found, achieved)
            if act is not None:
                acts.append(act)
    act = stop_when_full(study)
    return acts + ([act] if act is not None else [])


def _audit(change, study, why):
    note = f" — by the over-quota guard of the study “{study.name}”: {why}"
    change.summary = change.summary[: 300 - len(note)] + note
    RemoteChange.objects.filter(pk=change.pk).update(summary=change.summary)
    return change


def _close_row(tg, row):
    """The monitor's lock of a row: its current target (suppliers that cap traffic) or its goal := achieved.
    None where it has no room left (or no count to close it at)."""
    if row.completes is None:
        return None
    if tg.capabilities.traffic_caps:
        if row.traffic_cap is not None and row.traffic_cap <= row.completes:
            return None
        return request_traffic_cap(tg, row, row.completes, stop=True, by=None)
    if row.completes_goal <= row.completes:
        return None
    return request_quota_goals(tg, {row: row.completes}, profile=getattr(row, "profile", None), by=None)


def hold_raises(study, cell, found):
    """Hold the raises not sent yet that would raise `cell` at a supplier; returns the parts held.

    Each is taken by the same conditional UPDATE that sends a raise, so a raise is either held here or was
    sent before (and the guard's close, recorded after it, follows it at the supplier)."""
    rows = {(m.target_group_id, m.source.remote_id) for m in found}
    reason = f"Not sent: the guard closed {cell.label} when it reached its goal"[:300]
    held = []
    waiting = PlanPart.objects.filter(
        plan_change__study=study, step=RAISE, change__isnull=True, held_reason="", sent_at__isnull=True
    ).select_related("target_group__project__connection")
    for part in waiting.filter(target_group_id__in={tg for tg, _ in rows}).order_by("pk"):
        raises = [rid for rid, goal in part.goals.items() if goal > part.before.get(rid, goal)]
        if any((part.target_group_id, rid) in rows for rid in raises) and unsent(part).update(held_reason=reason):
            held.append(part)
    return held


def close_cell(study, cell, found, achieved):
    """Close `cell` at every supplier with room, once (the cell's mark taken by a conditional UPDATE)."""
    why = f"“{cell.label}” reached {achieved:,} of its {cell.goal:,} completes"
    with transaction.atomic():
        if not Cell.objects.filter(pk=cell.pk, guard_closed_at__isnull=True).update(guard_closed_at=timezone.now()):
            return None
        held = hold_raises(study, cell, found)
        changes, closed, refused, soft = [], [], [], []
        for mapping in found:
            # Read again: a raise sent just before shows its goal on the row, and the close must follow it.
            mapping.source.refresh_from_db(fields=["completes", "completes_goal", "traffic_cap"])
            tg = mapping.target_group
            try:
                change = _close_row(tg, mapping.source)
            except Unsupported as exc:
                refused.append(f"{supplier_name(tg)}: {exc}")
                continue
            if change is not None:
                changes.append(_audit(change, study, why))
                closed.append(supplier_name(tg))
                if tg.capabilities.soft_quotas:
                    soft.append(tg.project.connection.get_kind_display())
        text = f"{why}: closed at {', '.join(closed)}." if closed else f"{why}: no supplier had room left."
        if held:
            text += f" Held the raise not sent yet of {'; '.join(words(part) for part in held)}."
        if soft:
            soft_words = ", ".join(sorted(set(soft)))
            text += f" {soft_words}'s quotas are soft: a few more respondents may still complete there."
        if refused:
            text += f" Could not close at {'; '.join(refused)}"
        act = GuardAct.objects.create(study=study, cell=cell, text=text[:500], achieved=achieved, goal=cell.goal)
        act.changes.set(changes)
    return act


def _stop(tg, when_full):
    """Pause or complete `tg` through its supplier's status service; None where it is not in a state to."""
    caps = tg.capabilities
    pausing = when_full == Study.WhenFull.PAUSE
    if caps.fielding_runs:
        return request_run_action(tg, RunAction.PAUSE if pausing else RunAction.COMPLETE, by=None)
    for status in ("paused",) if pausing else ("completed", "closed"):
        for action in caps.status_actions:
            if action.to_status == status and tg.status in action.from_statuses:
                return request_status_change(tg, action.name, by=None)
    return None


def stop_when_full(study):
    """When the study's completes reach its goal: pause or complete every attached target group, once."""
    tgs = [a.target_group for a in study.attachments.select_related("target_group__project__connection")]
    completes = sum(tg.current_completes or 0 for tg in tgs)
    if completes < study.goal or not tgs:
        if study.guard_full_at is not None:
            Study.objects.filter(pk=study.pk).update(guard_full_at=None)
        return None
    if study.guard_full_at is not None:
        return None
    verb = "paused" if study.when_full == Study.WhenFull.PAUSE else "completed"
    why = f"the study reached {completes:,} of its {study.goal:,} completes"
    with transaction.atomic():
        if not Study.objects.filter(pk=study.pk, guard_full_at__isnull=True).update(guard_full_at=timezone.now()):
            return None
        changes, done, refused = [], [], []
        for tg in tgs:
            try:
                with transaction.atomic():
                    change = _stop(tg, study.when_full)
            except (Unsupported, ActionRefused) as exc:
                refused.append(f"{supplier_name(tg)}: {exc}")
                continue
            if change is not None:
                changes.append(_audit(change, study, why))
                done.append(supplier_name(tg))
        text = f"{why[0].upper()}{why[1:]}: {verb} {', '.join(done)}." if done else f"{why}: nothing left to stop."
        if refused:
            text += f" Could not stop {'; '.join(refused)}"
        act = GuardAct.objects.create(study=study, text=text[:500], achieved=completes, goal=study.goal)
        act.changes.set(changes)
    return act
