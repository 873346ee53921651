"""The cost panel on a target group's page (see `quotas.panels`), for every supplier that reports a CPI."""

from quotas.panels import SIDE, Panel, register_panel

from .views import cost_context


def _reports_a_cpi(tg):
    return tg.cpi is not None


register_panel(
    Panel(
        "cost",
        "costs/_cost_panel.html",
        shown=_reports_a_cpi,
        context=lambda request, tg, page: cost_context(tg, request.user),
        place=SIDE,
        order=10,
    )
)
