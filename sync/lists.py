"""A sync's lists: the connection's projects and, per project, its target groups (paginated), upserted by
remote id. A target group's list row carries its counts and when it last changed, which tells the sync whether
it needs a full read (`sync.reads`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from projects.models import Project, TargetGroup
from suppliers import errors

from .intents import reapply_intents
from .mirror import DRAFT, floor_counts, merged_details, record_values
from .models import RemoteChange, SyncRun
from .news import tell_status_moved
from .reads import LEFT_THE_LIST, record_error
from .upsert import assign

# In `TargetGroup.details`: the digest of the list row last seen, where the supplier gives no change time.
LIST_FINGERPRINT = "list_fingerprint"
# The statuses of target groups that can still change; the others are listed less often.
MOVING = ("draft", "scheduled", "live", "paused")


def lists_everything(connection, adapter):
    """Whether this run lists every target group, or (where the supplier can filter) only those that can move."""
    if not adapter.capabilities.lists_by_status:
        return True
    since = timezone.now() - timedelta(seconds=settings.SYNC_FULL_LIST_EVERY_SECONDS)
    return not SyncRun.objects.filter(
        connection=connection, target_group=None, listed_everything=True, error_count=0, finished_at__gte=since
    ).exists()


def list_projects(adapter, connection, run, tally):
    """Upsert the connection's projects from its list; None when the list could not be read (recorded)."""
    try:
        records = list(adapter.iter_projects())
    except errors.SupplierError as exc:
        record_error(run, None, exc, "listing projects")
        return None
    return _upsert_projects(connection, records, tally)


def list_target_groups(adapter, projects, run, tally, *, everything=True, readers=None):
    """Upsert the target groups of `projects` from their lists; return [(tg, changed hint)] to read further.

    Unless `everything`, only the target groups that can still move are listed; one the cockpit
    has as moving that is no longer in that list (it was completed, say) is read on its own.
    With `readers` (a `Readers`), the lists of several projects are read at once, each on an adapter
    of its own; every write happens here, one project after another.
    """

    def read(project):
        reader = readers.adapter() if readers is not None else adapter
        try:
            if everything:
                return list(reader.iter_target_groups(project.remote_id))
            return list(reader.iter_target_groups(project.remote_id, statuses=MOVING))
        except errors.SupplierError as exc:
            return exc

    answers = readers.map(read, projects) if readers is not None and len(projects) > 1 else map(read, projects)
    known = _known_target_groups(projects)
    queue, listed = [], []
    for project, records in zip(projects, answers, strict=True):
        if isinstance(records, errors.SupplierError):
            record_error(run, None, records, f"listing the target groups of {project.name}")
            continue
        queue.extend(_upsert_target_groups(project, records, tally, known[project.pk], listed, complete=everything))
    # Its row in the list is a read of it: one the list shows unchanged was confirmed just now.
    TargetGroup.objects.filter(pk__in=listed).update(last_read_at=timezone.now())
    return queue


def _known_target_groups(projects):
    """{project pk: {remote id: target group}} with their quota counts, in one query for all `projects`."""
    by_pk = {project.pk: project for project in projects}
    known = {pk: {} for pk in by_pk}
    for tg in TargetGroup.objects.filter(project__in=projects).with_quota_counts():
        tg.project = by_pk[tg.project_id]
        known[tg.project_id][tg.remote_id] = tg
    return known


def _upsert_projects(connection, records, tally):
    now = timezone.now()
    existing = {p.remote_id: p for p in connection.projects.all()}  # each project knows its connection
    seen = []
    for record in records:
        values = {
            "name": record.name,
            "human_readable_id": record.human_readable_id,
            "status": record.status or Project.Status.ACTIVE,
            "purchase_order_number": record.purchase_order_number,
            "last_activity_at": record.last_activity_at,
            "vanished_at": None,
        }
        if record.project_manager_id:
            values["project_manager_id"] = record.project_manager_id
        project = existing.get(record.remote_id)
        if project is None:
            project = Project.objects.create(connection=connection, remote_id=record.remote_id, synced_at=now, **values)
            tally.created += 1
        else:
            changed = assign(project, values)
            if changed:
                project.save(update_fields=changed)
                tally.updated += 1
        seen.append(project)
    seen_ids = {p.remote_id for p in seen}
    gone = [
        p.pk for p in existing.values() if p.remote_id not in seen_ids and p.vanished_at is None and not p.is_pending
    ]
    if gone:
        tally.vanished += Project.objects.filter(pk__in=gone).update(vanished_at=now)
    Project.objects.filter(pk__in=[p.pk for p in seen]).update(synced_at=now)
    return seen


def _upsert_target_groups(project, records, tally, existing, listed, *, complete=True):
    """Upsert a project's target groups from its list (`existing`: those the cockpit has, by remote id, with
    their quota counts); add the pks of those listed to `listed`; return [(tg, changed hint)] of launched ones."""
    now = timezone.now()
    queue, seen = [], set()
    for record in records:
        values = record_values(record, defaults={"status": DRAFT})
        if record.remote_id in existing:
            values = floor_counts(existing[record.remote_id], values)
        tg = existing.get(record.remote_id)
        moved = _list_row_moved(record, tg)
        values["remote_updated_at"] = _changed_at(record, tg, moved, now)
        if record.fingerprint:
            values.setdefault("details", {})[LIST_FINGERPRINT] = record.fingerprint
        values["vanished_at"] = None
        if tg is None:
            tg = TargetGroup.objects.create(project=project, remote_id=record.remote_id, **values)
            tally.created += 1
            hint = True
        else:
            hint = moved
            before = tg.status
            changed = assign(tg, merged_details(tg, values))
            if changed:
                tg.save(update_fields=changed)
                tally.updated += 1
                tell_status_moved(tg, before)
        seen.add(tg.remote_id)
        listed.append(tg.pk)
        if tg.status != DRAFT:
            queue.append((tg, hint))
    missing = [
        tg for tg in existing.values() if tg.remote_id not in seen and tg.vanished_at is None and not tg.is_pending
    ]
    if complete:
        if missing:
            tally.vanished += TargetGroup.objects.filter(pk__in=[tg.pk for tg in missing]).update(vanished_at=now)
    else:
        # Left the list of what can move: its status changed (completed, archived…), or it is gone;
        # read it to see.
        queue.extend((tg, LEFT_THE_LIST) for tg in missing if tg.status in MOVING and tg.status != DRAFT)
    return queue


def _list_row_moved(record, tg):
    """Whether the list row says the target group changed since the cockpit last listed it."""
    if tg is None:
        return True
    if record.fingerprint:  # the supplier gives no change time: the row's digest tells
        return record.fingerprint != (tg.details or {}).get(LIST_FINGERPRINT)
    return record.updated_at is None or record.updated_at != tg.remote_updated_at


def _changed_at(record, tg, moved, now):
    """When the supplier changed the target group: its own time where it gives one, else when a sync
    first saw the row as it is (never a time made up)."""
    if record.updated_at is not None or not record.fingerprint:
        return record.updated_at
    return now if moved else tg.remote_updated_at


def reapply_pending(connection):
    """The lists may have overwritten a field a pending change is about (the filling goal): show the intent again."""
    unsettled = RemoteChange.objects.filter(
        target_group__project__connection=connection,
        state__in=[RemoteChange.State.PENDING, RemoteChange.State.SENDING],
    )
    tg_ids = set(unsettled.values_list("target_group_id", flat=True))
    for tg in TargetGroup.objects.filter(pk__in=tg_ids).select_related("project__connection"):
        reapply_intents(tg)
