"""The fielding panel, re-rendered out of band when a fielding change settles (see `sync.blocks`)."""

from django.template.loader import render_to_string

from fielding.runs.views import fielding_panel_context
from fielding.status.views import status_panel_html
from projects.models import TargetGroup
from sync.blocks import register_block


def _panel(request, change, arg):
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()
    if tg is None or not tg.capabilities.fielding_runs:
        return ""
    context = {**fielding_panel_context(tg, request.user, request=request), "oob": True}
    return render_to_string("fielding/runs/_fielding_panel.html", context, request)


def _status(request, change, arg):
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()
    if tg is None or not tg.capabilities.status_actions:
        return ""
    return status_panel_html(request, tg, oob=True)


register_block("fielding", _panel)
register_block("status", _status)


def _launched_panel(name):
    """The CPI, filling or details panel of a launched target group (see `views_launched`)."""

    def render(request, change, arg):
        from fielding.launched.views import PANELS

        tg = TargetGroup.objects.select_related("project__connection").filter(pk=change.target_group_id).first()
        if tg is None:
            return ""
        template, build = PANELS[name]
        return render_to_string(template, {**build(tg, request.user), "oob": True}, request)

    return render


register_block("pricing", _launched_panel("pricing"))
register_block("filling", _launched_panel("filling"))
register_block("details", _launched_panel("details"))
