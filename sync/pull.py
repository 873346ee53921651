"""Pull sync: mirror a supplier connection's projects, target groups, profiles and fielding runs.

Everything is read through the connection's adapter (`sync.adapters.adapter_for`),
which hands over plain records (`suppliers.records`). One run lists projects and, per
project, target groups (paginated), upserting them by remote id (`sync.lists`): the list
rows carry the counts and when each target group last changed. A launched target group
whose list row says nothing changed since the last full read costs nothing more (a full
read still happens every `SYNC_FULL_READ_EVERY_SECONDS`); a changed one is read in full
(`sync.reads`): its fields (`sync.mirror`), its profiles with quotas and interlocks, and
the parts other apps register for suppliers that have them (Cint's fielding runs). A
failing target group is recorded on the target group and on the run, and the others go on.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.models import TargetGroup

from .adapters import adapter_for
from .lists import lists_everything, sync_lists
from .models import SyncRun
from .reads import sync_one, sync_queue
from .upsert import Tally


def sync_target_group(tg, adapter=None):
    """Re-read one target group in full ("Refresh from supplier"); returns the SyncRun."""
    return sync_connection(tg.project.connection, target_group=tg, adapter=adapter)


def sync_connection(connection, target_group=None, progress=None, adapter=None):
    """Sync a connection (or only `target_group` of it, read in full) and return its SyncRun.

    Returns None, doing nothing, while another sync of the whole connection runs (two never
    overlap: the database holds at most one unfinished run per connection).
    `progress`, if given, wraps the list of target groups to read (``tqdm`` fits).
    """
    run = start_run(connection, target_group)
    if run is None:
        return None
    own_adapter = adapter is None
    tally = Tally()
    started_with, more_requests = 0, 0
    try:
        adapter = adapter or adapter_for(connection)
        started_with = adapter.request_count
        if target_group is not None:
            sync_one(adapter, target_group, run, tally, force=True)
            TargetGroup.objects.filter(pk=target_group.pk).align_counts()
        else:
            run.listed_everything = lists_everything(connection, adapter)
            queue = sync_lists(adapter, connection, run, tally, everything=run.listed_everything)
            listed = run.error_count == 0  # every list was read
            more_requests = sync_queue(
                adapter, connection, queue, run, tally, own_adapter=own_adapter, progress=progress
            )
            # The list rows (and full reads) may be behind the quota fills webhooks brought meanwhile.
            TargetGroup.objects.filter(project__connection=connection).align_counts()
            if listed:  # "last synced" is the last successful read
                connection.last_synced_at = timezone.now()
                connection.save(update_fields=["last_synced_at"])
    finally:
        run.requests_made = more_requests + ((adapter.request_count - started_with) if adapter is not None else 0)
        run.objects_created = tally.created
        run.objects_updated = tally.updated + tally.vanished
        run.finished_at = timezone.now()
        run.save()
        if own_adapter and adapter is not None:
            adapter.close()
    return run


def summary(run):
    """One line for a PM or the console."""
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0
    return (
        f"{run.connection}: {run.requests_made} requests, {run.objects_created} created, "
        f"{run.objects_updated} updated, {run.target_groups_unchanged} target groups unchanged, "
        f"{run.error_count} errors in {seconds:.1f} s"
    )


# A run that has not finished after this long is taken for dead (a worker killed mid-sync).
RUN_CONSIDERED_DEAD_AFTER = timedelta(minutes=10)


def start_run(connection, target_group=None):
    """A new SyncRun, or None while another sync of the whole connection is unfinished.

    The database's unique constraint on unfinished whole-connection runs makes the check and
    the start one step, so two beats on a slow supplier cannot both begin.
    """
    if target_group is not None:
        return SyncRun.objects.create(connection=connection, target_group=target_group)
    dead = timezone.now() - RUN_CONSIDERED_DEAD_AFTER
    SyncRun.objects.filter(
        connection=connection, target_group=None, finished_at__isnull=True, started_at__lt=dead
    ).update(finished_at=timezone.now())
    try:
        with transaction.atomic():
            return SyncRun.objects.create(connection=connection)
    except IntegrityError:
        return None
