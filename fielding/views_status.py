"""The status panel of a survey whose supplier takes status changes as one verb (pause, resume, close …)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from sync.outbox import describe

from . import permissions
from .status import KIND, offered_actions, request_status_change


def status_panel_context(tg, **extra):
    change = tg.changes.filter(kind=KIND).order_by("-pk").first()
    if change is not None:
        change.description = describe(change)
    return {"tg": tg, "status_actions": offered_actions(tg), "status_change": change, **extra}


def status_panel_html(request, tg, **extra):
    return render_to_string("fielding/_status_panel.html", status_panel_context(tg, **extra), request)


@require_GET
def status_panel(request, pk):
    tg = permissions.target_group(pk)
    return render(request, "fielding/_status_panel.html", status_panel_context(tg))


@require_POST
@permissions.pm_only
def status_action(request, pk, action):
    """Ask for one status action; an action the supplier does not offer now is answered in words."""
    tg = permissions.target_group(pk)
    change = request_status_change(tg, action, by=request.user)
    text = f"{describe(change)}: sent to the supplier. The page shows when it is applied."
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    response = render(request, "fielding/_status_panel.html", status_panel_context(tg, notice=(text, "success")))
    return trigger_client_event(response, "changes-updated")
