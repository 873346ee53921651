"""The rules section on a target group's page (see `quotas.panels`), for every supplier."""

from quotas.panels import Panel, register_panel

from .views import rules_context

register_panel(
    Panel(
        "rules",
        "rules/_rules_panel.html",
        shown=lambda tg: tg.is_launched,
        context=lambda request, tg, page: rules_context(request, tg=tg),
        order=65,
        title="Rules",
    )
)
