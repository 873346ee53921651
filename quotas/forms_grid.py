"""The grid's bulk edit: every goal and current target of a target group's quotas and interlock cells as
the fields of one form, checked with the messages and warnings the single-value forms use, and saved as one change
(`services.request_quota_figures`).

Fields: ``goal-quota-<pk>``, ``goal-cell-<pk>``, and where the supplier has `traffic_caps`
``target-quota-<pk>``, ``target-cell-<pk>``. A posted form has fields for the rows it was sent with
only: the figures a page did not show stay as they are.
"""

import copy

from django import forms

from . import goal_checks
from .forms import WarningsMixin, goal_field
from .forms_caps import QuotaQuantityForm, TrafficCapForm, above_quantity, above_survey_goal
from .models import InterlockedProfile, Profile

QUOTA, CELL = "quota", "cell"

# What the view says when a save changes nothing.
NOTHING_TO_SAVE = "Nothing to save: every goal and current target is as it was."


def field_name(figure, kind, row):
    """``goal-quota-12``: `figure` "goal" or "target", `kind` QUOTA or CELL."""
    return f"{figure}-{kind}-{row.pk}"


def owner_of(kind, row):
    """The group whose goals add up (a profile, or an interlock): ("profile", pk) or ("interlock", pk)."""
    if kind == CELL:
        return "interlock", row.interlocked_profile_id
    return "profile", row.profile_id


class GridForm(WarningsMixin, forms.Form):
    """The goals (quantities) and current targets of `quotas` and `cells` (`Quota`/`InterlockCell` instances,
    or rows with their pk, remote_id, text, completes_goal, completes, traffic_cap and owner's id).

    Pass every quota and cell of the target group: the totals each profile's (interlock's) goals add up to
    count the stored goals of the rows not posted. After `is_valid`: `changed()`, then `check()` for the
    warnings (`warnings` {field name: text}, `total_warnings` {"profile-<pk>"/"interlock-<pk>": text}).
    """

    def __init__(self, *args, tg, quotas=(), cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tg = tg
        capabilities = tg.capabilities
        self.with_targets = capabilities.traffic_caps
        self.rows = [(QUOTA, row) for row in quotas] + [(CELL, row) for row in cells]
        self.total_warnings = {}
        for kind, row in self.rows:
            name = field_name("goal", kind, row)
            if not self.is_bound or name in self.data:
                self.fields[name] = self._goal_field(kind, row, capabilities.interlocks)
            name = field_name("target", kind, row)
            if self.with_targets and (not self.is_bound or name in self.data):
                self.fields[name] = self._target_field(row)

    def _goal_field(self, kind, row, limits):
        if not self.with_targets:
            return goal_field(row, limits if kind == CELL else None)
        # A supplier with current targets calls the goal a quantity: its own form's field and words.
        field = copy.deepcopy(QuotaQuantityForm.base_fields["required_count"])
        field.label, field.initial = row.text, row.completes_goal
        return field

    def _target_field(self, row):
        field = copy.deepcopy(TrafficCapForm.base_fields["traffic_cap"])
        field.label, field.initial = row.text, getattr(row, "traffic_cap", None)
        # A row whose current target is not known may be left blank: it stays unknown.
        field.required = field.initial is not None
        return field

    def entries(self):
        """[(kind, row, goal field or None, target field or None)] of the rows this form has fields for,
        in the order given (bound fields, with their errors and the input as typed)."""
        found = []
        for kind, row in self.rows:
            goal, target = field_name("goal", kind, row), field_name("target", kind, row)
            if goal in self.fields or target in self.fields:
                found.append(
                    (
                        kind,
                        row,
                        self[goal] if goal in self.fields else None,
                        self[target] if target in self.fields else None,
                    )
                )
        return found

    def _new_goal(self, kind, row):
        """The goal the form asks for this row (the stored one where it has no field), or None if invalid."""
        name = field_name("goal", kind, row)
        if name not in self.fields:
            return row.completes_goal
        return self.cleaned_data.get(name)

    def clean(self):
        cleaned = super().clean()
        survey_goal = self.tg.filling_goal if self.with_targets else None
        for kind, row in self.rows:
            goal_name, target_name = field_name("goal", kind, row), field_name("target", kind, row)
            goal = self._new_goal(kind, row)
            if survey_goal and goal_name in cleaned and goal > survey_goal:
                self.add_error(goal_name, above_survey_goal(survey_goal))
                continue
            target = cleaned.get(target_name)
            if goal is None or target is None or goal_name in self.errors:
                continue
            # A current target left as it was follows a lower goal down (the supplier lowers it too);
            # one typed above the goal is refused, as the supplier would.
            if target != getattr(row, "traffic_cap", None) and target > goal:
                self.add_error(target_name, above_quantity(goal))
        return cleaned

    def changed(self):
        """After `is_valid`: ({row: new goal}, {row: new current target}) of what differs from what is stored."""
        goals, targets = {}, {}
        for kind, row in self.rows:
            goal, target = field_name("goal", kind, row), field_name("target", kind, row)
            if goal in self.fields and self.cleaned_data[goal] != row.completes_goal:
                goals[row] = self.cleaned_data[goal]
            value = self.cleaned_data.get(target) if target in self.fields else None
            if value is not None and value != getattr(row, "traffic_cap", None):
                targets[row] = value
        return goals, targets

    def check(self):
        """After `is_valid`: warn of goals lowered below what is achieved (next to the field), and of the
        goals of a profile or interlock adding up to less than the target group's goal (`total_warnings`,
        for the groups whose goals changed). True when nothing needs the PM's confirmation."""
        self.warnings, self.total_warnings = {}, {}
        changed_goals, _ = self.changed()
        totals, touched = {}, set()
        for kind, row in self.rows:
            owner = owner_of(kind, row)
            goal = changed_goals.get(row, row.completes_goal)
            totals[owner] = totals.get(owner, 0) + (goal or 0)
            if row in changed_goals:
                touched.add(owner)
                warning = goal_checks.below_achieved(row, goal)
                if warning:
                    self.warnings[field_name("goal", kind, row)] = warning
        names = self._owner_names(touched)
        for owner in sorted(touched, key=lambda o: (o[0] != "profile", names.get(o, ""))):
            what = f"The {'quantities' if self.with_targets else 'goals'} of {names.get(owner) or 'this profile'}"
            warning = goal_checks.total_below_goal(totals[owner], self.tg, what)
            if warning:
                self.total_warnings[f"{owner[0]}-{owner[1]}"] = warning
        self.total_warning = " ".join(self.total_warnings.values())
        return not self.needs_confirmation

    @staticmethod
    def _owner_names(owners):
        """{owner: name} of these profiles and interlocks (a query for each kind asked about)."""
        names = {}
        for word, model in (("profile", Profile), ("interlock", InterlockedProfile)):
            pks = [pk for kind, pk in owners if kind == word]
            if pks:
                names.update(
                    {(word, pk): name for pk, name in model.objects.filter(pk__in=pks).values_list("pk", "name")}
                )
        return names
