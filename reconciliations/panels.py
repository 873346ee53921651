"""The panels reconciliation adds beside a target group's quotas (see `quotas.panels`)."""

from quotas.panels import SIDE, Panel, register_panel

register_panel(
    Panel(
        "redirects",
        "reconciliations/_redirects.html",
        shown=lambda tg: tg.capabilities.redirects is not None and tg.capabilities.redirects.server_to_server,
        place=SIDE,
        order=20,
        title="Redirects",
    )
)
register_panel(
    Panel(
        "purespectrum-redirects",
        "reconciliations/_redirects_purespectrum.html",
        shown=lambda tg: tg.capabilities.redirects is not None and not tg.capabilities.redirects.server_to_server,
        place=SIDE,
        order=30,
        title="Redirects",
    )
)
register_panel(
    Panel(
        "reconciliation",
        "reconciliations/_reconciliation_link.html",
        shown=lambda tg: tg.capabilities.id_reconciliation is not None,
        place=SIDE,
        order=40,
        title="Reconciliation",
    )
)
