"""Loading the target group page in a fixed number of queries, whatever its size."""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from sync.models import RemoteChange
from sync.outbox import describe, kind_of

from .models import InterlockCell, InterlockedProfile, Profile, Quota

# A settled change stays shown on its block for this long.
RESULT_SHOWN_FOR = timedelta(minutes=30)
CHANGES_SHOWN = 50
# The first block a change touches (`ChangeKind.touches`) -> where this page shows its badge.
BADGE_PLACES = {"interlocks": "interlock", "header": "tg"}


def profiles_of(tg, only=None):
    profiles = Profile.objects.filter(target_group=tg, vanished_at__isnull=True)
    if only is not None:
        profiles = profiles.filter(pk=only.pk)
    return list(
        profiles
        .select_related("interlocked_profile")
        .prefetch_related(Prefetch("quotas", queryset=Quota.objects.order_by("kind", "position", "pk")))
        .order_by("position", "name")
    )


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
    """The change to show on each block: {profile pk or "interlock" or "tg": change}."""
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


def profiles_context(tg, only=None):
    """The profiles section's data; with `only` (a profile), just that profile's block."""
    profiles = profiles_of(tg, only)
    latest = latest_changes(tg)
    for profile in profiles:
        profile.latest_change = latest.get(profile.pk)
        profile.ungrouped = [q for q in profile.quotas.all() if q.kind == "ungrouped"]
        profile.grouped = [q for q in profile.quotas.all() if q.kind == "grouped"]
    return {
        "tg": tg,
        "profiles": profiles,
        "interlocks": interlocks_of(tg) if only is None else [],
        "interlock_change": latest.get("interlock"),
        "tg_change": latest.get("tg"),
        "unsettled": any(not c.is_settled for c in latest.values()),
    }
