"""The panels fielding adds to a target group's page (see `quotas.panels`), each where its supplier offers it."""

from fielding.audience_align.views import panel_context as audience_align_context
from fielding.runs.recorded import recorded_chart
from fielding.runs.views import fielding_panel_context
from fielding.status.views import status_panel_context
from projects.models import Role, TargetGroup
from quotas.panels import SIDE, Panel, register_panel


def _pace(request, tg, page):
    chart = recorded_chart(tg)
    return {"pace": chart["pace"], "chart": chart}


def _status(request, tg, page):
    # The way out of a finished status: it follows the PM's role, not the page's freeze on quota changes.
    return {**status_panel_context(tg), "status_can_change": Role.can_change(request.user) and not page.get("frozen")}


def _audience_align(request, tg, page):
    return {**audience_align_context(tg), "aa_panel": True}


def _launched_settings(tg):
    caps = tg.capabilities
    return caps.cpi_changes or caps.rate_cards or caps.filling_strategy or caps.launched_details


# Totals only (no completes over time): their chart and pace from the history the cockpit records; Cint's
# chart is in its fielding panel, drawn from the supplier's own intervals.
register_panel(
    Panel(
        "pace",
        "fielding/runs/_pace.html",
        shown=lambda tg: not tg.capabilities.reports and tg.is_launched,
        context=_pace,
        order=10,
        title="Completes and pace",
    )
)
register_panel(
    Panel(
        "fielding",
        "fielding/runs/_fielding_panel.html",
        shown=lambda tg: tg.capabilities.fielding_runs,
        context=lambda request, tg, page: fielding_panel_context(tg, request.user, request=request),
        order=20,
        refreshed=True,
        title="Fielding and completes chart",
        # Cint's launch, pause, resume and complete are here: open, as the other suppliers' status panel is.
        opened=lambda tg: True,
    )
)
register_panel(
    Panel(
        "status",
        "fielding/status/_status_panel.html",
        shown=lambda tg: bool(tg.capabilities.status_actions),
        context=_status,
        order=30,
        title="Status: pause, resume, complete",
        opened=lambda tg: True,
    )
)
register_panel(
    Panel(
        "purespectrum-draft",
        "fielding/purespectrum/_draft_quotas.html",
        shown=lambda tg: tg.capabilities.survey_drafts and tg.status == TargetGroup.Status.DRAFT,
        order=40,
        title="Draft quotas",
        opened=lambda tg: True,
    )
)
register_panel(
    Panel(
        "launched-settings",
        "fielding/launched/_launched_slots.html",
        shown=_launched_settings,
        order=50,
        title="Price, rate card, filling strategy and details",
    )
)
# Audience-Align's own panel: LOI and CPI, qualifications, exclusions.
register_panel(
    Panel(
        "audience-align",
        "fielding/audience_align/_panel.html",
        shown=lambda tg: tg.capabilities.survey_creation,
        context=_audience_align,
        order=60,
        title="Survey settings: LOI, CPI, qualifications, exclusions",
    )
)
register_panel(
    Panel(
        "changelog",
        "fielding/launched/_changelog_slot.html",
        shown=lambda tg: tg.capabilities.changelog,
        place=SIDE,
        order=10,
        title="Changelog",
    )
)
