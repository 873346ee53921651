from django import forms

from .models import InterlockCell, Profile

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


class ProfileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InterlockForm(forms.Form):
    profiles = ProfileChoiceField(
        queryset=Profile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the profiles to interlock."},
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
        self.limits = target_group.capabilities.interlocks
        if self.limits is not None and not self.limits.split_from_goal:
            self.fields["filling_goal"].required = False  # the supplier splits its own goal
        if self.limits is not None:
            word = self.limits.member_word
            self.fields["profiles"].error_messages["required"] = (
                f"Choose at least {NUMBER_WORDS.get(self.limits.min_members, self.limits.min_members)} {word} to "
                "interlock."
            )

    def profile_options(self):
        """(pk, name, ticked) of each profile to choose from; the page renders the checkboxes itself
        (one widget template per profile was most of a long target group's interlock form)."""
        ticked = {str(value) for value in (self["profiles"].value() or [])}
        return [(pk, name, str(pk) in ticked) for pk, name in self.fields["profiles"].choices]

    def clean_profiles(self):
        chosen = list(self.cleaned_data["profiles"])
        limits = self.limits
        if limits is None:
            raise forms.ValidationError("This supplier does not interlock quotas.")
        word = limits.member_word
        if len(chosen) < limits.min_members:
            raise forms.ValidationError(self.fields["profiles"].error_messages["required"])
        if len(chosen) > limits.max_members:
            raise forms.ValidationError(f"The supplier interlocks at most {limits.max_members} {word} at once.")
        if limits.max_cells is not None:
            cells = 1
            for profile in chosen:
                cells *= max(1, len(profile.conditions or []))
            if cells > limits.max_cells:
                raise forms.ValidationError(
                    f"These {word} make {cells:,} combinations; the supplier takes at most {limits.max_cells:,}. "
                    f"Choose fewer {word}, or ones with fewer answers."
                )
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
    """One integer field per quota of a profile (or cell of an interlock), named `goal-<pk>`.

    A posted form has fields for the quotas it was sent with only: a long profile's block shows its
    first quotas, and the goals it does not show stay as they are.
    """

    def __init__(self, *args, quotas, limits=None, **kwargs):
        """`limits`: the supplier's `InterlockLimits`, whose cell goal bounds apply to interlock cells."""
        super().__init__(*args, **kwargs)
        self.quotas = [q for q in quotas if not self.is_bound or self.field_name(q) in self.data]
        for quota in self.quotas:
            lowest, highest = 0, None
            if limits is not None and isinstance(quota, InterlockCell):
                lowest, highest = max(0, limits.min_cell_goal), limits.max_cell_goal
            self.fields[self.field_name(quota)] = forms.IntegerField(
                label=quota.text,
                min_value=lowest,
                max_value=highest,
                initial=quota.completes_goal,
                error_messages={
                    "required": f"Give a goal ({lowest} or more).",
                    "invalid": "Enter a whole number, such as 120.",
                    "min_value": "A goal cannot be negative." if lowest == 0 else f"A goal must be at least {lowest}.",
                    "max_value": f"A goal can be at most {highest:,}." if highest else "",
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
