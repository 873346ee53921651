"""Forms for a quota's quantity and current target (suppliers with `traffic_caps`), and the CPI."""

from decimal import Decimal

from django import forms

from projects.models import MAX_COUNT

from . import goal_checks
from .forms import TOO_MANY, WarningsMixin


def above_survey_goal(survey_goal):
    return f"A quota's quantity cannot be above the survey's completes goal ({survey_goal:,})."


def above_quantity(quantity):
    return f"The current target cannot be above the quota's quantity ({quantity:,}); raise the quantity first."


class QuotaQuantityForm(WarningsMixin, forms.Form):
    """A quota's quantity (its completes goal, PureSpectrum's required_count), at most the survey's goal."""

    required_count = forms.IntegerField(
        label="Quantity",
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={
            "required": "Give the quota's quantity (0 or more).",
            "invalid": "Enter a whole number, such as 120.",
            "min_value": "A quantity cannot be negative.",
            "max_value": TOO_MANY,
        },
    )

    def __init__(self, *args, quota, survey_goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = quota
        self.survey_goal = survey_goal

    def clean_required_count(self):
        value = self.cleaned_data["required_count"]
        if self.survey_goal and value > self.survey_goal:
            raise forms.ValidationError(above_survey_goal(self.survey_goal))
        return value

    def check(self, tg, siblings):
        """After `is_valid`: warn of a quantity below what is achieved, and of the quantities of its
        profile (`siblings`, this quota among them) adding up to less than the survey's goal."""
        value = self.cleaned_data["required_count"]
        warning = goal_checks.below_achieved(self.target, value)
        self.warnings = {"required_count": warning} if warning else {}
        total = sum(value if q.pk == self.target.pk else q.completes_goal for q in siblings)
        self.total_warning = goal_checks.total_below_goal(total, tg, "The quantities of this profile")
        return not self.needs_confirmation


class TrafficCapForm(forms.Form):
    """A quota's current target: a whole number from 0 to its quantity (PureSpectrum's rule)."""

    traffic_cap = forms.IntegerField(
        label="Current target",
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={
            "required": "Give the current target (0 or more).",
            "invalid": "Enter a whole number, such as 40.",
            "min_value": "A current target cannot be negative.",
            "max_value": TOO_MANY,
        },
    )

    def __init__(self, *args, quota, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = quota

    def clean_traffic_cap(self):
        value = self.cleaned_data["traffic_cap"]
        if value > self.target.completes_goal:
            raise forms.ValidationError(above_quantity(self.target.completes_goal))
        return value


class CpiForm(forms.Form):
    cpi = forms.DecimalField(
        label="CPI",
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        decimal_places=2,
        error_messages={
            "required": "Give the CPI, such as 2.50.",
            "invalid": "Enter an amount, such as 2.50.",
            "min_value": "The CPI must be at least 0.01.",
            "max_value": "The CPI can be at most 1,000.",
            "max_decimal_places": "Give the CPI in cents at most, such as 2.55.",
        },
    )
