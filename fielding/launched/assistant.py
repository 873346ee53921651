"""The Fielding Assistant's settings (prevent overfill, balanced fill, pricing, pacing): the fields,
the rules the supplier enforces on them and the ``fielding_assistant_assignment`` body, shared by
the draft editor and the settings of a launched target group."""

from decimal import Decimal

from django import forms

from fielding.drafts.body import money
from fielding.drafts.validators import validate_increment_interval

PACING = [("", "No pacing"), ("linear", "Linear (even steps)"), ("adaptive", "Adaptive (recalculated each interval)")]


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0.01"), max_digits=12, decimal_places=4, **kwargs
    )


class FieldingAssistantFields(forms.Form):
    """The Fielding Assistant's fields; `clean_fielding_assistant` checks them together."""

    prevent_overfill = forms.BooleanField(label="Prevent overfilling", required=False, initial=True)
    balance_fill = forms.BooleanField(label="Balanced fill", required=False)
    optimize_cpi = forms.BooleanField(label="Optimise the CPI (Fielding Assistant pricing)", required=False)
    total_budget = money_field("Total budget")
    maximum_cpi = money_field("Maximum CPI")
    minimum_cpi = money_field("Minimum CPI")
    pacing_type = forms.ChoiceField(label="Pacing", choices=PACING, required=False)
    pacing_interval = forms.CharField(
        label="Increment interval",
        max_length=40,
        required=False,
        help_text="ISO-8601 duration: P1D (a day), PT30M (30 minutes), P1DT12H.",
    )

    def clean_pacing_interval(self):
        value = self.cleaned_data["pacing_interval"].strip()
        if value:
            validate_increment_interval(value)
        return value


def clean_fielding_assistant(form, data, pricing_model):
    """Add to `form` the errors the supplier's module rules would give (budget xor maximum CPI…)."""
    budget, maximum, minimum = data.get("total_budget"), data.get("maximum_cpi"), data.get("minimum_cpi")
    if not data.get("optimize_cpi"):
        if any(v is not None for v in (budget, maximum, minimum)):
            form.add_error("optimize_cpi", "Tick this to use the budget and CPI limits below, or clear them.")
    else:
        if budget is not None and maximum is not None:
            message = "Give either a total budget or a maximum CPI, not both."
            form.add_error("total_budget", message)
            form.add_error("maximum_cpi", message)
        elif pricing_model == "dynamic" and budget is None and maximum is None:
            form.add_error("total_budget", "Optimising the CPI needs a total budget or a maximum CPI (one of them).")
        if pricing_model == "rate_card" and (budget is not None or minimum is not None):
            form.add_error("optimize_cpi", "Rate-card pricing takes only a maximum CPI; clear the budget and minimum.")
        if minimum is not None and maximum is not None and minimum >= maximum:
            form.add_error("minimum_cpi", "The minimum CPI must be lower than the maximum CPI.")
    pacing, interval = data.get("pacing_type"), data.get("pacing_interval")
    if pacing and not interval and "pacing_interval" not in form.errors:
        form.add_error("pacing_interval", "Pacing needs an increment interval, e.g. P1D.")
    if interval and not pacing:
        form.add_error("pacing_type", "Choose linear or adaptive pacing for this interval, or clear the interval.")


def assistant_body(data, currency, pricing_model):
    """The ``fielding_assistant_assignment`` the cleaned `data` describe."""
    assignment = {"quota_overlay": {"prevent_overfill": data["prevent_overfill"], "balance_fill": data["balance_fill"]}}
    if data.get("optimize_cpi"):
        pricing = {"type": pricing_model}
        for key in ("total_budget", "maximum_cpi", "minimum_cpi"):
            if data.get(key) is not None:
                pricing[key] = money(data[key], currency)
        assignment["pricing"] = pricing
    if data.get("pacing_type"):
        assignment["pacing"] = {"type": data["pacing_type"], "increment_interval": data["pacing_interval"]}
    return assignment


def assistant_initial(assignment):
    """Form initial values from a ``fielding_assistant_assignment``."""
    assignment = assignment or {}
    overlay = assignment.get("quota_overlay") or {}
    pricing = assignment.get("pricing") or {}
    pacing = assignment.get("pacing") or {}
    linear_or_adaptive = pacing.get("type") in ("linear", "adaptive")
    return {
        "prevent_overfill": overlay.get("prevent_overfill", True),
        "balance_fill": overlay.get("balance_fill", False),
        "optimize_cpi": bool(pricing),
        "total_budget": (pricing.get("total_budget") or {}).get("value"),
        "maximum_cpi": (pricing.get("maximum_cpi") or {}).get("value"),
        "minimum_cpi": (pricing.get("minimum_cpi") or {}).get("value"),
        "pacing_type": pacing.get("type", "") if linear_or_adaptive else "",
        "pacing_interval": pacing.get("increment_interval", "") if linear_or_adaptive else "",
    }
