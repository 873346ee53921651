"""Mirror a target group's profiles, quotas and interlocks from the supplier's records.

The adapter reads the supplier's shapes into `suppliers.records` (`ProfilesSnapshot`,
`ProfileRecord`, `InterlockRecord`); this module stores them. Rows are keyed by the
supplier's id; existing rows are read in one query per table, and only rows whose
values changed are written. A profile or interlock the supplier no longer has gets
``vanished_at`` (kept for the record); a quota or cell that is gone is deleted.

These functions store only: whoever calls them shows the pending changes' intents
again afterwards, once (`sync.intents.reapply_intents`). Called inside the caller's
transaction (the outbox storing an answer, which has locked the target group first),
they add no savepoint and no second lock (`sync.locks.writing_target_group`).
"""

from django.utils import timezone

from sync.locks import writing_target_group
from sync.news import tell_quota_full
from sync.reads import register_part
from sync.signals import tell_counts_moved
from sync.upsert import Tally, assign

from .models import InterlockCell, InterlockedProfile, Profile, Quota


def upsert_profiles(tg, snapshot, *, now=None):
    """Mirror a full `ProfilesSnapshot`: the target group's complete set of profiles."""
    now = now or timezone.now()
    tally = Tally()
    with writing_target_group(tg.pk):
        interlocks = _upsert_interlocks(tg, snapshot.interlocks, now, tally)
        found = {p.remote_id: p for p in snapshot.profiles}
        links = {rid: interlocks.get(p.interlock_id) for rid, p in found.items()}
        _upsert_regular(tg, found, now, tally, complete=True, links=links)
    return tally


def upsert_profile(tg, record, *, now=None):
    """Mirror one regular profile (the answer to enable/disable quotas); its interlock link is left alone."""
    return upsert_named_profiles(tg, [record] if record is not None else [], now=now)


def upsert_named_profiles(tg, records, *, now=None):
    """Mirror these regular profiles; the target group's others, and the interlock links, are left alone."""
    now = now or timezone.now()
    tally = Tally()
    if not records:
        return tally
    with writing_target_group(tg.pk):
        _upsert_regular(tg, {record.remote_id: record for record in records}, now, tally, complete=False, links=None)
    return tally


def upsert_interlock(tg, record, members=(), *, now=None):
    """Mirror a newly created interlock with its cells, and link the profiles it joins."""
    now = now or timezone.now()
    tally = Tally()
    if record is None:
        return tally
    with writing_target_group(tg.pk):
        interlocks = _upsert_interlocks(tg, [record], now, tally, complete=False)
        found = {p.remote_id: p for p in members}
        member_ids = set(record.profile_ids) | set(found)
        Profile.objects.filter(target_group=tg, remote_id__in=member_ids).update(
            interlocked_profile=interlocks[record.remote_id]
        )
        _upsert_regular(
            tg, found, now, tally, complete=False, links={rid: interlocks[record.remote_id] for rid in found}
        )
    return tally


def remove_interlock(tg, interlock_id, members=(), *, now=None):
    """Mirror a removed interlock: the interlock is marked gone and its profiles stand alone again."""
    now = now or timezone.now()
    tally = Tally()
    with writing_target_group(tg.pk):
        tally.vanished += InterlockedProfile.objects.filter(
            target_group=tg, remote_id=interlock_id, vanished_at__isnull=True
        ).update(vanished_at=now)
        Profile.objects.filter(target_group=tg, interlocked_profile__remote_id=interlock_id).update(
            interlocked_profile=None
        )
        found = {p.remote_id: p for p in members}
        _upsert_regular(tg, found, now, tally, complete=False, links={rid: None for rid in found})
    return tally


# --- rows ----------------------------------------------------------------------------------


def _profile_values(record, position):
    values = {
        "question_id": record.question_id,
        "name": record.name[:255],
        "description": record.description,
        "quotas_enabled": record.quotas_enabled,
        "conditions_kind": record.conditions_kind,
        "conditions": record.conditions,
        "vanished_at": None,
    }
    if position is not None:
        values["position"] = position
    return values


def _quota_values(record, *, with_conditions=True):
    values = {
        "kind": record.kind,
        "text": record.text[:500],
        "quota": record.quota,
        "completes_goal": record.completes_goal,
        "completes": record.completes,
        "prescreens": record.prescreens,
        "traffic_cap": record.traffic_cap,
        "extra": record.extra,
        "position": record.position,
    }
    if with_conditions:
        values["condition_ids"] = record.condition_ids
    return values


def _upsert_regular(tg, found, now, tally, *, complete, links):
    """Upsert regular profiles {remote id: ProfileRecord} and their quotas; `links` sets interlock FKs."""
    rows = Profile.objects.filter(target_group=tg).order_by()  # keyed below: no ordering to compute
    if not complete:  # only the profiles named: the others are left as they are
        rows = rows.filter(remote_id__in=list(found))
    existing = {p.remote_id: p for p in rows}
    creating, updating, fields = [], [], set()
    for position, (remote_id, record) in enumerate(found.items()):
        values = _profile_values(record, position if complete else None)
        if links is not None and remote_id in links:
            values["interlocked_profile"] = links[remote_id]
        row = existing.get(remote_id)
        if row is None:
            creating.append(Profile(target_group=tg, remote_id=remote_id, synced_at=now, **values))
            continue
        changed = assign(row, values)
        if changed:
            row.synced_at = now
            updating.append(row)
            fields.update(changed)
    Profile.objects.bulk_create(creating)
    _store_seen(Profile, updating, fields, [existing[rid] for rid in found if rid in existing], now)
    tally.created += len(creating)
    tally.updated += len(updating)
    seen = {row.remote_id: row for row in creating} | {rid: existing[rid] for rid in found if rid in existing}
    if complete:
        gone = [row.pk for rid, row in existing.items() if rid not in found and row.vanished_at is None]
        if gone:
            tally.vanished += Profile.objects.filter(pk__in=gone).update(vanished_at=now, interlocked_profile=None)
    wanted = {seen[rid].pk: {q.remote_id: _quota_values(q) for q in record.quotas} for rid, record in found.items()}
    _upsert_cells(Quota, "profile_id", wanted, now, tally, tg=tg)


def _upsert_interlocks(tg, records, now, tally, *, complete=True):
    """Upsert interlocks and their cells; returns {remote id: row}."""
    rows = list(InterlockedProfile.objects.filter(target_group=tg).order_by())
    if complete:
        # Placeholders of pending changes are put back by `reapply_intents`, if still pending.
        placeholders = [row.pk for row in rows if row.is_pending]
        if placeholders:
            InterlockedProfile.objects.filter(pk__in=placeholders).delete()
    existing = {row.remote_id: row for row in rows if not row.is_pending}
    result, creating, updating, fields = {}, [], [], set()
    for record in records:
        values = {
            "name": record.name[:255],
            "quotas_enabled": record.quotas_enabled,
            "depends_on_questions": list(record.depends_on_questions),
            "vanished_at": None,
        }
        row = existing.get(record.remote_id)
        if row is None:
            row = InterlockedProfile(target_group=tg, remote_id=record.remote_id, synced_at=now, **values)
            creating.append(row)
        else:
            changed = assign(row, values)
            if changed:
                row.synced_at = now
                updating.append(row)
                fields.update(changed)
        result[record.remote_id] = row
    InterlockedProfile.objects.bulk_create(creating)
    _store_seen(InterlockedProfile, updating, fields, [existing[rid] for rid in result if rid in existing], now)
    tally.created += len(creating)
    tally.updated += len(updating)
    if complete:
        gone = [row.pk for rid, row in existing.items() if rid not in result and row.vanished_at is None]
        if gone:
            tally.vanished += InterlockedProfile.objects.filter(pk__in=gone).update(vanished_at=now)
    wanted = {
        result[record.remote_id].pk: {c.remote_id: _quota_values(c, with_conditions=False) for c in record.cells}
        for record in records
    }
    _upsert_cells(InterlockCell, "interlocked_profile_id", wanted, now, tally, tg=tg)
    return result


def _upsert_cells(model, parent_field, wanted, now, tally, *, tg):
    """Upsert quota-like rows {parent pk: {remote id: values}}; rows of those parents not wanted are deleted.
    A row the read finds at its goal, where it was below it, is told as full (`tg`'s); counts that moved are
    told once (`sync.signals.counts_moved`: a study's guard looks)."""
    if not wanted:
        return
    existing = {
        (getattr(row, parent_field), row.remote_id): row
        for row in model.objects.filter(**{f"{parent_field}__in": list(wanted)}).order_by()
    }
    creating, updating, fields, keep, counted = [], [], set(), set(), False
    for parent_pk, quotas in wanted.items():
        for remote_id, values in quotas.items():
            row = existing.get((parent_pk, remote_id))
            if row is None:
                creating.append(model(**{parent_field: parent_pk}, remote_id=remote_id, synced_at=now, **values))
                continue
            keep.add(row.pk)
            before = row.completes or 0
            changed = assign(row, values)
            if changed:
                row.synced_at = now
                updating.append(row)
                fields.update(changed)
                counted = counted or "completes" in changed
                if row.completes_goal > 0 and before < row.completes_goal <= (row.completes or 0):
                    tell_quota_full(tg.pk, row.text, row.completes_goal)
    model.objects.bulk_create(creating)
    _store_seen(model, updating, fields, [row for row in existing.values() if row.pk in keep], now)
    stale = [row.pk for row in existing.values() if row.pk not in keep]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    tally.created += len(creating)
    tally.updated += len(updating)
    if counted or any(row.completes for row in creating):
        tell_counts_moved([tg.pk])


def _store_seen(model, updating, fields, seen, now):
    """Write the rows that changed (their `synced_at` with them), and mark the other existing rows seen `now`;
    rows just created carry `synced_at` already."""
    if len(updating) == 1:  # the usual answer to a change: one row, one plain UPDATE
        row = updating[0]
        model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in {*fields, "synced_at"}})
    elif updating:
        model.objects.bulk_update(updating, sorted({*fields, "synced_at"}))
    changed = {row.pk for row in updating}
    untouched = [row.pk for row in seen if row.pk not in changed]
    if untouched:
        model.objects.filter(pk__in=untouched).update(synced_at=now)


def _read_profiles(adapter, tg):
    return adapter.read_profiles(tg.ref)


def _store_profiles(tg, snapshot):
    return upsert_profiles(tg, snapshot)


register_part("profiles", read=_read_profiles, store=_store_profiles)


def upsert_quota(tg, record, *, now=None):
    """Mirror one quota or interlock cell a supplier answered alone (PureSpectrum's current-target PATCH)."""
    if record is None:
        return 0
    values = _quota_values(record, with_conditions=False)
    values.pop("position")
    updated = Quota.objects.filter(profile__target_group=tg, remote_id=record.remote_id).update(
        synced_at=now or timezone.now(), **values
    )
    return updated + InterlockCell.objects.filter(
        interlocked_profile__target_group=tg, remote_id=record.remote_id
    ).update(synced_at=now or timezone.now(), **values)
