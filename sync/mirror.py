"""A target group's own fields, written from the supplier's record of it (`suppliers.records.TargetGroupRecord`)."""

from django.db import transaction
from django.utils import timezone

from projects.models import TargetGroup

from .locks import lock_target_group
from .upsert import assign

# In `TargetGroup.details`: the version the last full read saw (the TG's own `version`
# moves on with every change the outbox sends, so it cannot tell what was read).
SYNC_VERSION = "sync_version"
DRAFT = TargetGroup.Status.DRAFT

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


def merged_details(tg, values):
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
    changed = assign(tg, merged_details(tg, values))
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
