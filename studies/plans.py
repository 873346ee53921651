"""Plan changes: goals moved between a study's suppliers as one act.

A plan change is asked as new goals per cell and target group (`request_plan_change`), or as "move 50 of
Male 18–34 from Cint to PureSpectrum" (`move`). In one transaction it is checked — never below what a
supplier has achieved, only on target groups that take goal changes now, and each cell's goals adding up
to at least the study goal (else a warning the PM confirms) — and recorded as parts: per target group its
lowerings (step 0) and its raises (step 1). The lowerings are recorded as ordinary outbox changes at once;
the raises they pay for go when every lowering is applied (`studies.advancing`). A retry or an undo is a new
plan change that follows the first.

A supplier's allocation of a cell is the goal of the quota (or interlock cell) mapped to it, as mirrored.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from projects.queries import FINISHED_STATUSES
from quotas.services import request_quota_figures
from suppliers.adapter import Unsupported
from sync.models import RemoteChange

from .models import Mapping, PlanChange, PlanPart

LOWER, RAISE = 0, 1


class PlanRefused(Exception):
    """Nothing was recorded: `errors` [(key, text)] say why (key: (cell pk, target group pk), or None for the
    whole plan); `warnings` [(cell pk, text)] are what the PM must confirm (`confirmed=True`) to go on."""

    def __init__(self, errors=(), warnings=()):
        self.errors, self.warnings = list(errors), list(warnings)
        super().__init__(" ".join(text for _, text in [*self.errors, *self.warnings]))


@dataclass
class Want:
    """One quota's (or interlock cell's) new goal: the mapping that ties it to its cell and target group."""

    mapping: Mapping
    goal: int

    @property
    def row(self):
        return self.mapping.source

    @property
    def tg(self):
        return self.mapping.target_group

    @property
    def key(self):
        return (self.mapping.cell_id, self.mapping.target_group_id)


def supplier_name(tg):
    return f"{tg.name} ({tg.project.connection.get_kind_display()})"


def mappings(study):
    """The study's mappings that count for a cell, with their quota or interlock cell and target group."""
    return list(
        Mapping.objects.filter(study=study, cell__isnull=False)
        .select_related("cell", "quota", "interlock_cell", "target_group__project__connection")
        .order_by("cell__position", "cell_id", "target_group_id", "pk")
    )


def request_plan_change(study, goals, *, user, origin=PlanChange.Origin.PM, summary="", confirmed=False, follows=None):
    """`goals` {(cell pk, target group pk): new goal} → the recorded `PlanChange`, or `PlanRefused`."""
    by_key = defaultdict(list)
    for mapping in mappings(study):
        by_key[(mapping.cell_id, mapping.target_group_id)].append(mapping)
    errors, wants = [], []
    for key, goal in goals.items():
        found = by_key.get(tuple(key), [])
        if not found:
            errors.append((key, "This target group has no quota counting for this cell: map one first."))
        elif len(found) > 1:
            errors.append(
                (
                    key,
                    f"{len(found)} quotas of this target group count for “{found[0].cell.label}”: set them in its "
                    "own grid.",
                )  # fmt: skip
            )
        else:
            wants.append(Want(found[0], goal))
    return plan(study, wants, errors, user=user, origin=origin, summary=summary, confirmed=confirmed, follows=follows)


def move(study, cell, from_tg, to_tg, n, *, user, confirmed=False, origin=PlanChange.Origin.PM, note=""):
    """Move `n` of `cell`'s goal from one target group to another, as one plan change (lowering first); `note`
    ends its summary (" — scheduled by … for …")."""
    by_tg = {m.target_group_id: m for m in mappings(study) if m.cell_id == cell.pk}
    errors = []
    if from_tg.pk == to_tg.pk:
        errors.append((None, "Choose two different target groups to move goal between."))
    if n is None or n <= 0:
        errors.append((None, "Move at least 1 complete."))
    for tg in (from_tg, to_tg):
        if tg.pk not in by_tg:
            errors.append(((cell.pk, tg.pk), f"“{tg.name}” has no quota counting for “{cell.label}”: map one first."))
    if errors:
        raise PlanRefused(errors)
    goals = {
        (cell.pk, from_tg.pk): by_tg[from_tg.pk].source.completes_goal - n,
        (cell.pk, to_tg.pk): by_tg[to_tg.pk].source.completes_goal + n,
    }
    summary = f"Move {n:,} of {cell.label} from {supplier_name(from_tg)} to {supplier_name(to_tg)}{note}"
    return request_plan_change(study, goals, user=user, origin=origin, summary=summary, confirmed=confirmed)


def _refusal(want):
    """Why `want`'s target group cannot take this goal now, in words, or ""."""
    tg, row, goal = want.tg, want.row, want.goal
    caps = tg.capabilities
    where = supplier_name(tg)
    if not caps.quota_goals:
        return f"{tg.project.connection.get_kind_display()} takes no goal changes from the cockpit."
    if tg.status in caps.final_statuses or tg.status in FINISHED_STATUSES:
        return f"“{tg.name}” is {tg.status_text.lower()}: nothing fills there any more, so its goals stay."
    if not tg.is_launched:
        return f"“{tg.name}” is a draft: set its goals in the draft before it is launched."
    if goal < 0:
        return "A goal cannot be below 0."
    achieved = row.completes or 0
    if goal < achieved:
        return (
            f"{where} has achieved {achieved:,} in “{want.mapping.cell.label}”: its goal cannot go below that "
            f"(asked {goal:,})."
        )
    return ""


def _short_cells(study, wants):
    """[(cell pk, text)] of the cells whose suppliers' goals would add up to less than the study goal."""
    wanted = {want.mapping.pk: want.goal for want in wants}
    cells = {want.mapping.cell_id: want.mapping.cell for want in wants}
    totals = defaultdict(int)
    for mapping in mappings(study):
        if mapping.cell_id in cells:
            totals[mapping.cell_id] += wanted.get(mapping.pk, mapping.source.completes_goal)
    return [
        (
            pk,
            f"The suppliers' goals for “{cell.label}” would add up to {totals[pk]:,}, below the study's {cell.goal:,}."[
                :300
            ],
        )
        for pk, cell in cells.items()
        if totals[pk] < cell.goal
    ]


def plan(study, wants, errors=(), *, user, origin=PlanChange.Origin.PM, summary="", confirmed=False, follows=None):
    """Check `wants` and record them as a plan change with its parts; the lowerings are sent at once."""
    errors = list(errors)
    errors += [(want.key, text) for want in wants if (text := _refusal(want))]
    wants = [want for want in wants if want.goal != want.row.completes_goal]
    if not wants and not errors:
        errors.append((None, "Nothing to change: every goal is as it was."))
    if errors:
        raise PlanRefused(errors)
    warnings = _short_cells(study, wants)
    if warnings and not confirmed:
        raise PlanRefused(warnings=warnings)
    summary = summary or _summary(wants)
    with transaction.atomic():
        change = PlanChange.objects.create(
            study=study,
            summary=summary[:300],
            origin=origin,
            requested_by=user if user is not None and user.is_authenticated else None,
            follows=follows,
        )
        parts = _parts(change, wants)
        for part in parts:
            if part.step == LOWER:
                try:
                    send_part(part, user)
                except Unsupported as exc:  # nothing of the plan is kept
                    raise PlanRefused([(None, f"Lowering {words(part)}: {exc}")]) from None
        if not any(part.step == LOWER for part in parts):  # the raises go at once: nothing to pay for them
            for part in parts:
                send_raise(part, user)
    return change


def _summary(wants):
    cells = sorted({want.mapping.cell.label for want in wants})
    shown = ", ".join(cells[:3]) + (f" and {len(cells) - 3} more" if len(cells) > 3 else "")
    return f"New goals for {shown}"


def _parts(change, wants):
    """Per target group, one part of its lowerings (step 0) and one of its raises (step 1)."""
    grouped = defaultdict(list)
    for want in wants:
        step = LOWER if want.goal < want.row.completes_goal else RAISE
        grouped[(want.tg.pk, step)].append(want)
    parts = []
    for (_, step), group in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
        parts.append(
            PlanPart.objects.create(
                plan_change=change,
                target_group=group[0].tg,
                step=step,
                goals={want.row.remote_id: want.goal for want in group},
                # A raise at a supplier that caps traffic opens the cap up to the new goal with it.
                targets={
                    want.row.remote_id: want.goal
                    for want in group
                    if step == RAISE and want.tg.capabilities.traffic_caps
                },
                before={want.row.remote_id: want.row.completes_goal for want in group},
                cells={want.row.remote_id: want.mapping.cell.label for want in group},
            )
        )
    return parts


class Row:
    """A quota or cell named by its remote id, as the outbox's grid figures take it."""

    def __init__(self, remote_id):
        self.remote_id = remote_id


def send_part(part, user):
    """Record the part's outbox change (the grid figures of its target group), said to be the plan's."""
    tg = part.target_group
    goals = {Row(rid): goal for rid, goal in part.goals.items()}
    targets = {Row(rid): cap for rid, cap in part.targets.items()}
    change = request_quota_figures(tg, goals, targets, by=user)
    note = f" — part of the study’s plan change “{part.plan_change.summary}”"
    change.summary = change.summary[: 300 - len(note)] + note
    RemoteChange.objects.filter(pk=change.pk).update(summary=change.summary)
    part.change = change
    part.save(update_fields=["change"])
    return change


def words(part):
    """ "Male 18–34, Female 18–34 at Cint US (Cint)" """
    cells = ", ".join(sorted(set(part.cells.values()))) or "its quotas"
    return f"{cells} at {supplier_name(part.target_group)}"


def unsent(part):
    return PlanPart.objects.filter(pk=part.pk, change__isnull=True, held_reason="", sent_at__isnull=True)


def send_raise(part, user):
    """Take a raise to send it (one conditional UPDATE: of two advances, one takes it) and record its outbox
    change in the same transaction; a raise the supplier cannot take now is held, saying why. Returns 1 when
    it was taken here, else 0."""
    with transaction.atomic():
        if not unsent(part).update(sent_at=timezone.now()):
            return 0
        try:
            with transaction.atomic():
                send_part(part, user)
        except Unsupported as exc:
            PlanPart.objects.filter(pk=part.pk).update(held_reason=f"Not sent: {exc}"[:300])
    return 1
