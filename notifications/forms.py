from django import forms

from .models import Event, NotificationSetting
from .outbound import Refused, check_url


class NotificationSettingForm(forms.ModelForm):
    scope = forms.ChoiceField(
        label="About which target groups",
        choices=NotificationSetting.Scope.choices,
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(
        label="Which events",
        choices=Event.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to hear of nothing.",
    )
    timing = forms.ChoiceField(label="When", choices=NotificationSetting.Timing.choices, widget=forms.RadioSelect)
    digest_hour = forms.TypedChoiceField(
        label="Digest hour",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="A day's digest goes out the next day at this hour, in your time zone.",
    )
    webhook_url = forms.CharField(
        label="Slack-compatible webhook URL",
        required=False,
        max_length=500,
        help_text="An incoming-webhook address (https://hooks.slack.com/services/…); leave empty for none.",
    )

    class Meta:
        model = NotificationSetting
        fields = ["scope", "kinds", "timing", "digest_hour", "email", "webhook_url"]
        labels = {"email": "Send them by e-mail too"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["email"].help_text = (
            f"To {user.email}." if user.email else "Your account has no e-mail address: ask an admin to add one."
        )

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        if not url:
            return ""
        try:
            forms.URLField(assume_scheme="https").clean(url)
            check_url(url)
        except forms.ValidationError:
            raise forms.ValidationError(
                "This is not a web address; it should look like https://hooks.example.com/…"
            ) from None
        except Refused as exc:
            raise forms.ValidationError(exc.message) from None
        return url
