"""The form a PM sets up a rule with: what it watches, the two thresholds, and what it does.

Said next to its field when asked: a window missing for a count, a clear threshold on the wrong side of the
fire threshold (it would re-arm at once, or never), a quota action on a figure that names no quota, a current
target without its figure.
"""

from decimal import Decimal

from django import forms

from .conditions import CONDITIONS, LOW
from .models import Rule
from .presets import PRESETS
from .study_conditions import STUDY_CONDITIONS

MAX_HOURS = 24 * 30


def condition_choices(conditions=CONDITIONS):
    return [(c.key, f"{c.label} — {c.suppliers}") for c in conditions.values()]


class RuleForm(forms.ModelForm):
    condition = forms.ChoiceField(label="Watch", error_messages={"required": "Choose what the rule watches."})
    clear_at = forms.DecimalField(
        label="Re-arms at", required=False, max_digits=12, decimal_places=2,
        help_text="Once fired, the rule fires again only after the figure is back here. Empty: the fire threshold.",
    )  # fmt: skip

    class Meta:
        model = Rule
        fields = ("name", "condition", "hours", "fire_at", "clear_at", "action", "action_value")
        labels = {
            "name": "Name",
            "hours": "Over the last (hours)",
            "fire_at": "Fires past",
            "action": "Then",
            "action_value": "Current target",
        }
        help_texts = {
            "hours": "For completes and starts: the window they are counted over.",
            "fire_at": "Counts, pace, incidence and conversion fire below it; fill, spend, days paused, CPI, LOI "
            "and drop-off fire above it.",
            "action_value": "For “Set the quota's current target”.",
        }
        error_messages = {
            "name": {"required": "Give the rule a name a PM will recognise."},
            "fire_at": {"required": "Give the threshold it fires past.", "invalid": "Enter a number."},
        }

    conditions = CONDITIONS
    actions = Rule.TARGET_GROUP_ACTIONS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = condition_choices(self.conditions)
        self.fields["action"].choices = [(action.value, action.label) for action in self.actions]
        if "hours" in self.fields:
            self.fields["hours"].widget.attrs["min"] = 1

    def clean(self):
        data = super().clean()
        spec = self.conditions.get(data.get("condition"))
        if spec is None:
            return data
        hours = data.get("hours")
        if spec.windowed and not hours:
            self.add_error("hours", f"Give the hours {spec.unit} are counted over.")
        elif hours and hours > MAX_HOURS:
            self.add_error("hours", f"At most {MAX_HOURS} hours (30 days) of history are looked at.")
        if not spec.windowed:
            data["hours"] = None
        fire_at, clear_at = data.get("fire_at"), data.get("clear_at")
        if fire_at is not None:
            if fire_at < 0:
                self.add_error("fire_at", "A threshold is 0 or more.")
            if clear_at is None:
                data["clear_at"] = clear_at = fire_at
            if spec.direction == LOW and clear_at < fire_at:
                self.add_error("clear_at", f"It fires below {fire_at}: it can re-arm only at {fire_at} or more.")
            if spec.direction != LOW and clear_at > fire_at:
                self.add_error("clear_at", f"It fires above {fire_at}: it can re-arm only at {fire_at} or less.")
        action = data.get("action")
        if action in (Rule.Action.CLOSE_QUOTA, Rule.Action.SET_TARGET) and not spec.rows:
            self.add_error("action", "Closing a quota or setting its current target needs “A quota's fill”: "
                           "the rule acts on the quota that fired.")  # fmt: skip
        if action == Rule.Action.SET_TARGET and data.get("action_value") is None:
            self.add_error("action_value", "Give the current target to set.")
        if action == Rule.Action.CLOSE_CELL and not spec.rows:
            self.add_error("action", "Closing a cell needs “A cell's combined fill”: the rule closes the cell that "
                           "fired.")  # fmt: skip
        return data


class StudyRuleForm(RuleForm):
    """A rule on a study: over the study's combined figures, closing a cell or pausing every target group."""

    conditions = STUDY_CONDITIONS
    actions = Rule.STUDY_ACTIONS

    class Meta(RuleForm.Meta):
        fields = ("name", "condition", "fire_at", "clear_at", "action")
        help_texts = {
            "fire_at": "A cell's fill and spend fire above it; the pace fires below it (in % of the pace needed)."
        }


class PresetForm(forms.Form):
    """Switching a ready-made rule on: which one, and the threshold where the PM gives it (a maximum CPI)."""

    preset = forms.CharField()
    threshold = forms.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=Decimal(0))

    def clean(self):
        data = super().clean()
        preset = PRESETS.get(data.get("preset") or "")
        if preset is None:
            raise forms.ValidationError("That ready-made rule does not exist.")
        if preset.fire_at is None and data.get("threshold") is None:
            self.add_error("threshold", "Give the maximum CPI.")
        data["preset_obj"] = preset
        return data
