"""Mirror a target group's profiles, quotas and interlocked profile from the supplier.

Everything comes from the v2 profiles payload (``GetAllProfilesResponse``): regular
profiles in ``data``, and at most one ``interlocked_profile`` whose ``profiles`` are the
regular profiles it joins and whose ``quotas.ungrouped`` are its cells. Rows are keyed
by the supplier's id; existing rows are read in one query per table, and only rows
whose values changed are written. A profile or interlock the supplier no longer has
gets ``vanished_at`` (kept for the record); a quota or cell that is gone is deleted.

After writing the supplier's values, the local intent of every change still waiting
in the outbox for this target group is shown again (`sync.outbox.reapply_intents`), so
a sync never makes a pending change look undone.
"""

from django.db import transaction
from django.utils import timezone

from sync.outbox import reapply_intents
from sync.pull import register_part
from sync.upsert import Tally, assign, whole

from .models import InterlockCell, InterlockedProfile, Profile, Quota, QuotaKind


def take_etag(tg, response):
    """Keep the target group's ETag when a response carries one."""
    etag = getattr(response, "etag", None)
    if etag and etag != tg.etag:
        tg.etag = etag
        type(tg).objects.filter(pk=tg.pk).update(etag=etag)


def profiles_in(payload):
    """Every regular profile of a v2 payload, with the interlock id each belongs to (or None)."""
    payload = payload or {}
    found = {}
    for data in payload.get("data") or []:
        if data.get("id"):
            found[data["id"]] = (data, data.get("interlock_id") or None)
    interlock = payload.get("interlocked_profile") or None
    if interlock:
        for data in interlock.get("profiles") or []:
            if data.get("id"):
                previous = found.get(data["id"], (data, None))[0]
                found[data["id"]] = ({**previous, **data}, interlock.get("id"))
    return found


def upsert_profiles(tg, payload, *, exclude_change=None, now=None):
    """Mirror a full v2 profiles payload: the target group's complete set of profiles."""
    now = now or timezone.now()
    payload = payload or {}
    interlock = payload.get("interlocked_profile") or None
    tally = Tally()
    with transaction.atomic():
        interlocks = _upsert_interlocks(tg, [interlock] if interlock and interlock.get("id") else [], now, tally)
        found = profiles_in(payload)
        links = {remote_id: interlocks.get(interlock_id) for remote_id, (_, interlock_id) in found.items()}
        _upsert_regular(tg, found, now, tally, complete=True, links=links)
        reapply_intents(tg, exclude=exclude_change)
    return tally


def upsert_profile(tg, data, *, exclude_change=None, now=None):
    """Mirror one regular profile (the answer to enable/disable quotas); its interlock link is left alone."""
    now = now or timezone.now()
    tally = Tally()
    if not data or not data.get("id"):
        return tally
    with transaction.atomic():
        _upsert_regular(tg, {data["id"]: (data, None)}, now, tally, complete=False, links=None)
        reapply_intents(tg, exclude=exclude_change)
    return tally


def upsert_interlocked_profile(tg, data, *, exclude_change=None, now=None):
    """Mirror a newly created interlocked profile with its cells, and link the profiles it joins."""
    now = now or timezone.now()
    tally = Tally()
    if not data or not data.get("id"):
        return tally
    with transaction.atomic():
        interlocks = _upsert_interlocks(tg, [data], now, tally, complete=False)
        members = {p["id"]: (p, data["id"]) for p in data.get("profiles") or [] if p.get("id")}
        links = {remote_id: interlocks.get(data["id"]) for remote_id in members}
        _upsert_regular(tg, members, now, tally, complete=False, links=links)
        reapply_intents(tg, exclude=exclude_change)
    return tally


def remove_interlocked_profile(tg, interlocked_profile_id, profiles_data, *, exclude_change=None, now=None):
    """Mirror a removed interlock: the interlock is marked gone and its profiles stand alone again."""
    now = now or timezone.now()
    tally = Tally()
    with transaction.atomic():
        tally.vanished += InterlockedProfile.objects.filter(
            target_group=tg, remote_id=interlocked_profile_id, vanished_at__isnull=True
        ).update(vanished_at=now)
        Profile.objects.filter(target_group=tg, interlocked_profile__remote_id=interlocked_profile_id).update(
            interlocked_profile=None
        )
        members = {p["id"]: (p, None) for p in profiles_data or [] if p.get("id")}
        _upsert_regular(tg, members, now, tally, complete=False, links={remote_id: None for remote_id in members})
        reapply_intents(tg, exclude=exclude_change)
    return tally


# --- rows ----------------------------------------------------------------------------------


def _profile_values(data, position):
    conditions = data.get("conditions") or {}
    return {
        "question_id": whole(data.get("question_id")),
        "name": (data.get("name") or "")[:255],
        "description": data.get("description") or "",
        "quotas_enabled": bool(data.get("quotas_enabled", True)),
        "conditions_kind": conditions.get("object") or "",
        "conditions": conditions.get("data") or [],
        "position": position,
        "vanished_at": None,
    }


def _quota_values(quota, kind, text, condition_ids, position):
    return {
        "kind": kind,
        "text": (text or "")[:500],
        "condition_ids": condition_ids,
        "quota": whole(quota.get("quota", quota.get("quota_percentage"))),
        "completes_goal": whole(quota.get("completes_goal", quota.get("filling_goal"))),
        "completes": whole(quota.get("completes")),
        "prescreens": whole(quota.get("prescreens")),
        "position": position,
    }


def _profile_quotas(data):
    """{quota remote id: values} for a regular profile's ungrouped and grouped quotas."""
    texts = {c.get("id"): c.get("text", "") for c in (data.get("conditions") or {}).get("data") or []}
    quotas = data.get("quotas") or {}
    wanted = {}
    for position, quota in enumerate(quotas.get("ungrouped") or []):
        condition = quota.get("condition")
        if isinstance(condition, dict):
            condition_ids, text = [condition.get("id")], condition.get("text", "")
        else:
            condition_ids, text = ([condition] if condition else []), texts.get(condition, "")
        wanted[quota["id"]] = _quota_values(quota, QuotaKind.UNGROUPED, text, condition_ids, position)
    for position, quota in enumerate(quotas.get("grouped") or []):
        if not isinstance(quota, dict):
            continue
        conditions = list(quota.get("conditions") or [])
        wanted[quota["id"]] = _quota_values(quota, QuotaKind.GROUPED, quota.get("name"), conditions, position)
    return wanted


def _cell_quotas(data):
    wanted = {}
    for position, cell in enumerate((data.get("quotas") or {}).get("ungrouped") or []):
        condition = cell.get("condition") or {}
        text = condition.get("text", "") if isinstance(condition, dict) else cell.get("text", "")
        values = _quota_values(cell, QuotaKind.UNGROUPED, text or cell.get("text", ""), [], position)
        values.pop("condition_ids")
        wanted[cell["id"]] = values
    return wanted


def _upsert_regular(tg, found, now, tally, *, complete, links):
    """Upsert regular profiles {remote id: (data, _)} and their quotas; `links` sets interlock FKs."""
    existing = {p.remote_id: p for p in Profile.objects.filter(target_group=tg)}
    creating, updating, fields = [], [], set()
    positions = {remote_id: position for position, remote_id in enumerate(found)}
    for remote_id, (data, _) in found.items():
        values = _profile_values(data, positions[remote_id] if complete else None)
        if values["position"] is None:
            values.pop("position")
        if links is not None and remote_id in links:
            values["interlocked_profile"] = links[remote_id]
        row = existing.get(remote_id)
        if row is None:
            creating.append(Profile(target_group=tg, remote_id=remote_id, synced_at=now, **values))
            continue
        changed = assign(row, values)
        if changed:
            updating.append(row)
            fields.update(changed)
    Profile.objects.bulk_create(creating)
    if updating:
        Profile.objects.bulk_update(updating, sorted(fields))
    tally.created += len(creating)
    tally.updated += len(updating)
    seen = {row.remote_id: row for row in creating} | {rid: existing[rid] for rid in found if rid in existing}
    Profile.objects.filter(pk__in=[row.pk for row in seen.values()]).update(synced_at=now)
    if complete:
        gone = [row.pk for rid, row in existing.items() if rid not in found and row.vanished_at is None]
        if gone:
            tally.vanished += Profile.objects.filter(pk__in=gone).update(vanished_at=now, interlocked_profile=None)
    wanted = {seen[rid].pk: _profile_quotas(data) for rid, (data, _) in found.items()}
    _upsert_cells(Quota, "profile_id", wanted, now, tally)


def _upsert_interlocks(tg, items, now, tally, *, complete=True):
    """Upsert interlocked profiles and their cells; returns {remote id: row}."""
    rows = list(InterlockedProfile.objects.filter(target_group=tg))
    if complete:
        # Placeholders of pending changes are put back by `reapply_intents`, if still pending.
        placeholders = [row.pk for row in rows if row.is_pending]
        if placeholders:
            InterlockedProfile.objects.filter(pk__in=placeholders).delete()
    existing = {row.remote_id: row for row in rows if not row.is_pending}
    result, creating, updating, fields = {}, [], [], set()
    for data in items:
        values = {
            "name": (data.get("name") or "")[:255],
            "quotas_enabled": bool(data.get("quotas_enabled", True)),
            "depends_on_questions": list(data.get("depends_on_questions") or []),
            "vanished_at": None,
        }
        row = existing.get(data["id"])
        if row is None:
            row = InterlockedProfile(target_group=tg, remote_id=data["id"], synced_at=now, **values)
            creating.append(row)
        else:
            changed = assign(row, values)
            if changed:
                updating.append(row)
                fields.update(changed)
        result[data["id"]] = row
    InterlockedProfile.objects.bulk_create(creating)
    if updating:
        InterlockedProfile.objects.bulk_update(updating, sorted(fields))
    tally.created += len(creating)
    tally.updated += len(updating)
    if result:
        InterlockedProfile.objects.filter(pk__in=[row.pk for row in result.values()]).update(synced_at=now)
    if complete:
        gone = [row.pk for rid, row in existing.items() if rid not in result and row.vanished_at is None]
        if gone:
            tally.vanished += InterlockedProfile.objects.filter(pk__in=gone).update(vanished_at=now)
    _upsert_cells(
        InterlockCell,
        "interlocked_profile_id",
        {result[data["id"]].pk: _cell_quotas(data) for data in items},
        now,
        tally,
    )
    return result


def _upsert_cells(model, parent_field, wanted, now, tally):
    """Upsert quota-like rows {parent pk: {remote id: values}}; rows of those parents not wanted are deleted."""
    if not wanted:
        return
    existing = {
        (getattr(row, parent_field), row.remote_id): row
        for row in model.objects.filter(**{f"{parent_field}__in": list(wanted)})
    }
    creating, updating, fields, keep = [], [], set(), set()
    for parent_pk, quotas in wanted.items():
        for remote_id, values in quotas.items():
            row = existing.get((parent_pk, remote_id))
            if row is None:
                creating.append(model(**{parent_field: parent_pk}, remote_id=remote_id, synced_at=now, **values))
                continue
            keep.add(row.pk)
            changed = assign(row, values)
            if changed:
                updating.append(row)
                fields.update(changed)
    model.objects.bulk_create(creating)
    if updating:
        model.objects.bulk_update(updating, sorted(fields))
    stale = [row.pk for row in existing.values() if row.pk not in keep]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    seen = keep | {row.pk for row in creating}
    if seen:
        model.objects.filter(pk__in=seen).update(synced_at=now)
    tally.created += len(creating)
    tally.updated += len(updating)


def _read_profiles(client, tg):
    return client.list_profiles(tg.project.remote_id, tg.remote_id)


def _store_profiles(tg, answer):
    return upsert_profiles(tg, answer.data)


register_part("profiles", read=_read_profiles, store=_store_profiles)
