"""The budget forms: what a PM types is checked here and said back next to the field, kept as typed."""

from decimal import Decimal

from django import forms

MAX_BUDGET = Decimal("1000000000")


def _amount(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_BUDGET,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12}),
        help_text="Leave empty for no budget.",
        error_messages={
            "invalid": "Enter the budget as a number, for example 3000 or 2500.50.",
            "min_value": "A budget is more than 0; leave the field empty for no budget.",
            "max_value": f"A budget is at most {MAX_BUDGET:,.0f}.",
            "max_digits": f"A budget is at most {MAX_BUDGET:,.0f}.",
            "max_whole_digits": f"A budget is at most {MAX_BUDGET:,.0f}.",
            "max_decimal_places": "A budget has at most two decimals (cents).",
        },
    )


class BudgetForm(forms.Form):
    """A target group's budget, in its CPI currency (named in the label)."""

    amount = _amount("Budget")

    def __init__(self, *args, currency="", **kwargs):
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["amount"].label = f"Budget ({currency})"


class ProjectBudgetForm(forms.Form):
    """A project's budget and the currency its target groups' spend is compared in."""

    amount = _amount("Budget")
    currency = forms.CharField(
        label="Currency",
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}),
        error_messages={"max_length": "A currency is three letters, for example USD."},
    )

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            raise forms.ValidationError("A currency is three letters, for example USD.")
        return currency

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and not data.get("currency"):
            self.add_error("currency", "Say which currency the budget is in, for example USD.")
        return data
