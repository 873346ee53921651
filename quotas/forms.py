from django import forms
from django.db import connection

from projects.models import MAX_COUNT

from . import goal_checks
from .models import Profile

# Said of a count past what the cockpit stores: no supplier sells that many completes either.
TOO_MANY = f"That is more completes than the cockpit can record: at most {MAX_COUNT:,}."

CONFIRM = "confirm"  # posted with "yes" once the PM has seen the warnings and sends anyway


class WarningsMixin:
    """Warnings about valid values (`warnings`: {field name: text}; `total_warning`): the PM sees
    them next to the fields and confirms before anything is sent."""

    warnings = None
    total_warning = ""
    rescaled = ()

    @property
    def confirmed(self):
        return self.data.get(CONFIRM) == "yes"

    @property
    def needs_confirmation(self):
        return bool(self.warnings or self.total_warning) and not self.confirmed


NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


class ProfileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name

    def clean(self, value):
        """Ids past the range of the database's ids name no profile: refused as unknown choices before
        they are looked up (SQLite cannot even compare them)."""
        low, high = connection.ops.integer_field_range(Profile._meta.pk.get_internal_type())
        for pk in value if isinstance(value, list | tuple) else ():
            if str(pk).isdecimal() and not low <= int(pk) <= high:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


class InterlockForm(forms.Form):
    profiles = ProfileChoiceField(
        queryset=Profile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the profiles to interlock."},
    )
    filling_goal = forms.IntegerField(
        label="Target group filling goal",
        min_value=1,
        max_value=MAX_COUNT,
        help_text="The completes the interlocked cells are split from.",
        error_messages={
            "required": "Give the filling goal the cells are split from.",
            "invalid": "Enter a whole number of completes, such as 500.",
            "min_value": "The filling goal must be at least 1.",
            "max_value": TOO_MANY,
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


def goal_field(quota, cell_limits=None):
    """The field of a quota's (or cell's) completes goal; `cell_limits`: the supplier's `InterlockLimits`
    when `quota` is an interlock cell, whose goal bounds then apply."""
    lowest, highest = 0, MAX_COUNT
    if cell_limits is not None:
        lowest, highest = max(0, cell_limits.min_cell_goal), cell_limits.max_cell_goal or MAX_COUNT
    return forms.IntegerField(
        label=quota.text,
        min_value=lowest,
        max_value=highest,
        initial=quota.completes_goal,
        error_messages={
            "required": f"Give a goal ({lowest} or more).",
            "invalid": "Enter a whole number, such as 120.",
            "min_value": "A goal cannot be negative." if lowest == 0 else f"A goal must be at least {lowest}.",
            "max_value": TOO_MANY if highest == MAX_COUNT else f"A goal can be at most {highest:,}.",
        },
    )


class FillingGoalForm(WarningsMixin, forms.Form):
    filling_goal = forms.IntegerField(
        label="Filling goal",
        min_value=1,
        max_value=MAX_COUNT,
        error_messages={
            "required": "Give the number of completes wanted.",
            "invalid": "Enter a whole number of completes, such as 500.",
            "min_value": "The filling goal must be at least 1.",
            "max_value": TOO_MANY,
        },
    )

    def check(self, tg, quotas=()):
        """After `is_valid`: warn of a goal below the completes achieved, and list the quota goals the
        supplier will move with it (`rescaled`); either needs the PM's confirmation."""
        goal = self.cleaned_data["filling_goal"]
        self.warnings = {}
        found = goal_checks.filling_goal_warnings(tg, goal)
        if found:
            self.warnings["filling_goal"] = " ".join(found)
        self.rescaled = goal_checks.rescaled_goals(tg, goal, quotas)
        if self.rescaled:
            self.total_warning = (
                f"{tg.project.connection.get_kind_display()} moves every quota goal with the filling goal, "
                f"{len(self.rescaled)} of them:"
            )
        return not self.needs_confirmation
