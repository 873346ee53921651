"""The fielding panel, re-rendered out of band when a fielding change settles (see `sync.blocks`)."""

from django.template.loader import render_to_string

from projects.models import TargetGroup
from sync.blocks import register_block

from .views import fielding_panel_context
from .views_status import status_panel_html


def _panel(request, change, arg):
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()
    if tg is None or not tg.capabilities.fielding_runs:
        return ""
    context = {**fielding_panel_context(tg, request.user), "oob": True}
    return render_to_string("fielding/_fielding_panel.html", context, request)


def _status(request, change, arg):
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()
    if tg is None or not tg.capabilities.status_actions:
        return ""
    return status_panel_html(request, tg, oob=True)


register_block("fielding", _panel)
register_block("status", _status)
