"""The panels other apps add to a target group's page, each shown where its supplier offers it.

An app's ``panels`` module registers what it draws with `register_panel`: its partial, its title,
which target groups show it, and the context it needs. The page (`quotas.sections.page_context`)
asks this registry, so no app reaches into another's views to draw it, and a new supplier feature
is one registration away.

The page shows the quota grid first; every panel is a section below it that the PM opens when
needed (closed unless `opened` says otherwise), each with its own URL that opens it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse

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
    # The section's title, and whether the page opens it without being asked (`opened(tg)`).
    title: str = ""
    opened: Callable | None = None

    def heading(self):
        return self.title or self.name.replace("-", " ").capitalize()


def register_panel(panel):
    PANELS[panel.name] = panel


def panels_of(tg):
    return sorted((panel for panel in PANELS.values() if panel.shown(tg)), key=lambda p: (p.order, p.name))


def panels_context(request, tg, page, open_section=None):
    """The contexts of the panels `tg` shows, and its ``sections``: one per panel, by `order`, each with
    its partial, title, URL and whether it is open (`open_section` names the one the URL asked for)."""
    context = {"sections": []}
    places = {TOP: 0, SIDE: 1}
    for panel in sorted(panels_of(tg), key=lambda p: (places.get(p.place, 0), p.order, p.name)):
        if panel.context is not None:
            context.update(panel.context(request, tg, page))
        opened = panel.name == open_section or (panel.opened is not None and panel.opened(tg))
        url = reverse("quotas:section", args=[tg.pk, panel.name])
        context["sections"].append(
            {"name": panel.name, "title": panel.heading(), "template": panel.template, "open": opened, "url": url}
        )
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


# The changes the PM asked of this target group and what the supplier answered (the page's own context).
register_panel(
    Panel(
        "changes",
        "quotas/_changes.html",
        shown=lambda tg: True,
        place=SIDE,
        order=0,
        title="Changes sent to the supplier",
        opened=lambda tg: True,
    )
)
