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

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from config.tasks import task
from projects.models import TargetGroup

from .adapters import adapter_for
from .lists import list_projects, list_target_groups, lists_everything, reapply_pending
from .models import SyncRun
from .reads import Readers, sync_one, sync_queue
from .upsert import Tally


def sync_target_group(tg, adapter=None):
    """Re-read one target group in full ("Refresh from supplier"); returns the SyncRun."""
    return sync_connection(tg.project.connection, target_group=tg, adapter=adapter)


def sync_connection(connection, target_group=None, progress=None, adapter=None, spread=False):
    """Sync a connection (or only `target_group` of it, read in full) and return its SyncRun.

    Returns None, doing nothing, while another sync of the whole connection runs (two never
    overlap: the database holds at most one unfinished run per connection).
    The projects are listed here; their target groups are synced in parts of
    `SYNC_PROJECTS_PER_PART` projects: one after another in this process, or, with `spread`, as
    tasks the Celery workers share (the run then returns unfinished, and the part that ends last
    finishes it). `progress`, if given, wraps each part's list of target groups to read (``tqdm`` fits).
    """
    run = start_run(connection, target_group)
    if run is None:
        return None
    if target_group is not None:
        return _read_one(run, target_group, adapter)
    own_adapter = adapter is None
    tally, parts = Tally(), []
    try:
        adapter = adapter or adapter_for(connection)
        started_with = adapter.request_count
        run.listed_everything = lists_everything(connection, adapter)
        projects = list_projects(adapter, connection, run, tally) or []
        size = max(1, settings.SYNC_PROJECTS_PER_PART)
        parts = [projects[i : i + size] for i in range(0, len(projects), size)]
        run.parts_total, run.projects_total = len(parts), len(projects)
        run.requests_made = adapter.request_count - started_with
    except Exception:
        run.finished_at = timezone.now()  # it stopped here: the next beat starts afresh
        raise
    finally:
        run.objects_created, run.objects_updated = tally.created, tally.updated + tally.vanished
        run.save()
        if own_adapter and adapter is not None:
            adapter.close()  # each part reads on adapters of its own
    if not parts:
        finish_if_done(run)
    elif spread:
        for part in parts:
            task("sync.tasks.sync_part").delay(run.pk, [project.pk for project in part])
    else:
        for part in parts:
            sync_part(run, part, adapter=None if own_adapter else adapter, progress=progress)
    run.refresh_from_db()
    return run


def sync_part(run, projects, *, adapter=None, progress=None):
    """Sync the target groups of `projects` (a part of `run`): list them, upsert them, read those that
    need it; add what it did to the run, and finish the run when it is the last part to end.

    With no `adapter` given, the lists and reads run a few at a time (`SYNC_READ_CONCURRENCY`), each
    on an adapter of its own."""
    connection = run.connection
    part = SyncRun(connection=connection, started_at=run.started_at)  # this part's own counts, never saved
    tally = Tally()
    own_adapter = adapter is None
    readers = Readers(connection, settings.SYNC_READ_CONCURRENCY) if own_adapter else None
    made = 0
    try:
        adapter = adapter or adapter_for(connection)
        started_with = adapter.request_count
        queue = list_target_groups(adapter, projects, part, tally, everything=run.listed_everything, readers=readers)
        sync_queue(adapter, connection, queue, part, tally, readers=readers, progress=progress)
        made = adapter.request_count - started_with
    finally:
        if readers is not None:
            made += readers.requests_made
            readers.close()
        if own_adapter and adapter is not None:
            adapter.close()
        _add_part(run.pk, part, tally, made, len(projects))
        finish_if_done(run)  # also after a part that failed: the run ends when its last part does


def _add_part(run_id, part, tally, requests_made, projects):
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run_id)
        run.requests_made += requests_made
        run.objects_created += tally.created
        run.objects_updated += tally.updated + tally.vanished
        run.target_groups_unchanged += part.target_groups_unchanged
        run.error_count += part.error_count
        run.errors = [*run.errors, *part.errors]
        run.parts_done += 1
        run.projects_done += projects
        run.progressed_at = timezone.now()
        run.save(
            update_fields=[
                "requests_made",
                "objects_created",
                "objects_updated",
                "target_groups_unchanged",
                "error_count",
                "errors",
                "parts_done",
                "projects_done",
                "progressed_at",
            ]
        )


def finish_if_done(run):
    """Finish `run` once every part of it has ended: what needs the whole connection read runs once."""
    run = SyncRun.objects.select_related("connection").get(pk=run.pk)
    if run.finished_at is not None or run.parts_done < run.parts_total:
        return
    connection = run.connection
    # The lists may have overwritten a field a pending change is about (the filling goal): show the intent again.
    reapply_pending(connection)
    # The list rows (and full reads) may be behind the quota fills webhooks brought meanwhile.
    TargetGroup.objects.filter(project__connection=connection).align_counts()
    if not any(error.get("target_group") is None for error in run.errors):  # every list was read
        connection.last_synced_at = timezone.now()
        connection.save(update_fields=["last_synced_at"])
    SyncRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now())


def _read_one(run, tg, adapter):
    own_adapter = adapter is None
    tally = Tally()
    started_with = 0
    try:
        adapter = adapter or adapter_for(tg.project.connection)
        started_with = adapter.request_count
        sync_one(adapter, tg, run, tally, force=True)
        TargetGroup.objects.filter(pk=tg.pk).align_counts()
    finally:
        run.requests_made = (adapter.request_count - started_with) if adapter is not None else 0
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


# A run none of whose parts has ended for this long is taken for dead (a worker killed mid-sync).
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
        Q(progressed_at__lt=dead) | Q(progressed_at__isnull=True, started_at__lt=dead),
        connection=connection,
        target_group=None,
        finished_at__isnull=True,
    ).update(finished_at=timezone.now())
    try:
        with transaction.atomic():
            return SyncRun.objects.create(connection=connection)
    except IntegrityError:
        return None
