"""The quotas' background work: their history's snapshot, pruning and import. Each task re-reads what it
works on and does nothing when there is nothing to do."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from config.tasks import task
from projects.models import TargetGroup

from .history import pruning, recording, row_figures, series


@shared_task(ignore_result=True)
def record_history():
    """Beat, every `HISTORY_INTERVAL_SECONDS`: a point for each count that moved since its latest one; then
    what depends on those points (the cost step: CPI periods, spend and pace figures; the grid's figures of
    each quota) in the same interval."""
    now = timezone.now()
    written = recording.record_snapshot(now)
    if written is not None:
        task("costs.tasks.record_costs").delay(now.isoformat())
        task("quotas.tasks.refresh_row_figures").delay(now.isoformat())
    return written


@shared_task(ignore_result=True)
def refresh_row_figures(when):
    """After a snapshot taken at `when` (ISO 8601): the pace, finish and sparkline of each quota of the target
    groups whose counts moved in it, and of those whose figures are stale."""
    now = datetime.fromisoformat(when)
    return row_figures.refresh_due(now, moved_since=recording.slot_of(now))


@shared_task(ignore_result=True)
def prune_history():
    """Beat, daily: the history of target groups whose fieldwork ended more than `HISTORY_KEEP_DAYS` ago goes."""
    return pruning.prune_history()


@shared_task(ignore_result=True)
def import_supplier_series(target_group_id):
    """The supplier's completes over time of one target group, before its first recorded point."""
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=target_group_id).first()
    if tg is None:
        return 0
    return series.import_supplier_series(tg)
