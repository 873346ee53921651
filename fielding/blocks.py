"""The fielding panel, re-rendered out of band when a fielding change settles (see `sync.blocks`)."""

from django.template.loader import render_to_string

from projects.models import TargetGroup
from sync.blocks import register_block

from .views import fielding_panel_context


def _panel(request, change, arg):
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()
    if tg is None or not tg.capabilities.fielding_runs:
        return ""
    context = {**fielding_panel_context(tg, request.user, request=request), "oob": True}
    return render_to_string("fielding/_fielding_panel.html", context, request)


register_block("fielding", _panel)
