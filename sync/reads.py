"""Reading one target group in full: the supplier is asked first (network only, so a few reads can run at
once, each on an adapter of its own), then what it said is stored in one short transaction."""

import logging
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects.models import TargetGroup
from suppliers import errors

from .adapters import adapter_for
from .intents import reapply_intents
from .locks import lock_target_group
from .mirror import DRAFT, SYNC_VERSION, apply_record
from .models import RemoteChange, SyncRun
from .news import tell_status_moved

log = logging.getLogger(__name__)

# The changed-hint of a target group that left the list of what can move.
LEFT_THE_LIST = "left the list"

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
        record_error(run, tg, read.error)
        return
    if read.draft is not None:
        with transaction.atomic():
            lock_target_group(tg.pk)
            tally.updated += sum(store(tg, read.draft) for store in DRAFT_STORE)
            reapply_intents(tg)
            _mark_synced(tg)
        return
    before = tg.status
    if read.unchanged:
        if apply_record(tg, read.record):  # one UPDATE, only when the check moved a field
            tally.updated += 1
            reapply_intents(tg)
            tell_status_moved(tg, before)
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
        tell_status_moved(tg, before)
        tg.take_version(version)
        tally.updated += changed
        for store, answer in answers:
            tally.add(store(tg, answer))
        reapply_intents(tg)
        _mark_synced(tg)


def sync_one(adapter, tg, run, tally, *, force=False, changed_hint=True):
    """Read one target group in full, unless its list row showed it unchanged since the last full read."""
    if tg.is_pending or tg.project.is_pending:
        return  # not created at the supplier yet
    store_read(read_target_group(adapter, tg, force=force, changed_hint=changed_hint), run, tally)


class Readers:
    """A few threads that ask the supplier at once, each on an adapter of its own. They only read: every
    write stays in the caller's thread, one target group after another. `requests_made` counts theirs."""

    def __init__(self, connection, workers):
        self.connection = connection
        self.workers = workers
        self._local = threading.local()
        self._adapters = []
        self._pool = None

    def adapter(self):
        """This thread's adapter (made on first use)."""
        if not hasattr(self._local, "adapter"):
            self._local.adapter = adapter_for(self.connection)
            self._adapters.append(self._local.adapter)
        return self._local.adapter

    def map(self, function, items):
        """`function` over `items`, a few at a time, the results in order."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers)
        return self._pool.map(function, items)

    @property
    def requests_made(self):
        return sum(reader.request_count for reader in self._adapters)

    def close(self):
        if self._pool is not None:
            self._pool.shutdown()
        for reader in self._adapters:
            reader.close()


def sync_queue(adapter, connection, queue, run, tally, *, readers=None, progress=None):
    """Read the queued target groups (a few at a time with `readers`), storing each in turn."""
    queue = [(tg, hint) for tg, hint in queue if not (tg.is_pending or tg.project.is_pending)]
    for tg, _ in queue:
        tg.project.connection = connection  # what the reading threads look at is at hand: they never query
    to_read, overdue = [], []
    for tg, hint in queue:
        if hint or not _known_unchanged(tg):
            to_read.append((tg, hint))
        elif _recently_read(tg):
            run.target_groups_unchanged += 1
        else:
            overdue.append((tg, hint))
    # Unchanged target groups are read in full once a period, spread evenly over it: each sync reads its
    # share of them, those waiting longest first, so target groups first synced together do not all fall
    # due at the same sync.
    overdue.sort(key=lambda item: item[0].synced_at)
    share = math.ceil(len(queue) * periodic_share(run)) if overdue else 0
    to_read.extend(overdue[:share])
    run.target_groups_unchanged += len(overdue[share:])
    items = progress(to_read) if progress else to_read
    if readers is None or len(to_read) <= 1:
        for tg, hint in items:
            store_read(read_target_group(adapter, tg, changed_hint=hint), run, tally)
        return

    def read(item):
        tg, hint = item
        return read_target_group(readers.adapter(), tg, changed_hint=hint)

    for result in readers.map(read, items):
        store_read(result, run, tally)


def sync_version(tg):
    return (tg.details or {}).get(SYNC_VERSION, "")


def periodic_share(run):
    """The part of the period of full reads (`SYNC_FULL_READ_EVERY_SECONDS`) since the connection's previous
    sync began: the share of its unchanged target groups this sync reads in full (1 for the first sync, or
    after a pause longer than the period)."""
    period = settings.SYNC_FULL_READ_EVERY_SECONDS
    previous = (
        SyncRun.objects.filter(connection=run.connection_id, target_group=None, started_at__lt=run.started_at)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if previous is None or period <= 0:
        return 1.0
    return min(1.0, int((run.started_at - previous).total_seconds()) / period)  # whole seconds


def _known_unchanged(tg):
    """Whether the list can tell this target group changed: it was read in full without error and the supplier
    gives a change time (or the list row's digest stands for one)."""
    return not tg.sync_error and tg.synced_at is not None and tg.remote_updated_at is not None


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


def record_error(run, tg, exc, doing=None):
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
