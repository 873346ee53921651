"""Which fielding actions the supplier allows now (Cint's compute-target-group-transitions).

The pages offer the fielding and bulk actions the supplier says are possible, instead of
the cockpit's own state rules (``FieldingRun.TRANSITIONS``, ``jobs.BATCH_ALLOWED_FROM``):
those only know what the last sync saw, the supplier knows what is true now (a target group
paused in the supplier's own site, a run whose end date has passed). One request answers for
any number of target groups of a project, so a page asks once per project, not once per
target group. The answer is for the set: an action is allowed when at least one of the
target groups can take it.

When the supplier cannot be asked (no such capability, not created there yet, an error),
the cockpit's own rules stand. When both are known and disagree, the supplier's wins, the
disagreement is logged, and the target group is read in full at the next sync.
"""

import logging
from dataclasses import dataclass

from fielding.drafts.body import is_created
from fielding.models import RunAction
from projects.models import TargetGroup
from suppliers import errors

log = logging.getLogger(__name__)

# A fielding run's actions by the supplier's names (changing the end date is not a transition).
RUN_ACTIONS = {
    "launch": RunAction.LAUNCH_NOW,
    "pause": RunAction.PAUSE,
    "resume": RunAction.RESUME,
    "complete": RunAction.COMPLETE,
    "relaunch": RunAction.RELAUNCH,
}


@dataclass(frozen=True)
class Transitions:
    """The supplier's answer: the target groups (remote ids) it answered for and the actions allowed on them
    ("launch" is a draft's launch, or launch-now of a scheduled run)."""

    target_group_ids: frozenset
    allowed: frozenset

    def allows(self, action):
        return action in self.allowed

    def run_actions(self):
        return {RUN_ACTIONS[name] for name in self.allowed}


def read_transitions(project, target_groups):
    """Ask the supplier once (`adapter.fielding`) about `target_groups` (of `project`); None when it cannot
    be asked."""
    from sync.adapters import open_adapter

    connection = project.connection
    ids = sorted({tg.remote_id for tg in target_groups if is_created(tg)})
    if not ids or not is_created(project) or not connection.capabilities.transitions:
        return None
    try:
        with open_adapter(connection) as adapter:
            answer = adapter.fielding.allowed_actions(project.remote_id, ids)
    except errors.SupplierError as exc:
        log.warning("could not ask %s which fielding actions it allows on %s: %s", connection, project, exc.message)
        return None
    if answer is None:
        log.warning("%s answered the fielding transitions of %s in an unreadable shape", connection, project)
        return None
    return Transitions(target_group_ids=answer.target_group_ids, allowed=answer.allowed)


def transitions_for(request, project, target_groups):
    """`read_transitions`, asked once per page load (the answer is kept on the request)."""
    key = (project.pk, tuple(sorted(tg.pk for tg in target_groups)))
    answers = request.__dict__.setdefault("_fielding_transitions", {})
    if key not in answers:
        answers[key] = read_transitions(project, target_groups)
    return answers[key]


def follow_supplier(what, own, transitions, *, target_groups=()):
    """The actions to offer: the supplier's where it answered, the cockpit's own otherwise.

    `own` and the result are sets of action names (`RUN_ACTIONS`' keys). A
    disagreement is logged, and the target groups are marked for a full read at the next sync.
    """
    if transitions is None:
        return set(own)
    offered = set(transitions.allowed)
    if offered != set(own):
        log.warning(
            "fielding actions of %s: the supplier allows %s, the cockpit's rules say %s; following the supplier",
            what,
            ", ".join(sorted(offered)) or "none",
            ", ".join(sorted(own)) or "none",
        )
        # Read in full at the next sync; the page drawn now still says when it was last synced.
        TargetGroup.objects.filter(pk__in=[tg.pk for tg in target_groups]).update(synced_at=None)
    return offered


def own_run_actions(run):
    """The run's actions by the cockpit's rules, in the supplier's names."""
    names = {action: name for name, action in RUN_ACTIONS.items()}
    return {names[action] for action in run.allowed_actions if action in names}
