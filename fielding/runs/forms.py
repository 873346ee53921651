"""Small forms of the fielding pages: launch or schedule, a new end date, bulk actions,
the profiling page's pickers. The draft and profile editors live in ``forms_draft``
and ``forms_profile``."""

from django import forms
from django.core.exceptions import ValidationError

from fielding.drafts.forms import DateTimeLocalInput
from fielding.drafts.summary import question_name
from fielding.drafts.validators import validate_end_after, validate_hour_ahead
from preferences.zones import zoned

BULK_ACTIONS = [("launch", "Launch"), ("pause", "Pause"), ("resume", "Resume"), ("complete", "Complete")]
INTERVALS = [("PT1H", "Hourly"), ("PT6H", "Every 6 hours"), ("P1D", "Daily"), ("P7D", "Weekly")]


class LaunchForm(forms.Form):
    """Launch now (until the end date) or schedule the launch between two dates."""

    when = forms.ChoiceField(
        label="Launch",
        choices=[("now", "Now"), ("schedule", "At a scheduled time")],
        initial="now",
        widget=forms.RadioSelect,
    )
    start_fielding_at = forms.DateTimeField(label=zoned("Scheduled start"), required=False, widget=DateTimeLocalInput())
    end_fielding_at = forms.DateTimeField(label=zoned("Fielding end"), widget=DateTimeLocalInput())

    def clean_end_fielding_at(self):
        value = self.cleaned_data["end_fielding_at"]
        validate_hour_ahead(value, "fielding end")
        return value

    def clean(self):
        data = super().clean()
        if data.get("when") != "schedule":
            data["start_fielding_at"] = None
            return data
        start = data.get("start_fielding_at")
        if start is None:
            if "start_fielding_at" not in self.errors:
                self.add_error("start_fielding_at", "Give the time the launch is scheduled for.")
            return data
        try:
            validate_hour_ahead(start, "fielding start")
        except ValidationError as exc:
            self.add_error("start_fielding_at", exc)
        try:
            validate_end_after(start, data.get("end_fielding_at"))
        except ValidationError as exc:
            self.add_error("end_fielding_at", exc)
        return data


class EndDateForm(forms.Form):
    end_fielding_at = forms.DateTimeField(label=zoned("New fielding end"), widget=DateTimeLocalInput())

    def __init__(self, *args, run=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run

    def clean_end_fielding_at(self):
        value = self.cleaned_data["end_fielding_at"]
        validate_hour_ahead(value, "new end")
        start = self.run.start_fielding_at if self.run else None
        if start and value <= start:
            raise ValidationError("The new end must be after the run's start.")
        if self.run and self.run.end_fielding_at == value:
            raise ValidationError("That is already the end date.")
        return value


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="With the selected target groups", choices=BULK_ACTIONS)
    target_groups = forms.TypedMultipleChoiceField(coerce=int, label="Target groups")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["target_groups"].choices = [(tg.pk, tg.name) for tg in project.target_groups.all()]
        self.fields["target_groups"].error_messages["required"] = "Tick the target groups to act on."


class QuestionPickForm(forms.Form):
    question = forms.TypedChoiceField(label="Add a question", coerce=int)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [
            ("", "Choose a question…"),
            *((q.question_id, f"{q.name} — {q.text}"[:120]) for q in questions),
        ]


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label="Apply a profiling template")

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "Choose a template…"), *((t.remote_id, str(t)) for t in templates)]


class InterlockForm(forms.Form):
    questions = forms.TypedMultipleChoiceField(
        label="Interlock these profiles", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, drafts, names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = [(d["question_id"], question_name(d, names or {})) for d in drafts]

    def clean_questions(self):
        chosen = self.cleaned_data["questions"]
        if not 2 <= len(chosen) <= 6:
            raise ValidationError("Choose two to six profiles to interlock.")
        return chosen


class IntervalForm(forms.Form):
    interval = forms.ChoiceField(label="Completes per", choices=INTERVALS, initial="P1D", required=False)
