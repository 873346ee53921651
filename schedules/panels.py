"""The scheduled changes section on a target group's page (see `quotas.panels`), for every supplier."""

from quotas.panels import Panel, register_panel

from .views import schedules_context

register_panel(
    Panel(
        "schedules",
        "schedules/_schedules_panel.html",
        shown=lambda tg: True,
        context=lambda request, tg, page: schedules_context(request, tg),
        order=60,
        title="Scheduled changes",
    )
)
