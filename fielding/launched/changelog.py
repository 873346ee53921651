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
from suppliers.reference import Money, UserRef

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


def _moment(value):
    """The moment a value's text names, or None (text that only looks like one, a 13th month say, stays text)."""
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _value(obj, value, users):
    """One value of a change, as a PM reads it."""
    if isinstance(value, Money):
        try:
            return f"{Decimal(str(value.value)):.2f} {value.currency}".strip()
        except InvalidOperation:
            return str(value.value)
    if isinstance(value, UserRef):
        return users.get(value.remote_id) or "a user of the account"
    if isinstance(value, bool):
        return "on" if value else "off"
    if obj in PERCENT and isinstance(value, int | float):
        return f"{value * PERCENT[obj]:.0f}%"
    if obj in MINUTES and isinstance(value, int | float):
        return f"{value} min"
    if isinstance(value, str) and (moment := _moment(value)) is not None:
        from django.utils import timezone
        from django.utils.formats import date_format

        return date_format(timezone.localtime(moment), "j M Y H:i")
    return f"“{value}”" if isinstance(value, str) else str(value)


def sentence(change, users):
    """ "CPI changed from 5.00 USD to 1.00 USD", "Test link set to …", "Pacing switched off (was linear)"."""
    obj = change.what
    label = _label(obj)
    old, new = change.old, change.new
    if old is None and new is None:
        return f"{label} changed"
    if old is None:
        return f"{label} set to {_value(obj, new, users)}"
    if new is None:
        return f"{label} switched off (was {_value(obj, old, users)})"
    return f"{label} changed from {_value(obj, old, users)} to {_value(obj, new, users)}"


def entries(found, connection):
    """The `Entry`s of one page of `ChangelogEntry`s, with the account's users named."""
    ids = {entry.user_id for entry in found}
    ids |= {
        value.remote_id
        for entry in found
        for change in entry.changes
        for value in (change.old, change.new)
        if isinstance(value, UserRef)
    }
    users = {
        remote_id.lower(): name
        for remote_id, name in AccountUser.objects.filter(connection=connection, remote_id__in=ids - {""}).values_list(
            "remote_id", "name"
        )
    }
    return [
        Entry(
            occurred_at=entry.occurred_at,
            who="The supplier (automatic)" if entry.by_system else users.get(entry.user_id) or "A user of the account",
            by_system=entry.by_system,
            lines=[sentence(change, users) for change in entry.changes],
        )
        for entry in found
    ]


def read_page(tg, *, cursor=None):
    """One page of the TG's changelog (`adapter.launched`): ``(entries, next cursor or "")``. Raises the
    supplier's errors."""
    from sync.adapters import open_adapter

    with open_adapter(tg.project.connection) as adapter:
        found, after = adapter.launched.changelog_page(tg.ref, cursor=cursor, page_size=PAGE_SIZE)
    return entries(found, tg.project.connection), after
