"""Completes over time as a CSV: the supplier's completes per interval (where the supplier reports
them: Cint), with the running total against the goal."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from fielding import permissions
from fielding.drafts.body import is_created
from projects.exports import csv_response, file_name
from projects.models import TargetGroup
from projects.permissions import NotOffered, require_capability
from quotas.history.series import interval_length, series
from suppliers import errors

from .forms import IntervalForm
from .views import read_stats


def completes_rows(tg, intervals, interval):
    step = interval_length(interval)
    running = 0
    for start, count in series(intervals):
        running += count
        yield [start, start + step, count, running, tg.filling_goal, max(0, tg.filling_goal - running)]


@require_GET
def completes_csv(request, pk):
    """Download the completes per interval of a launched target group (anyone who can see it may)."""
    tg = require_capability(permissions.target_group(pk), "reports", "completes over time (it reports totals only)")
    if tg.status == TargetGroup.Status.DRAFT or not is_created(tg):
        raise NotOffered("There are no completes before the target group is launched.")
    form = IntervalForm(request.GET or None)
    interval = (form.cleaned_data.get("interval") if form.is_valid() else "") or "P1D"
    try:
        data = read_stats(tg, interval)
    except errors.SupplierError as exc:
        # Back to the page the download was asked from, with why there is no file.
        messages.error(
            request, f"No file: the supplier's figures could not be read ({exc.message}). Try again in a minute."
        )
        return redirect(tg)
    header = ["Interval start", "Interval end", "Completes", "Completes so far", "Goal", "To go"]
    rows = completes_rows(tg, data["intervals"], interval)
    return csv_response(file_name(tg.name, "completes", interval.lower()), header, rows)
