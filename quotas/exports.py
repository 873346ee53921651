"""The quotas of a target group as a CSV: every profile's quotas and every interlock's cells,
with their goals and fills, as the cockpit page shows them."""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from projects.exports import csv_response, file_name
from projects.models import TargetGroup

from .page import interlocks_of, profiles_of


def _known(value):
    return "" if value is None else value


def quota_table(tg):
    """(header, rows) of the target group's quotas; the current-target column only where the
    supplier has traffic caps."""
    capped = tg.capabilities.traffic_caps
    header = ["Profile", "Quota", "Kind", "Quotas on", "Share of the target group (%)", "Goal", "Completes", "Fill (%)"]
    header += ["Remaining", "Prescreens"] + (["Current target"] if capped else [])
    rows = []

    def add(owner, enabled, quota, kind):
        # A figure the supplier does not give (None) is left empty, never written as 0.
        goal, done = quota.completes_goal, quota.completes
        counted = done is not None
        row = [owner, quota.text, kind, enabled, _known(quota.quota), goal, _known(done)]
        row += [quota.fill_percent if goal and counted else "", max(0, goal - done) if goal and counted else ""]
        row += [_known(quota.prescreens)]
        rows.append(row + ([quota.traffic_cap if quota.traffic_cap is not None else ""] if capped else []))

    for profile in profiles_of(tg):
        for quota in sorted(profile.quotas.all(), key=lambda q: (q.kind != "ungrouped", q.position, q.pk)):
            add(profile.name, profile.quotas_enabled, quota, "group" if quota.kind == "grouped" else "condition")
    for interlock in interlocks_of(tg):
        for cell in interlock.cells.all():
            add(f"Interlock: {interlock.name}", interlock.quotas_enabled, cell, "interlock cell")
    return header, rows


@require_GET
def quotas_csv(request, pk):
    """Download the quotas of a target group (anyone who can see the target group may)."""
    tg = get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)
    header, rows = quota_table(tg)
    return csv_response(file_name(tg.name, "quotas"), header, rows)
