"""A launched target group's settings at Cint, on its cockpit page: the CPI with the rate card,
the filling strategy with the Fielding Assistant, the details, and the supplier's changelog.

Each panel is one partial that the cockpit page loads once it is shown (the reads from the
supplier do not hold the page up) and that its form's answer re-renders; without JavaScript
the panels are on a page of their own (`settings`). A form with errors comes back with them
next to the fields and the input kept; nothing is sent then. A change that settles re-renders
its panel (``fielding.blocks``).
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from fielding import permissions
from fielding.drafts.library import ensure_definitions, ensure_directory, named_codes
from projects.models import Role, TargetGroup
from projects.permissions import require_capability
from suppliers import errors
from sync.blocks import RENDERERS
from sync.kinds import kind_of
from sync.models import RemoteChange
from sync.wording import describe

from .changelog import read_page
from .changes import (
    ASSISTANT,
    SetCostPerInterview,
    SetFieldingAssistant,
    SetFillingStrategy,
    read_assistant,
    request_cpi_change,
    request_fielding_assistant,
    request_filling_strategy,
)
from .details import UpdateLaunchedDetails, request_details_change
from .forms import CpiForm, DetailsForm, FillingForm, business_unit_currency
from .pricing import rate_card

# A settled change stays shown on its panel for this long (as on the rest of the cockpit page).
RESULT_SHOWN_FOR = timedelta(minutes=30)
# The cockpit's own writes show in the supplier's changelog a moment after they were sent.
COCKPIT_WINDOW = timedelta(seconds=5)


def _latest(tg, *kinds):
    """The newest change of `kinds` on `tg`, while unsettled or settled lately (for its badge)."""
    change = tg.changes.filter(kind__in=kinds).order_by("-pk").first()
    if change is None or (change.is_settled and change.finished_at < timezone.now() - RESULT_SHOWN_FOR):
        return None
    change.description = describe(change)
    return change


# What each settings page shows, by the capability it needs: a supplier without it has no such page.
OFFERED = {
    "launched_details": "the settings of a launched target group",
    "cpi_changes": "CPI changes with a rate card",
    "filling_strategy": "a filling strategy or a Fielding Assistant",
    "changelog": "a changelog of its target groups",
}


def _launched(pk, capability):
    return require_capability(permissions.target_group(pk), capability, OFFERED[capability])


# --- contexts ---------------------------------------------------------------------------------


def pricing_context(tg, user, *, cpi_form=None, notice=None):
    caps = tg.capabilities
    can_change = Role.can_change(user)
    if can_change:
        ensure_directory(tg.project.connection)  # the business units (their currencies), read once
    currency = business_unit_currency(tg)
    context = {
        "tg": tg,
        "caps": caps,
        "can_change": can_change,
        "currency": currency,
        "rate_card_priced": tg.pricing_model == TargetGroup.PricingModel.RATE_CARD,
        "card": None,
        "card_error": "",
        "change": _latest(tg, SetCostPerInterview.name),
        "notice": notice,
        "cpi_form": None,
    }
    if caps.rate_cards:
        try:
            context["card"] = rate_card(tg)
        except errors.SupplierError as exc:
            context["card_error"] = f"The rate card could not be read from the supplier: {exc.message}"
    if caps.cpi_changes and can_change and tg.is_launched and not context["rate_card_priced"]:
        context["cpi_form"] = cpi_form or CpiForm(tg=tg, currency=currency, prefix="cpi")
    return context


def filling_context(tg, user, *, request=None, filling_form=None, notice=None):
    """The filling panel; drawn for a page load (a GET) it reads the Fielding Assistant from the supplier."""
    can_change = Role.can_change(user)
    change = _latest(tg, SetFillingStrategy.name, SetFieldingAssistant.name)
    read_error = ""
    if request is not None and request.method == "GET" and not (change and not change.is_settled):
        try:
            from sync.adapters import open_adapter

            with open_adapter(tg.project.connection) as adapter:
                read_assistant(adapter.launched, tg)
        except errors.SupplierError as exc:
            read_error = f"The Fielding Assistant settings could not be read from the supplier: {exc.message}"
    assignment = (tg.details or {}).get(ASSISTANT)
    form = None
    if can_change:
        form = filling_form or FillingForm(
            initial=FillingForm.initial_for(tg, assignment),
            tg=tg,
            assignment=assignment,
            currency=business_unit_currency(tg),
            prefix="filling",
        )
    return {
        "tg": tg,
        "can_change": can_change,
        "assignment": assignment,
        "known": assignment is not None,
        "strategy": (tg.details or {}).get("filling_strategy") or "",
        "read_error": read_error,
        "filling_form": form,
        "change": change,
        "notice": notice,
    }


def details_context(tg, user, *, details_form=None, notice=None):
    can_change = Role.can_change(user)
    form = None
    ensure_definitions(tg.project.connection)  # the study type, industry and lock-outs, by name
    if can_change:
        ensure_directory(tg.project.connection)  # the project managers to choose from, read once
        form = details_form or DetailsForm(
            initial=DetailsForm.initial_for(tg), tg=tg, currency=business_unit_currency(tg), prefix="details"
        )
    return {
        "tg": tg,
        "can_change": can_change,
        "details_form": form,
        "named": named_codes(tg),
        "change": _latest(tg, UpdateLaunchedDetails.name),
        "notice": notice,
    }


PANELS = {
    "pricing": ("fielding/launched/_pricing.html", pricing_context),
    "filling": ("fielding/launched/_filling.html", filling_context),
    "details": ("fielding/launched/_details.html", details_context),
}


def _panel(request, tg, name, **extra):
    template, build = PANELS[name]
    if name == "filling":
        extra.setdefault("request", request)
    return render(request, template, build(tg, request.user, **extra))


def _settings_page(request, tg, status=200, **forms):
    context = {"tg": tg, "caps": tg.capabilities}
    context["pricing"] = pricing_context(tg, request.user, cpi_form=forms.get("cpi_form"))
    context["filling"] = filling_context(tg, request.user, request=request, filling_form=forms.get("filling_form"))
    context["details"] = details_context(tg, request.user, details_form=forms.get("details_form"))
    return render(request, "fielding/launched/launched.html", context, status=status)


def _accepted(request, tg, name, changes):
    """A change (or two) recorded: the panel with its pending badge for htmx, else a redirect.

    A change may have settled already (a worker quicker than this answer, or tasks run in
    process): then the other blocks it touched come along, out of band, as its badge would
    have brought them.
    """
    text = " · ".join(f"{describe(c)}: sent to the supplier" for c in changes) + ". The page shows when it is applied."
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    tg.refresh_from_db()
    settled = [change for change in changes if RemoteChange.objects.get(pk=change.pk).is_settled]
    blocks = "".join(_other_blocks(request, change, name) for change in settled)
    response = _panel(request, tg, name)
    response.content += blocks.encode()
    trigger_client_event(response, "changes-updated")
    return trigger_client_event(response, "change-settled", {"id": settled[-1].pk}) if settled else response


def _other_blocks(request, change, shown):
    """The blocks `change` touched other than the panel `shown`, rendered out of band."""
    parts = []
    for key in kind_of(change).touches(change):
        block, _, arg = key.partition(":")
        if block != shown and block in RENDERERS:
            parts.append(RENDERERS[block](request, change, arg))
    return "".join(parts)


def _unchanged(request, tg, name, text, level=messages.INFO):
    """Nothing to send (nothing changed, or nothing can be): say so, and show the panel as it is."""
    if not request.htmx:
        messages.add_message(request, level, text)
        return redirect(tg)
    return _panel(request, tg, name, notice=text)


def _invalid(request, tg, name, form_key, form):
    """The panel (or, without htmx, the settings page) with the errors next to the fields; nothing sent."""
    if not request.htmx:
        messages.error(request, "Nothing was sent to the supplier: correct the fields marked below.")
        return _settings_page(request, tg, status=400, **{form_key: form})
    return _panel(request, tg, name, **{form_key: form})


# --- the page and the panels --------------------------------------------------------------------


@require_GET
def settings(request, pk):
    """All of a launched target group's settings on one page (the cockpit page loads them as panels)."""
    tg = _launched(pk, "launched_details")
    if not tg.is_launched:
        return redirect(permissions.page_of(tg))
    return _settings_page(request, tg)


@require_GET
def pricing(request, pk):
    tg = _launched(pk, "cpi_changes")
    if not request.htmx:
        return redirect("fielding:settings", tg.pk) if tg.is_launched else redirect(permissions.page_of(tg))
    return _panel(request, tg, "pricing")


@require_GET
def filling(request, pk):
    tg = _launched(pk, "filling_strategy")
    if not request.htmx:
        return redirect("fielding:settings", tg.pk)
    return _panel(request, tg, "filling")


@require_GET
def details(request, pk):
    tg = _launched(pk, "launched_details")
    if not request.htmx:
        return redirect("fielding:settings", tg.pk)
    return _panel(request, tg, "details")


# --- the changes -------------------------------------------------------------------------------


@require_POST
@permissions.pm_only
def change_cpi(request, pk):
    tg = _launched(pk, "cpi_changes")
    if tg.pricing_model == TargetGroup.PricingModel.RATE_CARD:
        text = "This target group is priced by its rate card; its CPI cannot be set. Nothing was sent."
        return _unchanged(request, tg, "pricing", text, level=messages.ERROR)
    currency = business_unit_currency(tg)
    form = CpiForm(request.POST, tg=tg, currency=currency, prefix="cpi")
    if not form.is_valid():
        return _invalid(request, tg, "pricing", "cpi_form", form)
    change = request_cpi_change(tg, form.cleaned_data["cpi"], form.cleaned_data["currency_code"], by=request.user)
    return _accepted(request, tg, "pricing", [change])


@require_POST
@permissions.pm_only
def change_filling(request, pk):
    tg = _launched(pk, "filling_strategy")
    assignment = (tg.details or {}).get(ASSISTANT) or {}
    form = FillingForm(
        request.POST, tg=tg, assignment=assignment, currency=business_unit_currency(tg), prefix="filling"
    )
    if not form.is_valid():
        return _invalid(request, tg, "filling", "filling_form", form)
    changes = []
    if form.strategy_changed():
        changes.append(request_filling_strategy(tg, form.cleaned_data["filling_strategy"], by=request.user))
    if form.assignment_changed():
        changes.append(request_fielding_assistant(tg, form.assignment_body(), by=request.user))
    if not changes:
        return _unchanged(request, tg, "filling", "The filling strategy and the Fielding Assistant are unchanged.")
    return _accepted(request, tg, "filling", changes)


@require_POST
@permissions.pm_only
def change_details(request, pk):
    tg = _launched(pk, "launched_details")
    form = DetailsForm(request.POST, tg=tg, currency=business_unit_currency(tg), prefix="details")
    if not form.is_valid():
        return _invalid(request, tg, "details", "details_form", form)
    wanted = form.wanted()
    if not wanted:
        return _unchanged(request, tg, "details", "The details are unchanged.")
    change = request_details_change(tg, wanted, form.drawn(), by=request.user)
    return _accepted(request, tg, "details", [change])


# --- the supplier's changelog ---------------------------------------------------------------------


def _cockpit_windows(tg):
    """When the cockpit's own applied writes to `tg` reached the supplier: [(from, to)]."""
    rows = RemoteChange.objects.filter(
        target_group=tg, state=RemoteChange.State.APPLIED, sent_at__isnull=False
    ).values_list("sent_at", "finished_at")
    return [(sent - COCKPIT_WINDOW, (finished or sent) + COCKPIT_WINDOW) for sent, finished in rows]


@require_GET
def changelog(request, pk):
    """One page of the supplier's changelog of the TG (``?after=<cursor>`` for older ones)."""
    tg = _launched(pk, "changelog")
    after = request.GET.get("after") or None
    context = {"tg": tg, "after": after, "entries": [], "next": "", "error": ""}
    try:
        entries, context["next"] = read_page(tg, cursor=after)
    except errors.SupplierError as exc:
        context["error"] = f"The supplier's changelog could not be read: {exc.message}"
    else:
        windows = _cockpit_windows(tg)
        for entry in entries:
            entry.by_cockpit = entry.occurred_at is not None and any(a <= entry.occurred_at <= b for a, b in windows)
        context["entries"] = entries
    return render(
        request, "fielding/launched/_changelog.html" if request.htmx else "fielding/launched/changelog.html", context
    )
