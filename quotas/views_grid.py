"""The quota grid's edit mode and its row locks.

"Edit goals" turns every goal (and current target) of the grid into a field of one form; one save
records one outbox change for the whole target group, after the same checks as before: errors and
warnings next to each field, the input kept, nothing sent until the PM saves anyway. A row's lock
stops its traffic in one confirmed click.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST

from projects.permissions import NotOffered, pm_only, require_capability

from . import services
from .forms_grid import GridForm
from .models import InterlockCell, Quota
from .sections import frozen, page_context
from .views import _confirm, _done, _invalid, _nothing_to_do, _section, _target_group


def _editable(tg):
    """A target group whose grid may be edited: its supplier takes quota goals, and it still fills."""
    require_capability(tg, "quota_goals", "changes to quota goals")
    if frozen(tg) or not tg.is_launched:
        raise NotOffered(f"“{tg.name}” is {tg.status_text.lower()}: its quotas are shown, not changed.")
    return tg


def _rows(tg):
    quotas = list(
        Quota.objects.filter(profile__target_group=tg, profile__vanished_at__isnull=True).order_by(
            "profile__position", "kind", "position", "pk"
        )
    )
    cells = list(
        InterlockCell.objects.filter(
            interlocked_profile__target_group=tg, interlocked_profile__vanished_at__isnull=True
        ).order_by("interlocked_profile__pk", "position", "pk")
    )
    return quotas, cells


def _edit(request, tg, **extra):
    """The grid in edit mode: the part for htmx, the whole page without JavaScript."""
    if request.htmx:
        return _section(request, tg, "profiles", editing=True, **extra)
    return render(request, "quotas/target_group.html", page_context(request, tg, editing=True, **extra))


@require_http_methods(["GET", "POST"])
@pm_only
def grid(request, pk):
    tg = _editable(_target_group(pk))
    if request.method == "GET":
        return _edit(request, tg)
    quotas, cells = _rows(tg)
    form = GridForm(request.POST, tg=tg, quotas=quotas, cells=cells)
    if not form.is_valid():
        return _invalid(request, tg, "Nothing was saved: see the fields marked below.", "profiles", editing=True,
                        grid_form=form)  # fmt: skip
    goals, targets = form.changed()
    if not goals and not targets:
        return _nothing_to_do(request, tg, "Nothing to save: every goal and target is as it was.", "profiles")
    if not form.check():
        message = "Nothing was sent yet: see the warnings, then save anyway or change the values."
        return _confirm(request, tg, message, "profiles", editing=True, grid_form=form)
    change = services.request_quota_figures(tg, goals, targets, by=request.user)
    # The PM saved from every row of the grid: a goal past a long profile's first rows stays in sight.
    return _done(request, tg, change, "profiles", all_rows=True)


def _row(tg, value):
    """The quota or interlock cell a lock names ("quota-12", "cell-3"), or 404."""
    kind, _, pk = (value or "").partition("-")
    if not pk.isdecimal() or len(pk) > 18 or kind not in ("quota", "cell"):
        raise Http404("The cockpit has no such quota on this target group. Refresh the page.")
    if kind == "cell":
        return get_object_or_404(
            InterlockCell, pk=pk, interlocked_profile__target_group=tg, interlocked_profile__vanished_at=None
        )
    return get_object_or_404(
        Quota.objects.select_related("profile"), pk=pk, profile__target_group=tg, profile__vanished_at=None
    )


@require_POST
@pm_only
def lock_row(request, pk):
    """Lock a row: no more respondents. Where the supplier caps traffic, its current target becomes what it
    has achieved; elsewhere its goal does (raised again, it reopens)."""
    tg = _editable(_target_group(pk))
    row = _row(tg, request.POST.get("row"))
    if row.completes is None:
        return _nothing_to_do(request, tg, f"{row.text}: the supplier does not count its completes.", "profiles")
    if tg.capabilities.traffic_caps:
        if row.traffic_cap is not None and row.traffic_cap <= row.completes:
            return _nothing_to_do(request, tg, f"“{row.text}” is already locked.", "profiles")
        change = services.request_traffic_cap(tg, row, row.completes, stop=True, by=request.user)
    else:
        if row.completes_goal <= row.completes:
            return _nothing_to_do(request, tg, f"“{row.text}” has reached its goal: it takes no more.", "profiles")
        profile = getattr(row, "profile", None)
        change = services.request_quota_goals(tg, {row: row.completes}, profile=profile, by=request.user)
    return _done(request, tg, change, "profiles")
