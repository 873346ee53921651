"""A plan change moving on, and what it says it is.

* Its raises (step 1) are sent once every lowering (step 0) is applied: at once when the outbox tells that a
  change settled (`sync.signals.change_settled`, connected in `studies.apps`), and by the beat every minute
  for any plan whose lowerings all settled (`advance_waiting`), so a lost signal never strands a raise.
  A raise is taken to be sent by one conditional UPDATE, so it is never sent twice.
* A refused lowering holds the raises it paid for, with the reason in words.
* Its state is the sum of its parts' (`plan_state`); a failed or held part may be tried again, an applied
  one undone (`retry`, `undo`): each a new plan change that follows it.
"""

import logging

from django.db.models import Exists, OuterRef

from sync.models import RemoteChange

from .models import PlanChange, PlanPart
from .plans import LOWER, RAISE, PlanRefused, Want, mappings, plan, send_raise, unsent, words

log = logging.getLogger(__name__)

State = RemoteChange.State
UNSETTLED = (State.PENDING, State.SENDING)

WAITING, HELD, PENDING, APPLIED, FAILED = "waiting", "held", "pending", "applied", "failed"
PART_WORDS = {
    WAITING: "Waiting for the lowerings",
    HELD: "Not sent",
    PENDING: "Pending",
    APPLIED: "Applied",
    FAILED: "Failed",
}


def part_state(part):
    """waiting (a raise not sent yet), held (not sent, and why), pending, applied, or failed (with the reason)."""
    if part.change_id is None:
        return HELD if part.held_reason else WAITING
    if part.change.state in UNSETTLED:
        return PENDING
    return APPLIED if part.change.state == State.APPLIED else FAILED


def part_reason(part):
    """Why a part failed or was not sent, in words ("" when it did not)."""
    state = part_state(part)
    if state == HELD:
        return part.held_reason
    if state == FAILED:
        return part.change.message or part.change.get_state_display()
    return ""


def plan_state(parts):
    """(state, words) of a plan change from its parts: pending until all settle, applied when all are, else
    which parts failed and why."""
    states = [part_state(part) for part in parts]
    failed = [part for part, state in zip(parts, states, strict=True) if state in (FAILED, HELD)]
    said = "; ".join(f"{words(part)}: {part_reason(part)}" for part in failed)
    if any(state in (PENDING, WAITING) for state in states):
        return PENDING, "Pending" + (f" — so far not applied: {said}" if failed else "")
    if not failed:
        return APPLIED, "Applied"
    if len(failed) == len(parts):
        return FAILED, f"Failed — {said}"
    return "partly_failed", f"Partly failed — {said}"


def _parts(plan_change):
    return list(
        plan_change.parts.select_related("change", "target_group__project__connection", "plan_change__requested_by")
    )


def advance(plan_change):
    """Send the raises whose lowerings are all applied, or hold them with the reason; returns how many moved."""
    parts = _parts(plan_change)
    lowerings = [part for part in parts if part.step == LOWER]
    if any(part_state(part) in (PENDING, WAITING) for part in lowerings):
        return 0
    failed = [part for part in lowerings if part_state(part) == FAILED]
    moved = 0
    for part in parts:
        if part.step != RAISE or part.change_id or part.held_reason or part.sent_at:
            continue
        if failed:
            moved += _hold(part, failed)
        else:
            moved += send_raise(part, plan_change.requested_by)
    return moved


def _hold(part, failed):
    """Hold a raise: the lowerings that paid for it (those of its cells, else every failed one) were refused."""
    own = [lowering for lowering in failed if set(lowering.cells.values()) & set(part.cells.values())] or failed
    reason = "; ".join(f"lowering {words(lowering)} failed: {part_reason(lowering)}" for lowering in own)
    return unsent(part).update(held_reason=f"Not sent: {reason}"[:300])


def advance_settled(change):
    """The outbox settled `change`: move its plan change on, if it is a part of one."""
    if change.kind != "set_quota_figures":
        return 0
    plan_pk = PlanPart.objects.filter(change_id=change.pk).values_list("plan_change_id", flat=True).first()
    if plan_pk is None:
        return 0
    return advance(PlanChange.objects.select_related("requested_by").get(pk=plan_pk))


def advance_waiting():
    """The beat's fallback: every plan change with a raise not sent yet and no lowering still on its way."""
    unsent = PlanPart.objects.filter(
        plan_change=OuterRef("pk"), step=RAISE, change__isnull=True, held_reason="", sent_at__isnull=True
    )
    travelling = PlanPart.objects.filter(plan_change=OuterRef("pk"), step=LOWER).exclude(
        change__state__in=[State.APPLIED, State.CONFLICT, State.FAILED]
    )
    waiting = PlanChange.objects.filter(Exists(unsent), ~Exists(travelling)).select_related("requested_by")
    moved = 0
    for plan_change in waiting.order_by("pk")[:500]:
        try:
            moved += advance(plan_change)
        except Exception:  # one plan's trouble never stops the others; the next beat tries it again
            log.exception("plan change %s could not move on", plan_change.pk)
    return moved


def _wants(study, parts, goal_of):
    """The wants that set the quotas of `parts` to `goal_of(part, remote id)`, and the errors of those that
    no longer count for a cell."""
    by_row = {(m.target_group_id, m.source.remote_id): m for m in mappings(study)}
    wants, errors = [], []
    for part in parts:
        for rid in part.goals:
            mapping = by_row.get((part.target_group_id, rid))
            if mapping is None:
                cell = part.cells.get(rid, "its cell")
                errors.append((None, f"A quota of {words(part)} no longer counts for {cell}: map it again first."))
            else:
                wants.append(Want(mapping, int(goal_of(part, rid))))
    return wants, errors


def retry(part, *, user):
    """Try a failed or held part again (a refused lowering with the raises it held, a held raise with the
    lowerings that held it), as a new plan change that follows its own."""
    state = part_state(part)
    if state not in (FAILED, HELD):
        raise PlanRefused([(None, "Only a part that failed or was not sent can be tried again.")])
    first = part.plan_change
    others = [p for p in _parts(first) if p.pk != part.pk]
    if part.step == LOWER:
        chosen = [part, *(p for p in others if p.step == RAISE and part_state(p) == HELD)]
    else:
        chosen = [part, *(p for p in others if p.step == LOWER and part_state(p) == FAILED)]
    wants, errors = _wants(first.study, chosen, lambda p, rid: p.goals[rid])
    return plan(first.study, wants, errors, user=user, summary=f"Try again: {first.summary}", confirmed=True,
                follows=first)  # fmt: skip


def undo(part, *, user, confirmed=False):
    """Set an applied part's quotas back to the goals they had before, as a new plan change."""
    if part_state(part) != APPLIED:
        raise PlanRefused([(None, "Only an applied part can be undone.")])
    first = part.plan_change
    wants, errors = _wants(first.study, [part], lambda p, rid: p.before[rid])
    summary = f"Undo {words(part)} of “{first.summary}”"
    return plan(first.study, wants, errors, user=user, summary=summary, confirmed=confirmed, follows=first)
