"""Pull sync: mirror a supplier connection's projects, target groups, profiles and fielding runs.

One run lists projects and, per project, target groups (paginated), upserting them by
remote id. Then each launched target group costs one request (its details, whose ETag
says whether anything changed) and, only when something did, a full read: overview,
v2 profiles with quotas and interlock, and fielding runs. A failing target group is
recorded on the target group and on the run, and the others go on.

The per-app parts (profiles and quotas, fielding runs) live with their apps, which
register them (`quotas.sync`, `fielding.sync`); the target group's own fields are
written here.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects.models import Project, TargetGroup
from suppliers.cint import errors

from .cint import client_for
from .models import RemoteChange, SyncRun
from .outbox import close_client, reapply_intents
from .upsert import Tally, assign, decimal, stat, when, whole

log = logging.getLogger(__name__)

SYNC_ETAG = "sync_etag"
DRAFT = TargetGroup.Status.DRAFT

# The other apps' parts of a launched target group (profiles and quotas, fielding runs),
# registered by their `sync` modules, which SyncConfig.ready loads: `read(client, tg)` asks
# the supplier (one request) and `store(tg, answer)` mirrors the answer, returning a Tally.
PARTS = {}
# How a draft target group's own body is stored: `store(tg, data)` returns rows updated.
DRAFT_STORE = []


def register_part(name, *, read, store):
    PARTS[name] = (read, store)


def register_draft_store(store):
    DRAFT_STORE[:] = [store]


def sync_target_group(tg, client=None):
    """Re-read one target group in full ("Refresh from supplier"); returns the SyncRun."""
    return sync_connection(tg.project.connection, target_group=tg, client=client)


def sync_connection(connection, target_group=None, progress=None, client=None):
    """Sync a connection (or only `target_group` of it, read in full) and return its SyncRun.

    `progress`, if given, wraps the list of target groups to read (``tqdm`` fits).
    """
    run = SyncRun.objects.create(connection=connection, target_group=target_group)
    own_client = client is None
    client = client or client_for(connection)
    started_with = client.request_count
    tally = Tally()
    try:
        if target_group is not None:
            _sync_target_group(client, target_group, run, tally, force=True)
        else:
            queue = _sync_lists(client, connection, run, tally)
            for tg, hint in progress(queue) if progress else queue:
                _sync_target_group(client, tg, run, tally, changed_hint=hint)
            connection.last_synced_at = timezone.now()
            connection.save(update_fields=["last_synced_at"])
    finally:
        run.requests_made = client.request_count - started_with
        run.objects_created = tally.created
        run.objects_updated = tally.updated + tally.vanished
        run.finished_at = timezone.now()
        run.save()
        if own_client:
            close_client(client)
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


def _sync_lists(client, connection, run, tally):
    """Upsert projects and target groups from the lists; return [(tg, changed hint)] to read further."""
    try:
        items = list(client.iter_projects())
    except errors.CintError as exc:
        _record_error(run, None, exc, "listing projects")
        return []
    projects = _upsert_projects(connection, items, tally)
    queue = []
    for project in projects:
        try:
            tg_items = list(client.iter_target_groups(project.remote_id))
        except errors.CintError as exc:
            _record_error(run, None, exc, f"listing the target groups of {project.name}")
            continue
        queue.extend(_upsert_target_groups(project, tg_items, tally))
    return queue


def _upsert_projects(connection, items, tally):
    now = timezone.now()
    existing = {p.remote_id: p for p in Project.objects.filter(connection=connection)}
    seen = []
    for item in items:
        values = {
            "name": (item.get("name") or "")[:255],
            "human_readable_id": item.get("human_readable_id") or "",
            "status": item.get("status") or Project.Status.ACTIVE,
            "purchase_order_number": item.get("purchase_order_number") or "",
            "last_activity_at": when(item.get("last_activity_at")),
            "vanished_at": None,
        }
        if item.get("project_manager_id"):
            values["project_manager_id"] = str(item["project_manager_id"])
        project = existing.get(item["id"])
        if project is None:
            project = Project.objects.create(connection=connection, remote_id=item["id"], synced_at=now, **values)
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


def list_item_values(item):
    """TargetGroup fields from a target group list item (``TargetGroupsListItem``)."""
    statistics = item.get("statistics") or {}
    values = {
        "name": (item.get("name") or "")[:255],
        "status": item.get("status") or DRAFT,
        "locale": item.get("locale") or "",
        "remote_updated_at": when(item.get("updated_at")),
        "vanished_at": None,
    }
    # Fields the details also carry: only when the list has them, so the two never fight.
    if item.get("human_readable_id"):
        values["human_readable_id"] = item["human_readable_id"]
    if item.get("project_manager_id"):
        values["project_manager_id"] = str(item["project_manager_id"])
    if item.get("created_at"):
        values["remote_created_at"] = when(item["created_at"])
    progress = stat(statistics, "progress")
    if isinstance(progress, dict):
        values.update(_progress_values(progress))
    for name, places in (("incidence_rate", 4), ("conversion_rate", 4), ("drop_off_rate", 4)):
        if name in statistics:
            values[name] = decimal(stat(statistics, name), places)
    if "median_length_of_interview_seconds" in statistics:
        values["median_length_of_interview_seconds"] = _int_or_none(
            stat(statistics, "median_length_of_interview_seconds")
        )
    return values


def _upsert_target_groups(project, items, tally):
    """Upsert a project's target groups from its list; return [(tg, changed hint)] of launched ones."""
    now = timezone.now()
    existing = {tg.remote_id: tg for tg in project.target_groups.all()}
    queue, seen = [], set()
    for item in items:
        values = list_item_values(item)
        tg = existing.get(item["id"])
        if tg is None:
            tg = TargetGroup.objects.create(project=project, remote_id=item["id"], **values)
            tally.created += 1
            hint = True
        else:
            hint = values["remote_updated_at"] is None or values["remote_updated_at"] != tg.remote_updated_at
            changed = assign(tg, values)
            if changed:
                tg.save(update_fields=changed)
                tally.updated += 1
        seen.add(tg.remote_id)
        if tg.status != DRAFT:
            queue.append((tg, hint))
    gone = [
        tg.pk for tg in existing.values() if tg.remote_id not in seen and tg.vanished_at is None and not tg.is_pending
    ]
    if gone:
        tally.vanished += TargetGroup.objects.filter(pk__in=gone).update(vanished_at=now)
    _reapply_pending(project)
    return queue


def _reapply_pending(project):
    """The list may have overwritten a field a pending change is about (the filling goal): show the intent again."""
    unsettled = RemoteChange.objects.filter(
        target_group__project=project, state__in=[RemoteChange.State.PENDING, RemoteChange.State.SENDING]
    )
    tg_ids = set(unsettled.values_list("target_group_id", flat=True))
    for tg in TargetGroup.objects.filter(pk__in=tg_ids):
        reapply_intents(tg)


# --- one target group ----------------------------------------------------------------------


def _sync_target_group(client, tg, run, tally, *, force=False, changed_hint=True):
    """Read one target group: one request if it did not change, a full read if it did."""
    project_id, tg_id = tg.project.remote_id, tg.remote_id
    if tg.is_pending or tg.project.is_pending:
        return  # not created at the supplier yet
    read_at = timezone.now()
    try:
        try:
            details = client.get_target_group_details(project_id, tg_id)
        except errors.NotFound:
            if tg.status != DRAFT:
                raise
            # Details exist for launched target groups only: this one is still a draft.
            draft = client.get_target_group(project_id, tg_id)
            with transaction.atomic():
                tally.updated += sum(store(tg, draft.data or {}) for store in DRAFT_STORE)
                reapply_intents(tg)
                _mark_synced(tg)
            return
        if not force and _unchanged(tg, details, changed_hint):
            with transaction.atomic():
                if apply_details(tg, details.data or {}):
                    tally.updated += 1
                    reapply_intents(tg)
            run.target_groups_unchanged += 1
            return
        overview = client.get_target_group_overview(project_id, tg_id)
        answers = [(store, read(client, tg)) for read, store in PARTS.values()]
    except errors.CintError as exc:
        _record_error(run, tg, exc)
        return
    etag = details.etag or next((answer.etag for _, answer in answers if answer.etag), "")
    with transaction.atomic():
        if _changed_by_outbox_since(tg, read_at):
            # What the outbox stored from the supplier's answer is newer than this read;
            # the next sync reads the target group again (its sync ETag is left behind).
            _mark_synced(tg)
            return
        changed = apply_details(tg, details.data or {}) + apply_overview(tg, overview.data or {})
        # `etag` is what the next change sends in If-Match (the outbox moves it on with each
        # answer); `details["sync_etag"]` is the version this full read saw, so a change's
        # side effects (an interlock rescales every goal) are read by the next sync.
        changed += _save_changed(tg, {"etag": etag or tg.etag, "details": _with_details(tg, {SYNC_ETAG: etag})})
        tally.updated += min(1, changed)
        for store, answer in answers:
            tally.add(store(tg, answer))
        reapply_intents(tg)
        _mark_synced(tg)


def _changed_by_outbox_since(tg, moment):
    return RemoteChange.objects.filter(
        target_group=tg, state=RemoteChange.State.APPLIED, finished_at__gte=moment
    ).exists()


def _unchanged(tg, details, changed_hint):
    """Whether the details' ETag (or the list's updated_at) says nothing changed since the last full read."""
    if tg.sync_error or tg.synced_at is None:
        return False
    every = settings.SYNC_FULL_READ_EVERY_SECONDS
    if timezone.now() - tg.synced_at > timedelta(seconds=every):
        return False
    if details.etag:
        return details.etag == (tg.details or {}).get(SYNC_ETAG) and not changed_hint
    return not changed_hint and tg.remote_updated_at is not None


def _mark_synced(tg):
    tg.synced_at = timezone.now()
    tg.sync_error = ""
    tg.sync_error_at = None
    tg.save(update_fields=["synced_at", "sync_error", "sync_error_at"])


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


def _save_changed(tg, values):
    changed = assign(tg, values)
    if changed:
        tg.save(update_fields=changed)
    return 1 if changed else 0


def _progress_values(progress):
    values = {
        "current_completes": whole(progress.get("current_completes")),
        "current_prescreens": whole(progress.get("current_prescreens")),
    }
    if progress.get("filling_goal") is not None:
        values["filling_goal"] = whole(progress.get("filling_goal"))
    return values


def _money(amount):
    if not isinstance(amount, dict) or amount.get("value") in (None, ""):
        return None, ""
    return decimal(amount.get("value"), 4), amount.get("currency_code") or ""


def _int_or_none(value):
    try:
        return None if value is None else max(0, int(value))
    except (TypeError, ValueError):
        return None


def _with_details(tg, extra):
    """`tg.details` with the keys of `extra` replaced (other apps keep their own keys there)."""
    merged = dict(tg.details or {})
    merged.update({key: value for key, value in extra.items() if value is not None})
    return merged


def apply_details(tg, data):
    """Write a launched target group's details (``TargetGroupDetails``); returns 1 if anything changed."""
    if not data:
        return 0
    values = {
        "name": (data.get("name") or tg.name)[:255],
        "human_readable_id": data.get("human_readable_id") or tg.human_readable_id,
        "business_unit_id": str(data.get("business_unit_id") or ""),
        "project_manager_id": str(data.get("project_manager_id") or ""),
        "study_type_code": data.get("study_type_code") or "",
        "industry_code": data.get("industry_code") or "",
        "industry_lockout_code": data.get("industry_lockout_code") or "",
        "locale": data.get("locale") or tg.locale,
        "collects_pii": bool(data.get("collects_pii")),
        "live_url": data.get("live_url") or "",
        "test_url": data.get("test_url") or "",
        "remote_created_at": when(data.get("created_at")) or tg.remote_created_at,
    }
    if data.get("filling_goal") is not None:
        values["filling_goal"] = whole(data["filling_goal"])
    if data.get("expected_length_of_interview_minutes") is not None:
        values["expected_length_of_interview_minutes"] = whole(data["expected_length_of_interview_minutes"])
    if data.get("expected_incidence_rate") is not None:
        values["expected_incidence_rate"] = decimal(data["expected_incidence_rate"], 2)
    if "client_cpi" in data:
        values["cpi"], values["cpi_currency"] = _money(data.get("client_cpi"))
    values["details"] = _with_details(
        tg, {"account_name": data.get("account_name"), "client_id": data.get("client_id"), "links": data.get("links")}
    )
    return _save_changed(tg, values)


def apply_overview(tg, data):
    """Write a target group's overview (``TargetGroupOverview``): status, progress, rates, pricing."""
    if not data:
        return 0
    values = {}
    if data.get("status"):
        values["status"] = data["status"]
    if isinstance(data.get("progress"), dict):
        values.update(_progress_values(data["progress"]))
    pricing = {"ratecard": TargetGroup.PricingModel.RATE_CARD, "dynamic": TargetGroup.PricingModel.DYNAMIC}
    if data.get("pricing_model") in pricing:
        values["pricing_model"] = pricing[data["pricing_model"]]
    for name in ("incidence_rate", "conversion_rate", "drop_off_rate"):
        if name in data:
            values[name] = decimal(data.get(name), 4)
    if "median_length_of_interview_seconds" in data:
        values["median_length_of_interview_seconds"] = _int_or_none(data.get("median_length_of_interview_seconds"))
    if data.get("study_type_code"):
        values["study_type_code"] = data["study_type_code"]
    progress = data.get("progress") or {}
    values["details"] = _with_details(
        tg,
        {
            "filling_strategy": progress.get("filling_strategy"),
            "is_pricing_restricted": data.get("is_pricing_restricted"),
            "current_cost": data.get("current_cost"),
            "current_cost_per_interview": data.get("current_cost_per_interview"),
            "average_cost_per_interview": data.get("average_cost_per_interview"),
            "country_code": data.get("country_code"),
            "language_code": data.get("language_code"),
        },
    )
    return _save_changed(tg, values)


def refresh_details(client, tg, *, exclude_change=None):
    """Re-read a launched target group's details (and its ETag); returns the supplier's data."""
    response = client.get_target_group_details(tg.project.remote_id, tg.remote_id)
    data = response.data or {}
    with transaction.atomic():
        apply_details(tg, data)
        if response.etag and response.etag != tg.etag:
            tg.etag = response.etag
            tg.save(update_fields=["etag"])
        reapply_intents(tg, exclude=exclude_change)
    return data
