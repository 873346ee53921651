"""What studies do when the outbox or the mirror tells (`sync.signals`): connected in `studies.apps`."""

from config.tasks import task

from .advancing import advance_settled
from .guard import studies_of


def on_change_settled(sender, change, state, **kwargs):
    """A change settled: if it is a part of a plan change, the plan moves on at once."""
    advance_settled(change)


def on_counts_moved(sender, target_groups, **kwargs):
    """Fills were applied: the guard of the studies these target groups field looks now."""
    studies = studies_of(target_groups)
    if studies:
        task("studies.tasks.guard_studies").delay(studies)
