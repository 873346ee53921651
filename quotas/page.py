"""Loading the target group page in a fixed number of queries, whatever its size."""

from datetime import timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from sync.kinds import kind_of
from sync.models import RemoteChange
from sync.wording import describe

from .models import InterlockCell, InterlockedProfile, Profile, Quota

# A settled change stays shown on its block for this long.
RESULT_SHOWN_FOR = timedelta(minutes=30)
CHANGES_SHOWN = 50
# The first block a change touches (`ChangeKind.touches`) -> where this page shows its badge.
BADGE_PLACES = {"interlocks": "interlock", "header": "tg", "grid": "grid"}


# What the grid shows of each quota: read as plain rows, not model instances (a target group can
# have thousands of quotas, and building instances was most of the page's reading).
ROW_FIELDS = (
    *("pk", "profile_id", "kind", "text", "completes_goal", "completes", "prescreens", "traffic_cap", "extra"),
    *("pace_per_day", "finish_at", "pace_verdict", "sparkline"),
)


def profiles_of(tg, only=None):
    """The profiles a page shows, each with its `ungrouped` and `grouped` quotas in table order;
    what the page never shows (the conditions behind them) is left in the database."""
    profiles = Profile.objects.filter(target_group=tg, vanished_at__isnull=True)
    if only is not None:
        profiles = profiles.filter(pk=only.pk)
    profiles = profiles.select_related("interlocked_profile").defer(
        "conditions", "interlocked_profile__depends_on_questions"
    )
    quotas = Quota.objects.filter(profile__in=profiles.values("pk")).order_by("kind", "position", "pk")
    quotas = quotas.values_list(*ROW_FIELDS, named=True)
    profiles = list(profiles.order_by("position", "name"))
    by_profile = {profile.pk: profile for profile in profiles}
    for profile in profiles:
        profile.ungrouped, profile.grouped = [], []
    for quota in quotas:
        owner = by_profile[quota.profile_id]
        (owner.grouped if quota.kind == "grouped" else owner.ungrouped).append(quota)
    return profiles


def interlocks_of(tg):
    return list(
        InterlockedProfile.objects.filter(target_group=tg, vanished_at__isnull=True).prefetch_related(
            Prefetch("cells", queryset=InterlockCell.objects.order_by("position", "pk")),
            Prefetch("profiles", queryset=Profile.objects.filter(vanished_at__isnull=True).order_by("position")),
        )
    )


def _block_of(change):
    """Which block of the page shows `change`: a profile's pk, "interlock", "tg" (the header), or None
    (fielding and reconciliation changes are shown by their own panels)."""
    touched = kind_of(change).touches(change)
    if not touched:
        return None
    name, _, arg = touched[0].partition(":")
    if name == "profile":
        return int(arg) if arg.isdigit() else None
    return BADGE_PLACES.get(name)


def latest_changes(tg):
    """The change to show on each block: {profile pk or "interlock" or "tg" or "grid": change}."""
    recent = timezone.now() - RESULT_SHOWN_FOR
    changes = RemoteChange.objects.filter(target_group=tg).exclude(
        state__in=RemoteChange.SETTLED_STATES, finished_at__lt=recent
    )
    latest = {}
    for change in changes.order_by("pk"):
        block = _block_of(change)
        if block is not None:
            latest[block] = change
            change.description = describe(change)
    return latest


def changes_panel(tg):
    changes = list(RemoteChange.objects.filter(target_group=tg).select_related("requested_by")[:CHANGES_SHOWN])
    for change in changes:
        change.description = describe(change)
    return changes


# A profile longer than this shows its first rows; the rest come on demand (the grid's edit mode shows all).
ROWS_SHOWN = 25


def add_rows(context, *, all_rows=False):
    """Give each profile (and interlock) of a page context the `entries` its table shows (the
    `quota_rows` tag renders them); a long profile shows its first `ROWS_SHOWN`, unless `all_rows`,
    or the grid is being edited (every goal is a field then)."""
    all_rows = all_rows or context.get("editing", False)
    profiles = [context["profile"]] if "profile" in context else context.get("profiles", [])
    toggle_url, block_url = (_profile_url(name, context["tg"]) for name in ("quotas:toggle_quotas", "quotas:profile"))
    for profile in profiles:
        profile.toggle_url, profile.block_url = toggle_url(profile.pk), block_url(profile.pk)
        entries = [(q, False) for q in profile.ungrouped] + [(q, True) for q in profile.grouped]
        profile.row_count, profile.hidden_rows = len(entries), 0
        profile.expanded = len(entries) > ROWS_SHOWN
        if not all_rows and profile.expanded:
            profile.expanded = False
            profile.hidden_rows = len(entries) - ROWS_SHOWN
            entries = entries[:ROWS_SHOWN]
        profile.entries = entries
    for interlock in context.get("interlocks", []):
        interlock.entries = [(cell, False) for cell in interlock.cells.all()]
    return context


def _profile_url(name, tg):
    """`name`'s URL for each profile of `tg` (pk -> URL), from one `reverse()` for the whole page."""
    marker = 987654321
    head, _, tail = reverse(name, args=[tg.pk, marker]).rpartition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def profiles_context(tg, only=None):
    """The profiles section's data; with `only` (a profile), just that profile's block."""
    profiles = profiles_of(tg, only)
    latest = latest_changes(tg)
    for profile in profiles:
        profile.latest_change = latest.get(profile.pk)
    return {
        "tg": tg,
        "profiles": profiles,
        "interlocks": interlocks_of(tg) if only is None else [],
        "interlock_change": latest.get("interlock"),
        "tg_change": latest.get("tg"),
        "grid_change": latest.get("grid"),
        "unsettled": any(not c.is_settled for c in latest.values()),
    }
