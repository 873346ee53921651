"""Mirror a launched target group's fielding runs from the supplier (upserts only).

Runs are keyed by the supplier's id; the target group's fielding period follows its
latest run. The rest of fielding (launch, pause, jobs) lives elsewhere in this app.
Fielding runs and drafts are Cint features (capabilities `fielding_runs`, `drafts`):
they are read through the feature the adapter provides (``adapter.fielding``).
"""

from django.db import transaction
from django.utils import timezone

from fielding.drafts.body import apply_draft_body, body_from_supplier, draft_body
from fielding.models import FieldingRun
from suppliers import errors
from sync.locks import lock_target_group, writing_target_group
from sync.reads import register_draft_store, register_part
from sync.upsert import Tally, assign


def sync_fielding_runs(fielding, tg):
    """Read the target group's fielding runs (through the adapter's `fielding`) and mirror them. Returns a Tally."""
    return upsert_fielding_runs(tg, fielding.list_runs(tg.ref))


def upsert_fielding_runs(tg, records, *, now=None):
    """Mirror a list of `FieldingRunRecord`s; runs the supplier no longer lists are left as they were."""
    now = now or timezone.now()
    tally = Tally()
    existing = {run.remote_id: run for run in FieldingRun.objects.filter(target_group=tg)}
    creating, updating, fields = [], [], set()
    for record in records:
        values = {
            "status": record.status,
            "start_fielding_at": record.start_fielding_at,
            "end_fielding_at": record.end_fielding_at,
            "version": record.revision,
            "last_changed_at": record.last_changed_at,
            "last_changed_by": record.last_changed_by,
        }
        run = existing.get(record.remote_id)
        if run is None:
            creating.append(FieldingRun(target_group=tg, remote_id=record.remote_id, synced_at=now, **values))
            continue
        changed = assign(run, values)
        if changed:
            updating.append(run)
            fields.update(changed)
    with writing_target_group(tg.pk):  # inside a sync's read, its transaction: no savepoint, no second lock
        FieldingRun.objects.bulk_create(creating)
        if updating:
            FieldingRun.objects.bulk_update(updating, sorted(fields))
        seen = [record.remote_id for record in records]
        FieldingRun.objects.filter(target_group=tg, remote_id__in=seen).update(synced_at=now)
        _follow_latest_run(tg, [*existing.values(), *creating])
    tally.created = len(creating)
    tally.updated = len(updating)
    return tally


def _follow_latest_run(tg, runs):
    """The target group's fielding period is its latest run's."""
    dated = [run for run in runs if run.start_fielding_at]
    if not dated:
        return
    latest = max(dated, key=lambda run: run.start_fielding_at)
    changed = assign(tg, {"fielding_start_at": latest.start_fielding_at, "fielding_end_at": latest.end_fielding_at})
    if changed:
        tg.save(update_fields=changed)


def apply_supplier_draft(tg, data):
    """Show a draft target group as the supplier has it (``FetchTargetGroupResponse``); 1 if anything changed."""
    if not data:
        return 0
    before = {field.attname: getattr(tg, field.attname) for field in tg._meta.concrete_fields}
    apply_draft_body(tg, body_from_supplier(data, previous=draft_body(tg)))
    changed = [name for name, value in before.items() if getattr(tg, name) != value]
    if changed:
        tg.save(update_fields=changed)
    return 1 if changed else 0


def read_supplier_draft(tg):
    """Bring the draft's body from the supplier when the cockpit holds none (a draft made in the
    supplier's own site, or never read in full: the list sync reads only launched target groups).

    Returns "" when the body is here (read or kept), or the reason it could not be read, in words.
    """
    from fielding.drafts.body import DRAFT_KEY, is_created
    from sync.adapters import adapter_for

    if (tg.details or {}).get(DRAFT_KEY) or not is_created(tg) or not tg.capabilities.drafts:
        return ""
    adapter = adapter_for(tg.project.connection)
    try:
        record = adapter.read_draft(tg.ref)
    except errors.SupplierError as exc:
        return f"The draft could not be read from the supplier ({exc.message})."
    finally:
        adapter.close()
    with transaction.atomic():
        lock_target_group(tg.pk)
        apply_supplier_draft(tg, record.extra.get("draft") or {})
        if record.version:
            tg.take_version(record.version)
    return ""


def _read_runs(adapter, tg):
    return adapter.fielding.list_runs(tg.ref)


def _store_runs(tg, records):
    return upsert_fielding_runs(tg, records)


def _store_draft(tg, record):
    return apply_supplier_draft(tg, record.extra.get("draft") or {})


# Fielding runs are Cint's (the `fielding_runs` capability); so is the draft body's shape.
register_part("fielding_runs", read=_read_runs, store=_store_runs, capability="fielding_runs")
register_draft_store(_store_draft)
