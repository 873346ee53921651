from django import forms

from .models import Preference, time_zone_names


class PreferenceForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Every time in the cockpit is shown, and typed, in this zone.",
    )

    class Meta:
        model = Preference
        fields = ["time_zone"]

    def __init__(self, *args, browser_zone="", **kwargs):
        super().__init__(*args, **kwargs)
        browser = f"Your browser's ({browser_zone})" if browser_zone else "Your browser's"
        self.fields["time_zone"].choices = [("", browser), *((name, name) for name in time_zone_names())]
        self.fields["time_zone"].error_messages["invalid_choice"] = (
            "That is not a time zone the cockpit knows; choose one from the list."
        )
