"""The panels other apps add to a target group's page, each shown where its supplier offers it.

An app's ``panels`` module registers what it draws with `register_panel`: its partial, where it
goes (``TOP``, above the quotas; ``SIDE``, beside them), which target groups show it, and the
context it needs. The page (`quotas.sections.page_context`) asks this registry, so no app reaches
into another's views to draw it, and a new supplier feature is one registration away.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

TOP = "top"
SIDE = "side"

PANELS = {}


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    # Whether a target group's page shows it: `shown(tg)`.
    shown: Callable
    # `context(request, tg, page)`: what its partial needs beyond the page's own context (`page`,
    # read-only: the target group, its capabilities, whether it is frozen...).
    context: Callable | None = None
    place: str = TOP
    # Panels are drawn by `order`, then name.
    order: int = 100
    # Drawn again, out of band, when a refresh from the supplier is done.
    refreshed: bool = False


def register_panel(panel):
    PANELS[panel.name] = panel


def panels_of(tg):
    return sorted((panel for panel in PANELS.values() if panel.shown(tg)), key=lambda p: (p.order, p.name))


def panels_context(request, tg, page):
    """The contexts of the panels `tg` shows, and their partials by place (``top_panels``, ``side_panels``)."""
    context = {"top_panels": [], "side_panels": []}
    for panel in panels_of(tg):
        if panel.context is not None:
            context.update(panel.context(request, tg, page))
        context[f"{panel.place}_panels"].append(panel.template)
    return context


def refreshed_panels_html(request, tg):
    """The panels drawn again once a refresh is done, each marked for an out-of-band swap."""
    page = {"tg": tg, "caps": tg.capabilities}
    parts = []
    for panel in panels_of(tg):
        if panel.refreshed:
            context = {**page, **(panel.context(request, tg, page) if panel.context else {}), "oob": True}
            parts.append(render_to_string(panel.template, context, request))
    return "".join(parts)
