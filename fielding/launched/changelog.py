"""A launched target group's changelog at the supplier, in words: who changed what, when.

It lists every change, also those made outside the cockpit (in the supplier's own site, by
another integration, by the supplier's automations), so a PM sees them beside the cockpit's
own changes. One page per read, newest first; the page's cursor gives the older ones.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_datetime

from fielding.models import AccountUser

PAGE_SIZE = 10
# The supplier's change object -> what it changes, for a PM.
OBJECTS = {
    "name_change": "Name",
    "external_name_change": "External name",
    "business_unit_change": "Business unit",
    "project_manager_change": "Project manager",
    "filling_goal_change": "Filling goal",
    "filling_strategy_change": "Filling strategy",
    "expected_length_of_interview_minutes_change": "Expected length of interview",
    "expected_incidence_rate_change": "Expected incidence rate",
    "study_type_change": "Study type",
    "industry_lockout_code_change": "Industry lock-out",
    "cpi_note_change": "CPI note",
    "cpi_change": "CPI",
    "live_url_change": "Live link",
    "test_url_change": "Test link",
    "collects_pii_change": "Collects personal data",
    "status_change": "Status",
    "currency_change": "Currency",
    "locale_change": "Locale",
    "project_id_change": "Project",
    "fielding_period_start_date_change": "Fielding start",
    "fielding_period_end_date_change": "Fielding end",
    "pricing_assistance_change": "Fielding Assistant pricing",
    "pricing_dynamic_total_budget_change": "Total budget",
    "pricing_dynamic_maximum_cpi_change": "Maximum CPI",
    "pricing_dynamic_minimum_cpi_change": "Minimum CPI",
    "pricing_dynamic_unlock_max_budget_usage_change": "Unlocked budget use",
    "pricing_rate_card_maximum_cpi_change": "Maximum CPI (rate card)",
    "quota_overlay_assisted_change": "Quota assistance",
    "quota_overlay_balance_fill_change": "Balanced fill",
    "quota_overlay_prevent_overfilling_change": "Prevent overfilling",
    "pacing_assistance_change": "Pacing",
    "pacing_adaptive_increment_interval_change": "Adaptive pacing interval",
    "pacing_linear_increment_interval_change": "Linear pacing interval",
    "pacing_gemini_exposed_target_group_id_change": "Pacing's exposed target group",
    "soft_launch_assisted_change": "Soft launch",
    "soft_launch_demographics_strictness_percentage_change": "Soft launch demographics strictness",
    "soft_launch_filling_goal_percentage_change": "Soft launch share of the goal",
    "soft_launch_end_date_change": "Soft launch end",
}
PERCENT = {
    "expected_incidence_rate_change": 100,
    "soft_launch_demographics_strictness_percentage_change": 1,
    "soft_launch_filling_goal_percentage_change": 1,
}
MINUTES = {"expected_length_of_interview_minutes_change"}


@dataclass
class Entry:
    occurred_at: datetime | None
    who: str
    by_system: bool
    lines: list = field(default_factory=list)


def _label(obj):
    return OBJECTS.get(obj) or obj.removesuffix("_change").replace("_", " ").capitalize()


def _value(obj, value, users):
    """One value of a change, as a PM reads it."""
    if isinstance(value, dict) and "value" in value:
        try:
            return f"{Decimal(str(value['value'])):.2f} {value.get('currency_code', '')}".strip()
        except InvalidOperation:
            return str(value["value"])
    if isinstance(value, dict) and "las_user_id" in value:
        return users.get(str(value["las_user_id"]).lower()) or "a user of the account"
    if isinstance(value, bool):
        return "on" if value else "off"
    if obj in PERCENT and isinstance(value, int | float):
        return f"{value * PERCENT[obj]:.0f}%"
    if obj in MINUTES and isinstance(value, int | float):
        return f"{value} min"
    if isinstance(value, str) and (moment := parse_datetime(value)) is not None:
        from django.utils import timezone
        from django.utils.formats import date_format

        return date_format(timezone.localtime(moment), "j M Y H:i")
    return f"“{value}”" if isinstance(value, str) else str(value)


def sentence(change, users):
    """ "CPI changed from 5.00 USD to 1.00 USD", "Test link set to …", "Pacing switched off (was linear)"."""
    obj = change.get("object") or ""
    label = _label(obj)
    old, new = change.get("old_value"), change.get("new_value")
    if old is None and new is None:
        return f"{label} changed"
    if old is None:
        return f"{label} set to {_value(obj, new, users)}"
    if new is None:
        return f"{label} switched off (was {_value(obj, old, users)})"
    return f"{label} changed from {_value(obj, old, users)} to {_value(obj, new, users)}"


def entries(page, connection):
    """The `Entry`s of one ``TargetGroupChangelogList`` page."""
    batches = [b for b in (page or {}).get("changelog") or [] if isinstance(b, dict)]
    ids = {str((b.get("user") or {}).get("las_user_id") or "").lower() for b in batches}
    ids |= {
        str((c.get(side) or {}).get("las_user_id") or "").lower()
        for b in batches
        for c in b.get("changes") or []
        for side in ("old_value", "new_value")
        if isinstance(c.get(side), dict)
    }
    users = {
        remote_id.lower(): name
        for remote_id, name in AccountUser.objects.filter(connection=connection, remote_id__in=ids - {""}).values_list(
            "remote_id", "name"
        )
    }
    found = []
    for batch in batches:
        user = batch.get("user") or {}
        by_system = user.get("type") == "system_marketplace_user"
        user_id = str(user.get("las_user_id") or "").lower()
        who = "The supplier (automatic)" if by_system else users.get(user_id) or "A user of the account"
        found.append(
            Entry(
                occurred_at=parse_datetime(batch.get("occurred_at") or ""),
                who=who,
                by_system=by_system,
                lines=[sentence(c, users) for c in batch.get("changes") or [] if isinstance(c, dict)],
            )
        )
    return found


def read_page(tg, *, cursor=None, client=None):
    """One page of the TG's changelog: ``(entries, next cursor or "")``. Raises the supplier's errors."""
    if client is None:
        from sync.adapters import open_client

        with open_client(tg.project.connection) as client:
            return read_page(tg, cursor=cursor, client=client)
    page = client.list_changelog(tg.project.remote_id, tg.remote_id, page_size=PAGE_SIZE, start_after=cursor).data
    page = page if isinstance(page, dict) else {}
    return entries(page, tg.project.connection), page.get("next_cursor") or ""
