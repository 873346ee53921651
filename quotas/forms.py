from django import forms

from .models import Profile

MAX_INTERLOCKED_PROFILES = 6  # the contract: "from up to 6 existing profiles"


class ProfileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InterlockForm(forms.Form):
    profiles = ProfileChoiceField(
        queryset=Profile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least two profiles to interlock."},
    )
    filling_goal = forms.IntegerField(
        label="Target group filling goal",
        min_value=1,
        help_text="The completes the interlocked cells are split from.",
        error_messages={
            "required": "Give the filling goal the cells are split from.",
            "invalid": "Enter a whole number of completes, such as 500.",
            "min_value": "The filling goal must be at least 1.",
        },
    )

    def __init__(self, *args, target_group, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_group = target_group
        self.fields["profiles"].queryset = target_group.profiles.filter(vanished_at__isnull=True)
        if profiles is not None:  # already loaded by the page: reuse them for the choices
            self.fields["profiles"].choices = [(p.pk, p.name) for p in profiles if not p.vanished_at]
        self.initial.setdefault("filling_goal", target_group.filling_goal or None)

    def clean_profiles(self):
        chosen = list(self.cleaned_data["profiles"])
        if len(chosen) < 2:
            raise forms.ValidationError("Choose at least two profiles to interlock.")
        if len(chosen) > MAX_INTERLOCKED_PROFILES:
            raise forms.ValidationError(f"The supplier interlocks at most {MAX_INTERLOCKED_PROFILES} profiles at once.")
        problems = []
        for profile in chosen:
            if profile.interlocked_profile_id:
                problems.append(f"{profile.name} is already in an interlock; remove that interlock first.")
            elif not profile.quotas_enabled:
                problems.append(f"{profile.name} has its quotas disabled; enable them before interlocking.")
        if problems:
            raise forms.ValidationError(problems)
        return chosen


class QuotaGoalsForm(forms.Form):
    """One integer field per quota of a profile (or cell of an interlock), named `goal-<pk>`."""

    def __init__(self, *args, quotas, **kwargs):
        super().__init__(*args, **kwargs)
        self.quotas = list(quotas)
        for quota in self.quotas:
            self.fields[self.field_name(quota)] = forms.IntegerField(
                label=quota.text,
                min_value=0,
                initial=quota.completes_goal,
                error_messages={
                    "required": "Give a goal (0 or more).",
                    "invalid": "Enter a whole number, such as 120.",
                    "min_value": "A goal cannot be negative.",
                },
            )

    @staticmethod
    def field_name(quota):
        return f"goal-{quota.pk}"

    def changed_goals(self):
        """{quota: new goal} for the goals that differ from the stored ones."""
        return {
            quota: self.cleaned_data[self.field_name(quota)]
            for quota in self.quotas
            if self.cleaned_data[self.field_name(quota)] != quota.completes_goal
        }

    def bound_fields(self):
        return [(quota, self[self.field_name(quota)]) for quota in self.quotas]


class FillingGoalForm(forms.Form):
    filling_goal = forms.IntegerField(
        label="Filling goal",
        min_value=1,
        error_messages={
            "required": "Give the number of completes wanted.",
            "invalid": "Enter a whole number of completes, such as 500.",
            "min_value": "The filling goal must be at least 1.",
        },
    )
