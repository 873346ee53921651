"""The study's own form: name, client, goal, field dates (in the PM's zone), budget, and what happens when
it is full. Every rule is said next to its field; what was typed comes back on an error."""

from django import forms

from preferences.zones import zoned

from .models import Study

CURRENCIES = [("USD", "USD"), ("EUR", "EUR"), ("GBP", "GBP"), ("CAD", "CAD"), ("AUD", "AUD")]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StudyForm(forms.ModelForm):
    field_start = forms.DateTimeField(label=zoned("In field from"), widget=DateTimeLocalInput())
    field_end = forms.DateTimeField(label=zoned("In field until"), widget=DateTimeLocalInput())
    goal = forms.IntegerField(
        label="Goal (completes)", help_text="Completes the client buys, over every supplier.", min_value=1
    )
    budget = forms.DecimalField(label="Budget", required=False, min_value=0, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField(choices=CURRENCIES)
    when_full = forms.ChoiceField(
        label="When the study reaches its goal", choices=Study.WhenFull.choices, widget=forms.RadioSelect
    )
    guard_on = forms.BooleanField(label="Guard against over-quota: close a full cell at every supplier", required=False)

    class Meta:
        model = Study
        fields = ["name", "client", "goal", "field_start", "field_end", "budget", "currency", "when_full", "guard_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].error_messages["min_value"] = "The goal is at least 1 complete."
        self.fields["budget"].error_messages["min_value"] = "A budget cannot be below 0."

    def clean(self):
        data = super().clean()
        start, end = data.get("field_start"), data.get("field_end")
        if start and end and end <= start:
            self.add_error("field_end", "The field end must come after the field start.")
        return data
