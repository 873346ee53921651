"""The status panel of a survey whose supplier takes status changes as one verb (pause, resume, close …)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from fielding import permissions
from fielding.confirm import Confirmation, confirm_page, confirmed
from projects.fragments import fragment_of_target_group
from sync.wording import describe

from .actions import KIND, offered_actions, request_status_change


def status_panel_context(tg, **extra):
    change = tg.changes.filter(kind=KIND).order_by("-pk").first()
    if change is not None:
        change.description = describe(change)
    return {"tg": tg, "status_actions": offered_actions(tg), "status_change": change, **extra}


def status_panel_html(request, tg, **extra):
    return render_to_string("fielding/status/_status_panel.html", status_panel_context(tg, **extra), request)


def needs_confirmation(tg, action):
    """What cannot be undone: an action with a warning (closing), or going live from a draft."""
    return bool(action.warning) or (tg.status == "draft" and action.to_status == "live")


def _confirmation(tg, action):
    supplier = tg.project.connection.get_kind_display()
    if action.warning:
        lines = [f"{action.label} “{tg.name}” at {supplier}.", action.warning]
    else:
        lines = [
            f"“{tg.name}” goes live at {supplier} now: respondents start arriving at once.",
            "This cannot be undone: a live survey cannot go back to being a draft.",
        ]
    return Confirmation(
        title=f"{action.label}: “{tg.name}”?",
        lines=lines,
        action=reverse("fielding:status_action", args=[tg.pk, action.name]),
        button=f"Yes, {action.label.lower()}",
        cancel=tg.get_absolute_url(),
        target="#status-panel",
        cancel_get=reverse("fielding:status_panel", args=[tg.pk]),
    )


@require_GET
@fragment_of_target_group("status-panel")
def status_panel(request, pk):
    tg = permissions.target_group(pk)
    return render(request, "fielding/status/_status_panel.html", status_panel_context(tg))


@require_POST
@permissions.pm_only
def status_action(request, pk, action):
    """Ask for one status action; an action the supplier does not offer now is answered in words."""
    tg = permissions.target_group(pk)
    chosen = next((a for a in offered_actions(tg) if a.name == action), None)
    if chosen is not None and needs_confirmation(tg, chosen) and not confirmed(request):
        confirmation = _confirmation(tg, chosen)
        if not request.htmx:
            return confirm_page(request, confirmation, back_title=tg.name)
        return render(request, "fielding/status/_status_panel.html", status_panel_context(tg, confirm=confirmation))
    change = request_status_change(tg, action, by=request.user)
    text = f"{describe(change)}: sent to the supplier. The page shows when it is applied."
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    response = render(request, "fielding/status/_status_panel.html", status_panel_context(tg, notice=(text, "success")))
    return trigger_client_event(response, "changes-updated")
