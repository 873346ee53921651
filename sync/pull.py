"""Pull sync: mirror a supplier connection's projects, target groups, profiles and fielding runs.

Everything is read through the connection's adapter (`sync.suppliers.adapter_for`),
which hands over plain records (`suppliers.records`). One run lists projects and, per
project, target groups (paginated), upserting them by remote id: the list rows carry the
counts and when each target group last changed. A launched target group whose list row
says nothing changed since the last full read costs nothing more (a full read still
happens every `SYNC_FULL_READ_EVERY_SECONDS`); a changed one is read in full: its fields,
its profiles with quotas and interlocks, and the parts other apps register for suppliers
that have them (Cint's fielding runs). A failing
target group is recorded on the target group and on the run, and the others go on.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.models import Project, TargetGroup
from suppliers import errors

from .locks import lock_target_group
from .models import RemoteChange, SyncRun
from .outbox import reapply_intents
from .suppliers import adapter_for
from .upsert import Tally, assign

log = logging.getLogger(__name__)

# In `TargetGroup.details`: the version the last full read saw (the TG's own `version`
# moves on with every change the outbox sends, so it cannot tell what was read).
SYNC_VERSION = "sync_version"
# In `TargetGroup.details`: the digest of the list row last seen, where the supplier gives no change time.
LIST_FINGERPRINT = "list_fingerprint"
DRAFT = TargetGroup.Status.DRAFT

# The parts of a launched target group other apps mirror, registered by their `mirror`
# modules (which SyncConfig.ready loads): `read(adapter, tg)` asks the supplier (one
# request) and `store(tg, answer)` mirrors the answer, returning a Tally. A part with a
# `capability` is read only from suppliers that have it.
PARTS = {}
# How a draft target group's own body is stored: `store(tg, record)` returns rows updated.
DRAFT_STORE = []


def register_part(name, *, read, store, capability=""):
    PARTS[name] = (read, store, capability)


def register_draft_store(store):
    DRAFT_STORE[:] = [store]


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
            _sync_target_group(adapter, target_group, run, tally, force=True)
            TargetGroup.objects.filter(pk=target_group.pk).align_counts()
        else:
            run.listed_everything = _lists_everything(connection, adapter)
            queue = _sync_lists(adapter, connection, run, tally, everything=run.listed_everything)
            listed = run.error_count == 0  # every list was read
            more_requests = _sync_queue(
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


# --- lists ---------------------------------------------------------------------------------


# A run that has not finished after this long is taken for dead (a worker killed mid-sync).
RUN_CONSIDERED_DEAD_AFTER = timedelta(minutes=10)
# The statuses of target groups that can still change; the others are listed less often.
MOVING = ("draft", "scheduled", "live", "paused")
# The changed-hint of a target group that left the list of what can move.
LEFT_THE_LIST = "left the list"


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


def _lists_everything(connection, adapter):
    """Whether this run lists every target group, or (where the supplier can filter) only those that can move."""
    if not adapter.capabilities.lists_by_status:
        return True
    since = timezone.now() - timedelta(seconds=settings.SYNC_FULL_LIST_EVERY_SECONDS)
    return not SyncRun.objects.filter(
        connection=connection, target_group=None, listed_everything=True, error_count=0, finished_at__gte=since
    ).exists()


def _sync_lists(adapter, connection, run, tally, *, everything=True):
    """Upsert projects and target groups from the lists; return [(tg, changed hint)] to read further.

    Unless `everything`, only the target groups that can still move are listed; one the cockpit
    has as moving that is no longer in that list (it was completed, say) is read on its own."""
    try:
        records = list(adapter.iter_projects())
    except errors.SupplierError as exc:
        _record_error(run, None, exc, "listing projects")
        return []
    projects = _upsert_projects(connection, records, tally)
    queue = []
    for project in projects:
        try:
            if everything:
                tg_records = list(adapter.iter_target_groups(project.remote_id))
            else:
                tg_records = list(adapter.iter_target_groups(project.remote_id, statuses=MOVING))
        except errors.SupplierError as exc:
            _record_error(run, None, exc, f"listing the target groups of {project.name}")
            continue
        queue.extend(_upsert_target_groups(project, tg_records, tally, complete=everything))
    _reapply_pending(connection)
    return queue


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


def _upsert_target_groups(project, records, tally, *, complete=True):
    """Upsert a project's target groups from its list; return [(tg, changed hint)] of launched ones."""
    now = timezone.now()
    existing = {tg.remote_id: tg for tg in project.target_groups.with_quota_counts()}
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
            changed = assign(tg, _merged_details(tg, values))
            if changed:
                tg.save(update_fields=changed)
                tally.updated += 1
        seen.add(tg.remote_id)
        if tg.status != DRAFT:
            queue.append((tg, hint))
    missing = [
        tg for tg in existing.values() if tg.remote_id not in seen and tg.vanished_at is None and not tg.is_pending
    ]
    # Its row in the list is a read of it: one the list shows unchanged was confirmed just now.
    TargetGroup.objects.filter(project=project, remote_id__in=seen).update(last_read_at=now)
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


def _reapply_pending(connection):
    """The lists may have overwritten a field a pending change is about (the filling goal): show the intent again."""
    unsettled = RemoteChange.objects.filter(
        target_group__project__connection=connection,
        state__in=[RemoteChange.State.PENDING, RemoteChange.State.SENDING],
    )
    tg_ids = set(unsettled.values_list("target_group_id", flat=True))
    for tg in TargetGroup.objects.filter(pk__in=tg_ids).select_related("project__connection"):
        reapply_intents(tg)


# --- one target group ----------------------------------------------------------------------


@dataclass
class Read:
    """What the supplier said of one target group, read without touching the database."""

    tg: TargetGroup
    read_at: object
    skipped: bool = False  # the list row showed no change: nothing was asked
    record: object = None
    unchanged: bool = False  # the version check said nothing moved
    draft: object = None
    answers: list = field(default_factory=list)
    error: errors.SupplierError | None = None
    left_list: bool = False  # it was no longer in the list of what can move


def read_target_group(adapter, tg, *, force=False, changed_hint=True):
    """Ask the supplier about one target group (network only, so reads can run a few at a time)."""
    read = Read(tg=tg, read_at=timezone.now(), left_list=changed_hint == LEFT_THE_LIST)
    if not force and not changed_hint and _recently_read(tg):
        read.skipped = True
        return read
    may_skip = not force and _may_skip(tg, changed_hint)
    try:
        try:
            read.record, changed = adapter.read_target_group(
                tg.ref, known_version=sync_version(tg) if may_skip else None
            )
        except errors.NotFound:
            if tg.status != DRAFT:
                raise
            # Only launched target groups have a launched read: this one is still a draft.
            read.draft = adapter.read_draft(tg.ref)
            return read
        if may_skip and not changed:
            read.unchanged = True
            return read
        capabilities = tg.capabilities
        read.answers = [
            (store, fetch(adapter, tg))
            for fetch, store, capability in PARTS.values()
            if not capability or capabilities.allows(capability)
        ]
    except errors.SupplierError as exc:
        read.error = exc
    return read


def store_read(read, run, tally):
    """Mirror what `read_target_group` brought, in one short transaction (only when something is written)."""
    tg = read.tg
    if read.skipped:
        run.target_groups_unchanged += 1
        return
    if isinstance(read.error, errors.NotFound) and read.left_list:
        tally.vanished += TargetGroup.objects.filter(pk=tg.pk, vanished_at__isnull=True).update(
            vanished_at=timezone.now()
        )
        return
    if read.error is not None:
        _record_error(run, tg, read.error)
        return
    if read.draft is not None:
        with transaction.atomic():
            lock_target_group(tg.pk)
            tally.updated += sum(store(tg, read.draft) for store in DRAFT_STORE)
            reapply_intents(tg)
            _mark_synced(tg)
        return
    if read.unchanged:
        if apply_record(tg, read.record):  # one UPDATE, only when the check moved a field
            tally.updated += 1
            reapply_intents(tg)
        TargetGroup.objects.filter(pk=tg.pk).update(last_read_at=timezone.now())
        run.target_groups_unchanged += 1
        return
    answers, record = read.answers, read.record
    version = record.version or next((getattr(a, "version", "") for _, a in answers if getattr(a, "version", "")), "")
    with transaction.atomic():
        lock_target_group(tg.pk)
        if _changed_by_outbox_since(tg, read.read_at):
            # What the outbox stored from the supplier's answer is newer than this read;
            # the next sync reads the target group again (its sync version is left behind).
            _mark_synced(tg)
            return
        changed = apply_record(tg, record, extra={SYNC_VERSION: version})
        tg.take_version(version)
        tally.updated += changed
        for store, answer in answers:
            tally.add(store(tg, answer))
        reapply_intents(tg)
        _mark_synced(tg)


def _sync_target_group(adapter, tg, run, tally, *, force=False, changed_hint=True):
    """Read one target group in full, unless its list row showed it unchanged since the last full read."""
    if tg.is_pending or tg.project.is_pending:
        return  # not created at the supplier yet
    store_read(read_target_group(adapter, tg, force=force, changed_hint=changed_hint), run, tally)


def _sync_queue(adapter, connection, queue, run, tally, *, own_adapter, progress=None):
    """Read the queued target groups, a few at a time when the adapter is ours, storing each in turn.

    Only the reads run in threads (each on an adapter of its own); every write happens here,
    one target group after another. Returns the requests the threads' adapters made.
    """
    queue = [(tg, hint) for tg, hint in queue if not (tg.is_pending or tg.project.is_pending)]
    for tg, _ in queue:
        tg.project.connection = connection  # what the reading threads look at is at hand: they never query
    to_read = []
    for tg, hint in queue:
        if not hint and _recently_read(tg):
            run.target_groups_unchanged += 1
        else:
            to_read.append((tg, hint))
    items = progress(to_read) if progress else to_read
    workers = settings.SYNC_READ_CONCURRENCY if own_adapter else 1
    if workers <= 1 or len(to_read) <= 1:
        for tg, hint in items:
            store_read(read_target_group(adapter, tg, changed_hint=hint), run, tally)
        return 0
    local, extra = threading.local(), []

    def read(item):
        if not hasattr(local, "adapter"):
            local.adapter = adapter_for(connection)
            extra.append(local.adapter)
        tg, hint = item
        return read_target_group(local.adapter, tg, changed_hint=hint)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(read, items):
                store_read(result, run, tally)
    finally:
        made = sum(reader.request_count for reader in extra)
        for reader in extra:
            reader.close()
    return made


def sync_version(tg):
    return (tg.details or {}).get(SYNC_VERSION, "")


def _recently_read(tg):
    """Read in full, without error, less than `SYNC_FULL_READ_EVERY_SECONDS` ago (and the list says when it changed)."""
    if tg.sync_error or tg.synced_at is None or tg.remote_updated_at is None:
        return False
    return timezone.now() - tg.synced_at <= timedelta(seconds=settings.SYNC_FULL_READ_EVERY_SECONDS)


def _may_skip(tg, changed_hint):
    """Whether this read may stop at the version check (one request) when the version did not move."""
    if changed_hint or tg.sync_error or tg.synced_at is None:
        return False
    if timezone.now() - tg.synced_at > timedelta(seconds=settings.SYNC_FULL_READ_EVERY_SECONDS):
        return False
    return bool(sync_version(tg)) or tg.remote_updated_at is not None


def _changed_by_outbox_since(tg, moment):
    return RemoteChange.objects.filter(
        target_group=tg, state=RemoteChange.State.APPLIED, finished_at__gte=moment
    ).exists()


def _mark_synced(tg):
    tg.synced_at = tg.last_read_at = timezone.now()
    tg.sync_error = ""
    tg.sync_error_at = None
    tg.save(update_fields=["synced_at", "last_read_at", "sync_error", "sync_error_at"])


def _record_error(run, tg, exc, doing=None):
    if tg is not None:
        message = f"The last sync could not read this target group. {exc.message}"
        tg.record_sync_error(message)
    what = tg.name if tg is not None else doing
    log.warning("sync of %s: %s failed: %s", run.connection, what, exc.message)
    run.error_count += 1
    run.errors.append(
        {
            "target_group": tg.remote_id if tg is not None else None,
            "what": what,
            "status": exc.status,
            "message": exc.message,
        }
    )


# --- target group fields -------------------------------------------------------------------

# `TargetGroupRecord` fields stored as they come (None: the supplier did not say, keep ours).
RECORD_FIELDS = (
    "status",
    "status_label",
    "status_reason",
    "human_readable_id",
    "filling_goal",
    "expected_length_of_interview_minutes",
    "expected_incidence_rate",
    "median_length_of_interview_seconds",
    "incidence_rate",
    "conversion_rate",
    "drop_off_rate",
    "pricing_model",
    "cpi_currency",
    "fielding_start_at",
    "fielding_end_at",
    "live_url",
    "test_url",
    "project_manager_id",
    "business_unit_id",
    "study_type_code",
    "industry_code",
    "industry_lockout_code",
    "collects_pii",
)
# Record fields kept only when the supplier gives a non-empty value.
KEPT_WHEN_EMPTY = ("name", "locale")
# Record field -> model field, where the names differ.
RENAMED = {
    "completes": "current_completes",
    "prescreens": "current_prescreens",
    "created_at": "remote_created_at",
}


def record_values(record, defaults=None):
    """{TargetGroup field: value} for what `record` says (fields it leaves None are not included)."""
    values = dict(defaults or {})
    for name in RECORD_FIELDS:
        value = getattr(record, name)
        if value is not None:
            values[name] = value
    for name in KEPT_WHEN_EMPTY:
        value = getattr(record, name)
        if value:
            values[name] = value
    for name, model_field in RENAMED.items():
        value = getattr(record, name)
        if value is not None:
            values[model_field] = value
    if record.cpi is not None:
        values["cpi"] = record.cpi
    if record.extra:
        values["details"] = {key: value for key, value in record.extra.items() if value is not None}
    return values


def _merged_details(tg, values):
    """`values` with its "details" merged into the TG's (other parts keep their own keys there)."""
    if "details" in values:
        merged = dict(tg.details or {})
        merged.update(values["details"])
        values = {**values, "details": merged}
    return values


def floor_counts(tg, values):
    """`values` with counts no lower than what `tg`'s quotas already showed (`with_quota_counts`):
    a list row or a read can lag behind the quota fills webhooks brought since."""
    values = dict(values)
    for name, known in (("current_completes", "quota_completes"), ("current_prescreens", "quota_prescreens")):
        if name in values and getattr(tg, known, None) is not None:
            values[name] = max(values[name], getattr(tg, known))
    return values


def seen_live(tg, values, now=None):
    """`values` with the moment a read first finds `tg` live, and its completes then (read with them):
    the start of its pace where the supplier gives none."""
    if tg.seen_live_at is not None or values.get("status", tg.status) != TargetGroup.Status.LIVE:
        return values
    if "current_completes" not in values:  # a read without counts cannot start a pace
        return values
    return {**values, "seen_live_at": now or timezone.now(), "completes_when_seen_live": values["current_completes"]}


def apply_record(tg, record, *, extra=None):
    """Write what the supplier's `record` says on `tg`; returns 1 if anything changed."""
    values = seen_live(tg, floor_counts(tg, record_values(record)))
    if extra:
        values["details"] = {**values.get("details", {}), **extra}
    changed = assign(tg, _merged_details(tg, values))
    if changed:
        tg.save(update_fields=changed)
    return 1 if changed else 0


def refresh_target_group(adapter, tg):
    """Re-read a launched target group's own settings (and its version); returns the record read."""
    record, _ = adapter.read_target_group(tg.ref, with_statistics=False)
    with transaction.atomic():
        lock_target_group(tg.pk)
        apply_record(tg, record)
        tg.take_version(record.version)
    return record
