"""Mirror a launched target group's fielding runs from the supplier (upserts only).

Runs are keyed by the supplier's id; the target group's fielding period follows its
latest run. The rest of fielding (launch, pause, jobs) lives elsewhere in this app.
Fielding runs and drafts are Cint features (capabilities `fielding_runs`, `drafts`):
they are read through the Cint client the adapter holds (``adapter.client``).
"""

from django.db import transaction
from django.utils import timezone

from suppliers import errors
from sync.locks import lock_target_group
from sync.reads import register_draft_store, register_part
from sync.upsert import Tally, assign, when, whole

from .draft import apply_draft_body, body_from_supplier, draft_body
from .models import FieldingRun


def sync_fielding_runs(client, tg):
    """Read the target group's fielding runs from the supplier and mirror them. Returns a Tally."""
    response = client.list_fielding_runs(tg.project.remote_id, tg.remote_id)
    return upsert_fielding_runs(tg, (response.data or {}).get("data") or [])


def upsert_fielding_runs(tg, items, *, now=None):
    """Mirror a list of ``FieldingRunItem``; runs the supplier no longer lists are left as they were."""
    now = now or timezone.now()
    tally = Tally()
    existing = {run.remote_id: run for run in FieldingRun.objects.filter(target_group=tg)}
    creating, updating, fields = [], [], set()
    for item in items:
        if not item.get("id"):
            continue
        values = {
            "status": item.get("status") or "",
            "start_fielding_at": when(item.get("start_fielding_at")),
            "end_fielding_at": when(item.get("end_fielding_at")),
            "version": whole(item.get("version")),
            "last_changed_at": when(item.get("last_changed_at")),
            "last_changed_by": str(item.get("last_changed_by") or ""),
        }
        run = existing.get(str(item["id"]))
        if run is None:
            creating.append(FieldingRun(target_group=tg, remote_id=str(item["id"]), synced_at=now, **values))
            continue
        changed = assign(run, values)
        if changed:
            updating.append(run)
            fields.update(changed)
    with transaction.atomic():
        lock_target_group(tg.pk)
        FieldingRun.objects.bulk_create(creating)
        if updating:
            FieldingRun.objects.bulk_update(updating, sorted(fields))
        seen = [str(item["id"]) for item in items if item.get("id")]
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
    from sync.suppliers import adapter_for

    from .draft import DRAFT_KEY, is_created

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
    return adapter.client.list_fielding_runs(tg.project.remote_id, tg.remote_id)


def _store_runs(tg, answer):
    return upsert_fielding_runs(tg, (answer.data or {}).get("data") or [])


def _store_draft(tg, record):
    return apply_supplier_draft(tg, record.extra.get("draft") or {})


# Fielding runs are Cint's (the `fielding_runs` capability); so is the draft body's shape.
register_part("fielding_runs", read=_read_runs, store=_store_runs, capability="fielding_runs")
register_draft_store(_store_draft)
