"""Cint's profiles (the v2 ``GetAllProfilesResponse``): regular profiles with their conditions and
quotas, and at most one interlocked profile with its cells, read into `suppliers.records`."""

from suppliers.records import InterlockRecord, ProfileRecord, ProfilesSnapshot, QuotaRecord
from suppliers.values import text, whole


def profiles_snapshot(payload):
    """A v2 ``GetAllProfilesResponse``: regular profiles in ``data``, at most one ``interlocked_profile``."""
    payload = payload or {}
    found = {}
    for data in payload.get("data") or []:
        if data.get("id"):
            found[data["id"]] = (data, data.get("interlock_id") or None)
    interlock = payload.get("interlocked_profile") or None
    interlocks = []
    if interlock and interlock.get("id"):
        interlocks.append(interlock_record(interlock))
        for data in interlock.get("profiles") or []:
            if data.get("id"):
                previous = found.get(data["id"], (data, None))[0]
                found[data["id"]] = ({**previous, **data}, interlock["id"])
    profiles = [profile_record(data, interlock_id=interlock_id) for data, interlock_id in found.values()]
    return ProfilesSnapshot(profiles=profiles, interlocks=interlocks)


def profile_record(data, *, interlock_id=None):
    """One regular profile with its conditions and its ungrouped and grouped quotas."""
    conditions = data.get("conditions") or {}
    return ProfileRecord(
        remote_id=data["id"],
        question_id=whole(data.get("question_id")),
        name=text(data.get("name"), 255),
        description=text(data.get("description")),
        quotas_enabled=bool(data.get("quotas_enabled", True)),
        conditions_kind=conditions.get("object") or "",
        conditions=conditions.get("data") or [],
        quotas=_profile_quotas(data),
        interlock_id=interlock_id or data.get("interlock_id") or None,
    )


def _quota(quota, kind, label, condition_ids, position):
    return QuotaRecord(
        remote_id=quota["id"],
        kind=kind,
        text=text(label, 500),
        condition_ids=condition_ids,
        quota=whole(quota.get("quota", quota.get("quota_percentage"))),
        completes_goal=whole(quota.get("completes_goal", quota.get("filling_goal"))),
        completes=whole(quota.get("completes")),
        prescreens=whole(quota.get("prescreens")),
        position=position,
    )


def _profile_quotas(data):
    texts = {c.get("id"): c.get("text", "") for c in (data.get("conditions") or {}).get("data") or []}
    quotas = data.get("quotas") or {}
    records = []
    for position, quota in enumerate(quotas.get("ungrouped") or []):
        if not isinstance(quota, dict) or not quota.get("id"):
            continue
        condition = quota.get("condition")
        if isinstance(condition, dict):
            condition_ids, label = [condition.get("id")], condition.get("text", "")
        else:
            condition_ids, label = ([condition] if condition else []), texts.get(condition, "")
        records.append(_quota(quota, "ungrouped", label, condition_ids, position))
    for position, quota in enumerate(quotas.get("grouped") or []):
        if not isinstance(quota, dict) or not quota.get("id"):
            continue
        records.append(_quota(quota, "grouped", quota.get("name"), list(quota.get("conditions") or []), position))
    return records


def interlock_record(data):
    cells = []
    for position, cell in enumerate((data.get("quotas") or {}).get("ungrouped") or []):
        if not isinstance(cell, dict) or not cell.get("id"):
            continue
        condition = cell.get("condition") or {}
        label = condition.get("text", "") if isinstance(condition, dict) else cell.get("text", "")
        record = _quota(cell, "ungrouped", label or cell.get("text", ""), [], position)
        related = condition.get("related_condition") if isinstance(condition, dict) else None
        if isinstance(related, dict):  # the condition of each interlocked profile the cell counts, by question
            record.extra = {
                "related": {
                    str(q): [c.get("id") for c in cs if isinstance(c, dict)]
                    for q, cs in related.items()
                    if isinstance(cs, list)
                }
            }
        cells.append(record)
    return InterlockRecord(
        remote_id=data["id"],
        name=text(data.get("name"), 255),
        quotas_enabled=bool(data.get("quotas_enabled", True)),
        depends_on_questions=list(data.get("depends_on_questions") or []),
        profile_ids=[p["id"] for p in data.get("profiles") or [] if isinstance(p, dict) and p.get("id")],
        cells=cells,
    )
