"""PureSpectrum's quotas: their records, the profiles and interlocks they make, and the order in which
new quantities and current targets of many quotas can be written (PureSpectrum refuses a current target
above the quantity it is checked against, and moves an uncapped one with a new quantity)."""

from suppliers.records import InterlockRecord, ProfileRecord, ProfilesSnapshot, QuotaRecord
from suppliers.values import text, whole

from . import catalogue

QUANTITY, TARGET = "quantity", "current target"


def required_count(quota):
    return whole((quota.get("quantities") or {}).get("number", quota.get("required_count")))


def quota_record(data, position=0):
    """One quota in PureSpectrum's full shape (``GET …/quotas``, the PATCH answer of seed 002)."""
    quantities = data.get("quantities") or {}
    criteria = [c for c in data.get("criteria") or [] if isinstance(c, dict)]
    achieved = whole(quantities.get("achieved"))
    target = quantities.get("current_target")
    locked = bool(data.get("locked"))
    values = [" or ".join(catalogue.criterion_values(c)) for c in criteria]
    single = criteria[0] if len(criteria) == 1 else {}
    return QuotaRecord(
        remote_id=text(data.get("buyer_quota_id"), 64),
        text=text(data.get("quota_title") or ", ".join(values) or data.get("buyer_quota_id"), 500),
        condition_ids=[str(c) for c in single.get("condition_codes") or []],
        quota=whole(quantities.get("percentage")),
        completes_goal=required_count(data),
        completes=achieved,
        prescreens=whole((data.get("counter") or {}).get("Buyer_Survey_Starts")),
        position=position,
        traffic_cap=whole(target) if target is not None else None,
        extra={
            "criteria": catalogue.criteria_words(criteria),
            "criteria_codes": criteria,
            "achieved": achieved,
            "remaining": whole(quantities.get("remaining")),
            "currently_open": 0 if locked else whole(quantities.get("currently_open")),
            "locked": locked,
            "active": bool(data.get("isActive", True)),
            "ps_quota_id": text(data.get("quota_id") or data.get("ps_quota_id")),
        },
    )


def _codes(quota):
    return tuple(sorted({c.get("qualification_code") for c in quota.get("criteria") or [] if isinstance(c, dict)}))


def profiles_snapshot(quotas):
    """Single-criterion quotas by qualification (profiles); nested ones by set of qualifications (interlocks)."""
    profiles, interlocks = {}, {}
    for quota in quotas:
        if not quota.get("buyer_quota_id"):
            continue
        codes = _codes(quota)
        if len(codes) == 1:
            code = codes[0]
            profile = profiles.get(code)
            if profile is None:
                profile = profiles[code] = ProfileRecord(
                    remote_id=str(code), name=catalogue.qualification_name(code), question_id=whole(code)
                )
            record = quota_record(quota, position=len(profile.quotas))
            profile.quotas.append(record)
            for condition in record.condition_ids:
                if condition not in {c["id"] for c in profile.conditions}:
                    profile.conditions.append({"id": condition, "text": catalogue.condition_words(code, condition)})
        elif codes:
            remote_id = "nested-" + "-".join(str(c) for c in codes)
            interlock = interlocks.get(remote_id)
            if interlock is None:
                interlock = interlocks[remote_id] = InterlockRecord(
                    remote_id=remote_id,
                    name=" × ".join(catalogue.qualification_name(c) for c in codes),
                    depends_on_questions=list(codes),
                    profile_ids=[str(c) for c in codes],
                )
            interlock.cells.append(quota_record(quota, position=len(interlock.cells)))
    return ProfilesSnapshot(profiles=list(profiles.values()), interlocks=list(interlocks.values()))


def current_target(quota):
    """The quota's current target; one PureSpectrum leaves out is its quantity (an uncapped quota)."""
    target = (quota.get("quantities") or {}).get("current_target")
    return required_count(quota) if target is None else whole(target)


def figure_writes(current, quantities, targets):
    """The writes that give quotas their new `quantities` and current `targets` ({buyer quota id: n}), as
    [(quota id, QUANTITY or TARGET, n)], in an order PureSpectrum takes, leaving out what `current`
    ({buyer quota id: quota as listed}) already has — so a change half applied before a failure is
    finished by the same call, never written twice.

    Per quota: a lowered quantity goes after its current target has come down to it (the one asked, or
    the new quantity where the target was above it); a raised quantity goes first, and the current target
    after it, unless the raise already moved it there (an uncapped target follows its quantity).
    Raises KeyError with the id of a quota `current` does not have, before any write is planned.
    """
    missing = sorted((set(quantities) | set(targets)) - set(current))
    if missing:
        raise KeyError(missing[0])
    writes = []
    for quota_id in sorted(set(quantities) | set(targets)):
        quota = current[quota_id]
        quantity, target = required_count(quota), current_target(quota)
        new_quantity, new_target = int(quantities.get(quota_id, quantity)), targets.get(quota_id)
        if new_quantity < quantity:
            lowered = int(new_target) if new_target is not None else min(target, new_quantity)
            if lowered != target:
                writes.append((quota_id, TARGET, lowered))
            writes.append((quota_id, QUANTITY, new_quantity))
            continue
        if new_quantity > quantity:
            writes.append((quota_id, QUANTITY, new_quantity))
            target = new_quantity if target >= quantity else target
        if new_target is not None and int(new_target) != target:
            writes.append((quota_id, TARGET, int(new_target)))
    return writes
