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
        profiles.select_related("interlocked_profile")
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


# A profile longer than this shows its first rows; the rest come on demand (every goal stays editable).
ROWS_SHOWN = 25


def _count(value):
    """A count as the page prints it: 1,234; a dash for unknown."""
    return "–" if value is None else f"{value:,}"


def goal_rows(quotas, form=None, *, grouped=False):
    """The table rows of a profile's quotas (or an interlock's cells), built once in Python: the
    page's largest tables render from plain values, with no includes or filters per row.

    `form` is the block's posted `QuotaGoalsForm` when it had errors: each row then keeps what was
    typed and says what is wrong with it.
    """
    bound = form is not None and form.is_bound
    rows = []
    for quota in quotas:
        goal, done = quota.completes_goal, quota.completes or 0
        value, error, warning = goal, "", ""
        if bound and form.field_name(quota) in form.fields:
            field = form[form.field_name(quota)]
            value, error = ("" if field.value() is None else field.value()), " ".join(field.errors)
            warning = (form.warnings or {}).get(form.field_name(quota), "")
        percent = min(100, done * 100 // goal) if goal else 0
        rows.append(
            {
                "pk": quota.pk,
                "text": quota.text,
                "label": f"Group: {quota.text}" if grouped else quota.text,
                "own_quota": (quota.extra or {}).get("defined") is not False,
                "goal": _count(goal),
                "value": value,
                "error": error,
                "warning": warning,
                "completes": _count(quota.completes),
                "prescreens": _count(quota.prescreens),
                "done_of_goal": f"{done} of {goal}",
                "percent": percent,
                "full": bool(goal) and done >= goal,
            }
        )
    return rows


def add_rows(context, *, all_rows=False):
    """Give each profile (and interlock) of a page context its `rows`; a long profile shows its first
    `ROWS_SHOWN`, unless `all_rows`, or one of its goals has an error to show."""
    goals_form, cells_form = context.get("goals_form"), context.get("interlock_goals_form")
    profiles = [context["profile"]] if "profile" in context else context.get("profiles", [])
    for profile in profiles:
        form = goals_form if goals_form is not None and _form_of(goals_form, profile.quotas.all()) else None
        profile.rows = goal_rows(profile.ungrouped, form) + goal_rows(profile.grouped, form, grouped=True)
        profile.total_warning = form.total_warning if form is not None else ""
        profile.confirming = form is not None and form.needs_confirmation
        profile.hidden_rows, profile.expanded = 0, len(profile.rows) > ROWS_SHOWN
        if not all_rows and form is None and profile.expanded:
            profile.expanded = False
            profile.hidden_rows = len(profile.rows) - ROWS_SHOWN
            profile.rows = profile.rows[:ROWS_SHOWN]
    for interlock in context.get("interlocks", []):
        cells = interlock.cells.all()
        form = cells_form if cells_form is not None and _form_of(cells_form, cells) else None
        interlock.rows = goal_rows(cells, form)
        interlock.total_warning = form.total_warning if form is not None else ""
        interlock.confirming = form is not None and form.needs_confirmation
    return context


def _form_of(form, quotas):
    return any(form.field_name(quota) in form.fields for quota in quotas)


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
