"""Forms for a new project and a draft target group: every rule the supplier would
enforce is checked here first, in words a PM understands, next to the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from fielding.launched.assistant import FieldingAssistantFields, assistant_body, clean_fielding_assistant, money_field
from fielding.models import AccountUser, BusinessUnit, Definition
from preferences.zones import zoned

from .allocations import AllocationFormSet, allocation_initial
from .body import empty_profile, money, rfc3339
from .exclusions import excluded_ids, refusals
from .library import definition_choices
from .validators import validate_end_after, validate_hour_ahead, validate_survey_url

LOCALES = [
    ("eng_us", "English (United States)"),
    ("eng_gb", "English (United Kingdom)"),
    ("deu_de", "German (Germany)"),
    ("fra_fr", "French (France)"),
    ("spa_es", "Spanish (Spain)"),
    ("ita_it", "Italian (Italy)"),
    ("nld_nl", "Dutch (Netherlands)"),
    ("eng_ca", "English (Canada)"),
    ("eng_au", "English (Australia)"),
    ("jpn_jp", "Japanese (Japan)"),
]
PRICING_MODELS = [("dynamic", "Dynamic"), ("rate_card", "Rate card")]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


_money_field = money_field


class ProjectForm(forms.Form):
    name = forms.CharField(
        label="Project name",
        max_length=128,
        help_text="Descriptive; add your CRM or PO reference, e.g. [PO-123456] Drinks tracker Q1.",
    )
    project_manager = forms.ChoiceField(label="Project manager")
    purchase_order_number = forms.CharField(label="Purchase order number", max_length=128, required=False)

    def __init__(self, *args, connection, **kwargs):
        super().__init__(*args, **kwargs)
        users = AccountUser.objects.filter(connection=connection)
        self.fields["project_manager"].choices = [("", "Choose…"), *((u.remote_id, str(u)) for u in users)]

    def body(self):
        data = self.cleaned_data
        body = {"name": data["name"], "project_manager_id": data["project_manager"]}
        if data.get("purchase_order_number"):
            body["purchase_order_number"] = data["purchase_order_number"]
        return body


# The draft's fields that take a code of one of the supplier's definitions lists, offered by name.
DEFINITION_FIELDS = {
    "study_type_code": Definition.Kind.STUDY_TYPE,
    "industry_code": Definition.Kind.INDUSTRY,
    "industry_lockout_code": Definition.Kind.INDUSTRY_LOCKOUT,
}


class ExcludedIdsField(forms.MultipleChoiceField):
    """The target group ids the exclusions picker posts; which of them may be excluded the form says, in words."""

    widget = forms.MultipleHiddenInput

    def valid_value(self, value):
        return True


class DraftTargetGroupForm(FieldingAssistantFields):
    """Every field of ``CreateDraftTargetGroupRequest`` a PM sets, plus the common optional ones."""

    name = forms.CharField(label="Target group name", max_length=128)
    business_unit = forms.ChoiceField(label="Business unit", help_text="Sets the currency of the CPI.")
    project_manager = forms.ChoiceField(label="Project manager")
    study_type_code = forms.ChoiceField(label="Study type", initial="adhoc")
    industry_code = forms.ChoiceField(label="Industry", initial="other")
    industry_lockout_code = forms.ChoiceField(
        label="Industry lock-out",
        required=False,
        help_text="Keeps out respondents who took another survey of the same industry in that time.",
    )
    locale = forms.ChoiceField(label="Locale (country and language)", choices=LOCALES)
    collects_pii = forms.BooleanField(label="The survey collects personally identifiable information", required=False)
    filling_goal = forms.IntegerField(label="Filling goal (completes)", min_value=1)
    expected_length_of_interview_minutes = forms.IntegerField(
        label="Expected length of interview (minutes)", min_value=1, max_value=45
    )
    expected_incidence_rate = forms.IntegerField(
        label="Expected incidence rate (%)", min_value=1, max_value=100, help_text="A whole percentage, e.g. 35."
    )
    fielding_start_at = forms.DateTimeField(label=zoned("Fielding start"), widget=DateTimeLocalInput())
    fielding_end_at = forms.DateTimeField(label=zoned("Fielding end"), widget=DateTimeLocalInput())
    pricing_model = forms.ChoiceField(label="Pricing model", choices=PRICING_MODELS, initial="dynamic")
    cpi = _money_field("CPI", help_text="Dynamic pricing only; rate-card prices come from the rate card.")
    cpi_currency = forms.CharField(label="CPI currency", max_length=3, required=False)
    live_url = forms.URLField(
        label="Live survey link", max_length=2000, assume_scheme="https", validators=[validate_survey_url]
    )
    test_url = forms.URLField(
        label="Test survey link", max_length=2000, assume_scheme="https", validators=[validate_survey_url]
    )
    # The Fielding Assistant's fields come from FieldingAssistantFields.
    # Exclusions and supply
    exclusion_enabled = forms.BooleanField(label="Apply the project's exclusion policy", required=False, initial=True)
    excluded_target_group_ids = ExcludedIdsField(
        label="Exclude respondents of these target groups",
        required=False,
        help_text="Whoever took part in one of them cannot take this one. Find them by name or id below.",
    )

    def __init__(self, *args, connection, profile=None, target_group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile or empty_profile()
        self.connection, self.target_group = connection, target_group
        self.kept_exclusions = list(self.initial.get("excluded_target_group_ids") or ())
        self.units = {u.remote_id: u for u in BusinessUnit.objects.filter(connection=connection)}
        users = AccountUser.objects.filter(connection=connection)
        self.fields["business_unit"].choices = [("", "Choose…"), *((k, str(u)) for k, u in self.units.items())]
        self.fields["project_manager"].choices = [("", "Choose…"), *((u.remote_id, str(u)) for u in users)]
        for field, kind in DEFINITION_FIELDS.items():
            choices = definition_choices(connection, kind, self.initial.get(field) or "")
            self.fields[field].choices = choices if self.fields[field].required else [("", "None"), *choices]
        self.allocations = AllocationFormSet(*args[:1], prefix="alloc", initial=kwargs.get("initial", {}).get("alloc"))

    def clean_fielding_start_at(self):
        value = self.cleaned_data["fielding_start_at"]
        validate_hour_ahead(value, "fielding start")
        return value

    def clean_excluded_target_group_ids(self):
        ids = list(dict.fromkeys(self.cleaned_data["excluded_target_group_ids"]))
        refused = refusals(self.connection, ids, exclude=self.target_group, kept=self.kept_exclusions)
        if refused:
            raise ValidationError(refused)
        return ids

    def excluded_now(self):
        """The exclusions the form shows as chosen: what was posted, else what the draft has."""
        return [str(i) for i in self["excluded_target_group_ids"].value() or []]

    def shown_unchecked(self):
        """Show the form as typed without judging it (a search for exclusions without JavaScript saves nothing)."""
        self._errors = ErrorDict()
        self.allocations._non_form_errors = self.allocations.error_class()
        for row in self.allocations.forms:
            row._errors = ErrorDict()
        return self

    def clean_cpi_currency(self):
        return self.cleaned_data["cpi_currency"].strip().upper()

    def clean(self):
        data = super().clean()
        try:
            validate_end_after(data.get("fielding_start_at"), data.get("fielding_end_at"))
        except ValidationError as exc:
            self.add_error("fielding_end_at", exc)
        self._clean_pricing(data)
        self._clean_fielding_assistant(data)
        self._clean_nominal_quotas(data)
        return data

    def _clean_pricing(self, data):
        unit = self.units.get(data.get("business_unit"))
        model = data.get("pricing_model")
        if unit is None or not model:
            return
        if unit.pricing_models and model not in unit.pricing_models:
            offered = " or ".join(m.replace("_", " ") for m in unit.pricing_models)
            self.add_error("pricing_model", f"{unit.name} uses {offered} pricing; choose that.")
        if model == "rate_card":
            if data.get("cpi") is not None:
                self.add_error(
                    "cpi", "Rate-card target groups take their price from the rate card: leave the CPI empty."
                )
        elif data.get("cpi") is None:
            self.add_error("cpi", "Dynamic pricing needs a CPI: the price offered to suppliers per complete.")
        currency = data.get("cpi_currency") or unit.currency_code
        if currency and unit.currency_code and currency != unit.currency_code:
            self.add_error(
                "cpi_currency",
                f"{unit.name} works in {unit.currency_code}; enter the CPI in {unit.currency_code}.",
            )
        data["cpi_currency"] = unit.currency_code or currency

    def _clean_fielding_assistant(self, data):
        clean_fielding_assistant(self, data, data.get("pricing_model"))

    def _clean_nominal_quotas(self, data):
        goal = data.get("filling_goal")
        if not goal:
            return
        for draft in self.profile.get("drafts") or []:
            if draft.get("_unit") != "nominal":
                continue
            quotas = draft.get("quotas") or {}
            total = sum(q.get("quota_nominal") or 0 for q in quotas.get("grouped") or quotas.get("ungrouped") or [])
            if total and total != goal:
                name = draft.get("_name") or f"question {draft.get('question_id')}"
                self.add_error(
                    "filling_goal",
                    f"The {name} quotas are counts adding up to {total}; set the filling goal to {total} "
                    "or change those quotas on the profiling page.",
                )

    def is_valid(self):
        valid = super().is_valid()
        return self.allocations.is_valid() and valid

    # --- the body --------------------------------------------------------------------

    def body(self):
        """The ``CreateDraftTargetGroupRequest`` (with the cockpit's `_` notes)."""
        data = self.cleaned_data
        currency = data["cpi_currency"]
        body = {
            "name": data["name"],
            "business_unit_id": data["business_unit"],
            "project_manager_id": data["project_manager"],
            "study_type_code": data["study_type_code"],
            "industry_code": data["industry_code"],
            "locale": data["locale"],
            "collects_pii": data["collects_pii"],
            "filling_goal": data["filling_goal"],
            "expected_length_of_interview_minutes": data["expected_length_of_interview_minutes"],
            "expected_incidence_rate": round(data["expected_incidence_rate"] / 100, 2),
            "fielding_specification": {
                "start_at": rfc3339(data["fielding_start_at"]),
                "end_at": rfc3339(data["fielding_end_at"]),
            },
            "live_url": data["live_url"],
            "test_url": data["test_url"],
            "fielding_assistant_assignment": self._fielding_assistant(data, currency),
            "profile": self.profile,
            "exclusion": {"enabled": data["exclusion_enabled"], "list": []},
            "_pricing_model": data["pricing_model"],
            "_currency": currency,
        }
        if data.get("industry_lockout_code"):
            body["industry_lockout_code"] = data["industry_lockout_code"]
        if data["pricing_model"] == "dynamic" and data.get("cpi") is not None:
            body["cost_per_interview"] = money(data["cpi"], currency)
        if data["excluded_target_group_ids"]:
            body["exclusion"]["list"] = [
                {"entity_type": "target_group", "entity_ids": data["excluded_target_group_ids"]}
            ]
        allocations = self.allocations.allocations()
        if allocations:
            body["supply_allocations"] = allocations
        return body

    @staticmethod
    def _fielding_assistant(data, currency):
        return assistant_body(data, currency, data["pricing_model"])


def initial_from_body(body, tg):
    """Form initial values from a draft body (the edit form shows what was last meant)."""
    spec = body.get("fielding_specification") or {}
    assistant = body.get("fielding_assistant_assignment") or {}
    overlay = assistant.get("quota_overlay") or {}
    pricing = assistant.get("pricing") or {}
    pacing = assistant.get("pacing") or {}
    exclusion = body.get("exclusion") or {}
    ir = body.get("expected_incidence_rate", tg.expected_incidence_rate)
    kept = bool((tg.details or {}).get("draft"))  # else: what the mirror shows of the supplier's draft
    initial = {
        "name": body.get("name", tg.name),
        "business_unit": str(body.get("business_unit_id") or ""),
        "project_manager": body.get("project_manager_id") or "",
        "study_type_code": body.get("study_type_code") or "adhoc",
        "industry_code": body.get("industry_code") or "other",
        "industry_lockout_code": body.get("industry_lockout_code") or "",
        "locale": body.get("locale") or tg.locale,
        "collects_pii": bool(body.get("collects_pii")),
        "filling_goal": body.get("filling_goal", tg.filling_goal or None),
        "expected_length_of_interview_minutes": body.get(
            "expected_length_of_interview_minutes", tg.expected_length_of_interview_minutes
        ),
        "expected_incidence_rate": None if ir is None else round(float(ir) * 100),
        "fielding_start_at": tg.fielding_start_at if spec.get("start_at") or not kept else None,
        "fielding_end_at": tg.fielding_end_at if spec.get("end_at") or not kept else None,
        "pricing_model": body.get("_pricing_model") or tg.pricing_model or "dynamic",
        "cpi": (body.get("cost_per_interview") or {}).get("value", tg.cpi),
        "cpi_currency": body.get("_currency")
        or (body.get("cost_per_interview") or {}).get("currency_code", tg.cpi_currency),
        "live_url": body.get("live_url", tg.live_url),
        "test_url": body.get("test_url", tg.test_url),
        "prevent_overfill": overlay.get("prevent_overfill", True),
        "balance_fill": overlay.get("balance_fill", False),
        "optimize_cpi": bool(pricing),
        "total_budget": (pricing.get("total_budget") or {}).get("value"),
        "maximum_cpi": (pricing.get("maximum_cpi") or {}).get("value"),
        "minimum_cpi": (pricing.get("minimum_cpi") or {}).get("value"),
        "pacing_type": pacing.get("type", ""),
        "pacing_interval": pacing.get("increment_interval", ""),
        "exclusion_enabled": exclusion.get("enabled", True),
        "excluded_target_group_ids": excluded_ids(body),
        "alloc": allocation_initial(body.get("supply_allocations") or []),
    }
    return initial


def _as_data(value):
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "strftime"):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    return "" if value is None else str(value)


def bound_draft_form(body, tg, *, connection, supplier_response=None):
    """The draft form filled with `body` and checked, plus the supplier's reasons next to the fields.

    Used to show a refused save again: the PM's values, what the cockpit thinks of them
    now, and what the supplier said.
    """
    from .body import parse_time, supplier_field_errors

    initial = initial_from_body(body, tg)
    spec = body.get("fielding_specification") or {}
    initial["fielding_start_at"] = parse_time(spec.get("start_at"))
    initial["fielding_end_at"] = parse_time(spec.get("end_at"))
    allocations = initial.pop("alloc")
    data = {name: _as_data(value) for name, value in initial.items() if not isinstance(value, bool) or value}
    total = max(len(allocations) + 1, 3)
    data.update(
        {
            "alloc-TOTAL_FORMS": str(total),
            "alloc-INITIAL_FORMS": "0",
            "alloc-MIN_NUM_FORMS": "0",
            "alloc-MAX_NUM_FORMS": "8",
        }
    )
    for i, row in enumerate(allocations):
        data.update({f"alloc-{i}-{key}": _as_data(value) for key, value in row.items()})
    form = DraftTargetGroupForm(
        data, connection=connection, profile=body.get("profile") or empty_profile(), initial=initial, target_group=tg
    )
    form.is_valid()
    placed, unplaced = supplier_field_errors(connection, supplier_response, set(form.fields))
    for field, reasons in placed.items():
        for reason in reasons:
            form.add_error(field, reason)
    form.supplier_unplaced = unplaced
    return form
