"""Supply allocations of a draft: group, exchange and blocked rows, and the rule that an
exchange allocation comes with any other."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator


class AllocationForm(forms.Form):
    type = forms.ChoiceField(
        label="Allocation",
        required=False,
        choices=[
            ("", "—"),
            ("group", "Group of suppliers"),
            ("exchange", "Exchange (everyone else)"),
            ("blocked", "Blocked suppliers"),
        ],
    )
    name = forms.CharField(label="Group name", max_length=100, required=False)
    percentage_min = forms.IntegerField(
        label="Min %", required=False, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    percentage_max = forms.IntegerField(
        label="Max %", required=False, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    suppliers = forms.CharField(label="Supplier ids", required=False, help_text="Numbers, separated by commas.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean_suppliers(self):
        raw = [part.strip() for part in self.cleaned_data["suppliers"].replace(";", ",").split(",") if part.strip()]
        if any(not part.isdigit() for part in raw):
            raise ValidationError("Supplier ids are whole numbers, separated by commas.")
        return [int(part) for part in raw]

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        low, high = data.get("percentage_min"), data.get("percentage_max")
        if not kind:
            if data.get("name") or data.get("suppliers") or low is not None or high is not None:
                self.add_error("type", "Choose the kind of allocation for this row, or clear the row.")
            return data
        if kind == "group":
            if not data.get("name"):
                self.add_error("name", "A group needs a name.")
            if not data.get("suppliers"):
                self.add_error("suppliers", "List the suppliers of this group.")
        if kind in ("group", "exchange") and high is None:
            self.add_error("percentage_max", "Give the largest share of completes (0–100).")
        if kind == "blocked":
            if not data.get("suppliers"):
                self.add_error("suppliers", "List the suppliers to block.")
            if low is not None or high is not None:
                self.add_error("percentage_max", "Blocked suppliers take no percentages; clear them.")
        if low is not None and high is not None and low > high:
            self.add_error("percentage_min", "The minimum share cannot be above the maximum.")
        return data

    def allocation(self):
        data = self.cleaned_data
        kind = data.get("type")
        if not kind:
            return None
        item = {"type": kind}
        if kind == "group":
            item["name"] = data["name"]
        if kind in ("group", "exchange"):
            item["percentage_max"] = data["percentage_max"]
            item["percentage_min"] = data.get("percentage_min") or 0
        if kind in ("group", "blocked"):
            item["suppliers"] = [{"id": supplier} for supplier in data["suppliers"]]
        return item


class BaseAllocationFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        kinds = [form.cleaned_data.get("type") for form in self.forms if form.cleaned_data.get("type")]
        if kinds.count("exchange") > 1:
            raise ValidationError("Give at most one exchange allocation.")
        if any(kind in ("group", "blocked") for kind in kinds) and "exchange" not in kinds:
            raise ValidationError(
                "Add an exchange allocation too: the supplier requires one whenever a group or blocked allocation is "
                "given (it covers every supplier not listed)."
            )

    def allocations(self):
        return [item for form in self.forms if (item := form.allocation())]


AllocationFormSet = forms.formset_factory(AllocationForm, formset=BaseAllocationFormSet, extra=3, max_num=8)


def allocation_initial(allocations):
    return [
        {
            "type": item.get("type", ""),
            "name": item.get("name", ""),
            "percentage_min": item.get("percentage_min"),
            "percentage_max": item.get("percentage_max"),
            "suppliers": ", ".join(str(s.get("id")) for s in item.get("suppliers") or []),
        }
        for item in allocations
    ]
