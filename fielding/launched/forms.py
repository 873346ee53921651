"""Forms of a launched target group's settings: its CPI, its filling strategy with the Fielding
Assistant, its details. Each checks what the supplier would refuse, next to the field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from fielding.drafts.library import definition_choices
from fielding.drafts.validators import validate_survey_url
from fielding.models import AccountUser, BusinessUnit, Definition
from projects.models import TargetGroup

from .assistant import FieldingAssistantFields, assistant_body, assistant_initial, clean_fielding_assistant
from .changes import FILLING_STRATEGIES, comparable
from .details import detail_values


def business_unit_currency(tg):
    """The currency of the TG's business unit (the cached directory), else the one its CPI is in."""
    unit = BusinessUnit.objects.filter(connection=tg.project.connection, remote_id=tg.business_unit_id).first()
    return (unit.currency_code if unit else "") or tg.cpi_currency


class CpiForm(forms.Form):
    cpi = forms.DecimalField(
        label="New CPI", min_value=Decimal("0.01"), max_digits=12, decimal_places=4, help_text="Per complete."
    )
    currency_code = forms.CharField(label="Currency", max_length=3, required=False)

    def __init__(self, *args, tg, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.tg, self.currency = tg, currency
        self.fields["cpi"].label = f"New CPI ({currency})" if currency else "New CPI"

    def clean_currency_code(self):
        code = self.cleaned_data["currency_code"].strip().upper() or self.currency
        if self.currency and code != self.currency:
            raise ValidationError(
                f"This target group's business unit works in {self.currency}; give the CPI in {self.currency}."
            )
        return code

    def clean(self):
        data = super().clean()
        if self.tg.pricing_model == TargetGroup.PricingModel.RATE_CARD:
            self.add_error("cpi", "This target group is priced by its rate card; its CPI cannot be set.")
        elif data.get("cpi") is not None and self.tg.cpi is not None and data["cpi"] == self.tg.cpi:
            self.add_error("cpi", f"The CPI is already {self.tg.cpi:.2f} {self.tg.cpi_currency}.")
        return data


class FillingForm(FieldingAssistantFields):
    """The filling strategy and the Fielding Assistant's settings of a launched target group.

    The assignment is replaced whole at the supplier: while it is not known (it could not be read),
    the form offers the filling strategy only, so nothing set there is overwritten by defaults.
    """

    filling_strategy = forms.ChoiceField(label="Filling strategy", choices=list(FILLING_STRATEGIES.items()))

    def __init__(self, *args, tg, assignment, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = assignment is not None
        self.tg, self.assignment, self.currency = tg, assignment or {}, currency
        self.pricing_model = tg.pricing_model or TargetGroup.PricingModel.DYNAMIC
        if not self.known:
            for name in FieldingAssistantFields.base_fields:
                del self.fields[name]

    @classmethod
    def initial_for(cls, tg, assignment):
        strategy = (tg.details or {}).get("filling_strategy") or "completes"
        return {"filling_strategy": strategy, **assistant_initial(assignment)}

    def clean(self):
        data = super().clean()
        if self.known:
            clean_fielding_assistant(self, data, self.pricing_model)
        return data

    def strategy_changed(self):
        return self.cleaned_data["filling_strategy"] != ((self.tg.details or {}).get("filling_strategy") or "")

    def assignment_body(self):
        """The whole assignment to send: the form's modules, and those it does not edit as they are."""
        body = assistant_body(self.cleaned_data, self.currency, self.pricing_model)
        pacing = self.assignment.get("pacing") or {}
        if "pacing" not in body and pacing.get("type") == "gemini":
            body["pacing"] = pacing  # the form edits linear and adaptive pacing only
        if self.assignment.get("soft_launch"):
            body["soft_launch"] = self.assignment["soft_launch"]
        return body

    def assignment_changed(self):
        return self.known and comparable(self.assignment_body()) != comparable(self.assignment)


class DetailsForm(forms.Form):
    """The fields of TargetGroupDetailsUpdateRequest. Each shows the value the page was drawn with
    in a hidden input (`show_hidden_initial`), so a change can tell what the PM changed from what."""

    name = forms.CharField(label="Name", max_length=128, show_hidden_initial=True)
    project_manager_id = forms.ChoiceField(label="Project manager", show_hidden_initial=True)
    expected_length_of_interview_minutes = forms.IntegerField(
        label="Expected length of interview (minutes)", min_value=1, max_value=45, show_hidden_initial=True
    )
    expected_incidence_rate = forms.IntegerField(
        label="Expected incidence rate (%)", min_value=0, max_value=100, show_hidden_initial=True
    )
    industry_lockout_code = forms.ChoiceField(
        label="Industry lock-out",
        required=False,
        show_hidden_initial=True,
        help_text="Keeps out respondents who took another survey of the same industry in that time.",
    )
    client_cpi = forms.DecimalField(
        label="CPI note",
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=4,
        show_hidden_initial=True,
        help_text="Your own note of the price, to track the margin; suppliers are not paid by it.",
    )
    live_url = forms.URLField(
        label="Live survey link",
        max_length=2000,
        assume_scheme="https",
        validators=[validate_survey_url],
        show_hidden_initial=True,
    )
    test_url = forms.URLField(
        label="Test survey link",
        max_length=2000,
        assume_scheme="https",
        validators=[validate_survey_url],
        show_hidden_initial=True,
    )

    def __init__(self, *args, tg, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.tg, self.currency = tg, currency
        users = list(AccountUser.objects.filter(connection=tg.project.connection))
        choices = [(u.remote_id.lower(), str(u)) for u in users]
        current = (tg.project_manager_id or "").lower()
        if current and current not in dict(choices):
            choices.insert(0, (current, f"The current manager ({current})"))
        self.fields["project_manager_id"].choices = choices
        lockouts = definition_choices(tg.project.connection, Definition.Kind.INDUSTRY_LOCKOUT, tg.industry_lockout_code)
        self.fields["industry_lockout_code"].choices = [("", "None"), *lockouts]
        if tg.pricing_model == TargetGroup.PricingModel.RATE_CARD:
            del self.fields["client_cpi"]  # the supplier takes a CPI note on dynamic pricing only
        else:
            self.fields["client_cpi"].label = f"CPI note ({currency})" if currency else "CPI note"

    @staticmethod
    def initial_for(tg):
        values = detail_values(tg)
        rate = values["expected_incidence_rate"]
        return {
            **values,
            "expected_incidence_rate": None if rate is None else round(Decimal(rate) * 100),
            "client_cpi": (values["client_cpi"] or {}).get("value"),
        }

    def _values(self, data):
        """{field: value} in `detail_values`' form, from cleaned values."""
        rate = data.get("expected_incidence_rate")
        values = {
            "name": (data.get("name") or "").strip(),
            "project_manager_id": (data.get("project_manager_id") or "").lower(),
            "expected_length_of_interview_minutes": data.get("expected_length_of_interview_minutes"),
            "expected_incidence_rate": None if rate is None else f"{Decimal(rate) / 100:.2f}",
            "industry_lockout_code": (data.get("industry_lockout_code") or "").strip(),
            "live_url": data.get("live_url") or "",
            "test_url": data.get("test_url") or "",
        }
        if "client_cpi" in self.fields:
            cpi = data.get("client_cpi")
            values["client_cpi"] = None if cpi is None else {"value": f"{cpi:.4f}", "currency_code": self.currency}
        return values

    def wanted(self):
        """The fields the PM changed, with their new values."""
        values = self._values(self.cleaned_data)
        return {name: values[name] for name in self.changed_data if name in values}

    def drawn(self):
        """Every field as the page showed it (its hidden initial value); the TG's own value for a
        field the page did not send."""
        fallback = detail_values(self.tg)
        shown, missing = {}, set()
        for name, field in self.fields.items():
            raw = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
            try:
                shown[name] = field.to_python(raw) if raw is not None else None
            except ValidationError:
                raw = None
            if raw is None:
                missing.add(name)
        values = self._values(shown)
        return {name: fallback[name] if name in missing else value for name, value in values.items()}
