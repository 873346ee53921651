"""The profile editor: one question's conditions (answer options, or ranges such as
ages) and its quotas, per condition (ungrouped) or per group of conditions (grouped),
as percentages or as numbers of completes.

Field names are stable for tests and the browser: ``c<i>_on`` / ``c<i>_min`` /
``c<i>_max`` / ``c<i>_text`` / ``c<i>_quota`` / ``c<i>_group`` per condition row,
``g<j>_name`` / ``g<j>_quota`` per group.
"""

from django import forms

from .profiles import RANGE, SELECTION, apportion

RANGE_ROWS = 6
GROUP_ROWS = 3


class ProfileForm(forms.Form):
    quotas_enabled = forms.BooleanField(label="Quotas enabled", required=False, initial=True)
    mode = forms.ChoiceField(
        label="Quotas",
        initial="ungrouped",
        choices=[("ungrouped", "One quota per answer"), ("grouped", "One quota per group of answers")],
    )
    unit = forms.ChoiceField(
        label="Quota values",
        initial="percentage",
        choices=[("percentage", "Percentages of the filling goal"), ("nominal", "Numbers of completes")],
    )
    # Carry the messages about the conditions and quotas as a whole (shown beside those tables).
    conditions = forms.CharField(required=False, widget=forms.HiddenInput)
    quota_total = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, question, filling_goal, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.filling_goal = filling_goal or 0
        self.draft = draft or {}
        self.is_range = question.is_range
        self.low, self.high = question.range_bounds
        existing = (self.draft.get("conditions") or {}).get("data") or []
        quotas = self.draft.get("quotas") or {}
        self.group_count = max(GROUP_ROWS, len(quotas.get("grouped") or []) + 1)
        if self.is_range:
            self.row_count = max(RANGE_ROWS, len(existing) + 2)
        else:
            self.row_count = len(question.options)
        for i in range(self.row_count):
            if self.is_range:
                bounds = {"min_value": self.low, "max_value": self.high}
                bounds = {k: v for k, v in bounds.items() if v is not None}
                self.fields[f"c{i}_min"] = forms.IntegerField(label="From", required=False, **bounds)
                self.fields[f"c{i}_max"] = forms.IntegerField(label="To", required=False, **bounds)
                self.fields[f"c{i}_text"] = forms.CharField(label="Label", required=False, max_length=100)
            else:
                self.fields[f"c{i}_on"] = forms.BooleanField(label=question.options[i]["name"], required=False)
            self.fields[f"c{i}_quota"] = forms.IntegerField(label="Quota", required=False, min_value=0)
            self.fields[f"c{i}_group"] = forms.IntegerField(
                label="Group", required=False, min_value=1, max_value=self.group_count
            )
        for i in range(self.row_count):
            what = question.options[i]["name"] if not self.is_range else f"range {i + 1}"
            for name, text in (
                ("quota", "Quota for"),
                ("group", "Group of"),
                ("min", "From, for"),
                ("max", "To, for"),
                ("text", "Label of"),
            ):
                if f"c{i}_{name}" in self.fields:
                    widget = self.fields[f"c{i}_{name}"].widget
                    widget.attrs.update({"aria-label": f"{text} {what}", "class": "inline"})
        for j in range(1, self.group_count + 1):
            self.fields[f"g{j}_name"] = forms.CharField(label=f"Group {j} name", required=False, max_length=64)
            self.fields[f"g{j}_quota"] = forms.IntegerField(label=f"Group {j} quota", required=False, min_value=0)
            self.fields[f"g{j}_name"].widget.attrs["aria-label"] = f"Name of group {j}"
            self.fields[f"g{j}_quota"].widget.attrs.update({"aria-label": f"Quota of group {j}", "class": "inline"})
        if not self.is_bound and self.draft:
            self.initial.update(self._initial_from_draft(existing, quotas))

    # --- initial values from a saved profile --------------------------------------------

    def _initial_from_draft(self, existing, quotas):
        unit = self.draft.get("_unit", "percentage")
        key = "quota_nominal" if unit == "nominal" else "quota_percentage"
        initial = {
            "quotas_enabled": self.draft.get("quotas_enabled", True),
            "unit": unit,
            "mode": "grouped" if quotas.get("grouped") else "ungrouped",
        }
        if self.is_range:
            rows = list(range(len(existing)))
            for i, condition in enumerate(existing):
                initial.update(
                    {
                        f"c{i}_min": condition.get("min"),
                        f"c{i}_max": condition.get("max"),
                        f"c{i}_text": condition.get("text", ""),
                    }
                )
        else:
            positions = {str(option["id"]): i for i, option in enumerate(self.question.options)}
            rows = [positions.get(str(c.get("option"))) for c in existing]
            for row in rows:
                if row is not None:
                    initial[f"c{row}_on"] = True
        for quota in quotas.get("ungrouped") or []:
            index = quota.get("index")
            if index is not None and index < len(rows) and rows[index] is not None:
                initial[f"c{rows[index]}_quota"] = quota.get(key)
        for j, quota in enumerate(quotas.get("grouped") or [], start=1):
            initial[f"g{j}_name"] = quota.get("name", "")
            initial[f"g{j}_quota"] = quota.get(key)
            for index in quota.get("indexes") or []:
                if index < len(rows) and rows[index] is not None:
                    initial[f"c{rows[index]}_group"] = j
        return initial

    # --- what the template iterates ---------------------------------------------------------

    def rows(self):
        for i in range(self.row_count):
            row = {"index": i, "quota": self[f"c{i}_quota"], "group": self[f"c{i}_group"]}
            if self.is_range:
                row.update(min=self[f"c{i}_min"], max=self[f"c{i}_max"], text=self[f"c{i}_text"])
            else:
                row.update(on=self[f"c{i}_on"], label=self.question.options[i]["name"])
            yield row

    def group_rows(self):
        for j in range(1, self.group_count + 1):
            yield {"number": j, "name": self[f"g{j}_name"], "quota": self[f"g{j}_quota"]}

    # --- validation ---------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        self.chosen = self._chosen_conditions(data)
        if not self.chosen and "conditions" not in self.errors:
            self.add_error("conditions", "Choose at least one answer for this question.")
            return data
        if self.errors:
            return data
        quotas_given = any(data.get(f"c{i}_quota") is not None for i, _ in self.chosen) or any(
            data.get(f"g{j}_quota") is not None for j in range(1, self.group_count + 1)
        )
        if data.get("quotas_enabled") or quotas_given:
            if data.get("mode") == "grouped":
                self._clean_grouped(data)
            else:
                self._clean_ungrouped(data)
        return data

    def _chosen_conditions(self, data):
        """[(row, condition dict)] of the rows the PM filled or ticked, in order."""
        chosen = []
        if not self.is_range:
            for i, option in enumerate(self.question.options):
                # A quota (or a group) typed for an answer chooses that answer: the box shows ticked again.
                typed = data.get(f"c{i}_quota") is not None or data.get(f"c{i}_group") is not None
                if typed and not data.get(f"c{i}_on"):
                    self.data = self.data.copy()
                    self.data[self.add_prefix(f"c{i}_on")] = "on"
                    data[f"c{i}_on"] = True
                if data.get(f"c{i}_on"):
                    chosen.append((i, {"option": str(option["id"]), "text": option["name"]}))
            return chosen
        taken = []
        for i in range(self.row_count):
            low, high = data.get(f"c{i}_min"), data.get(f"c{i}_max")
            if low is None and high is None:
                if data.get(f"c{i}_quota") is not None:
                    self.add_error(f"c{i}_min", "Give the range this quota is for, or clear the quota.")
                continue
            if low is None or high is None:
                self.add_error(f"c{i}_min" if low is None else f"c{i}_max", "Give both ends of the range.")
                continue
            if low > high:
                self.add_error(f"c{i}_max", f"The range must end at or after its start ({low}).")
                continue
            overlap = next(((a, b) for a, b in taken if low <= b and a <= high), None)
            if overlap:
                self.add_error(f"c{i}_min", f"Overlaps {overlap[0]}–{overlap[1]}; ranges must not overlap.")
                continue
            taken.append((low, high))
            chosen.append((i, {"min": low, "max": high, "text": data.get(f"c{i}_text") or f"{low} to {high}"}))
        return chosen

    def _clean_ungrouped(self, data):
        values = []
        for i, _ in self.chosen:
            value = data.get(f"c{i}_quota")
            if value is None:
                self.add_error(f"c{i}_quota", "Give this answer a quota (0 is allowed), or leave it out.")
            values.append(value or 0)
        if not self.errors:
            self._check_total(data, values)

    def _clean_grouped(self, data):
        members = {}
        for i, condition in self.chosen:
            group = data.get(f"c{i}_group")
            if group is None:
                self.add_error(f"c{i}_group", "Put this answer in a group (1, 2, …).")
                continue
            members.setdefault(group, []).append(condition)
        values = []
        for j in range(1, self.group_count + 1):
            quota = data.get(f"g{j}_quota")
            if j in members and quota is None:
                self.add_error(f"g{j}_quota", f"Group {j} has answers in it; give it a quota.")
            elif j not in members and (quota is not None or data.get(f"g{j}_name")):
                self.add_error(f"g{j}_quota", f"No answer is in group {j}; put answers in it or clear it.")
            if j in members:
                values.append(quota or 0)
        if not self.errors:
            self._check_total(data, values)

    def _check_total(self, data, values):
        total = sum(values)
        if data.get("unit") == "nominal":
            if total != self.filling_goal:
                self.add_error(
                    "quota_total",
                    f"The quotas add up to {total} completes; they must add up to the filling goal, "
                    f"{self.filling_goal}.",
                )
            return
        if any(value > 100 for value in values):
            self.add_error("quota_total", "A quota cannot be more than 100%.")
        elif self.question.response_type == "multi_punch":
            if total < 100:
                self.add_error(
                    "quota_total",
                    f"The quotas add up to {total}%; they must cover at least 100% (respondents can give several "
                    "answers to this question, so more than 100% is fine).",
                )
        elif total != 100:
            self.add_error("quota_total", f"The quotas add up to {total}%; they must add up to exactly 100%.")

    # --- the result ---------------------------------------------------------------------------

    def to_draft(self):
        """The draft profile (``TargetGroupInputDraftRegularProfile`` item + notes)."""
        data = self.cleaned_data
        conditions = [condition for _, condition in self.chosen]
        rows = [row for row, _ in self.chosen]
        unit = data["unit"]
        ungrouped, grouped = [], []
        has_quotas = any(data.get(f"c{i}_quota") is not None for i in rows) or any(
            data.get(f"g{j}_quota") is not None for j in range(1, self.group_count + 1)
        )
        if has_quotas and data["mode"] == "grouped":
            for j in range(1, self.group_count + 1):
                indexes = [n for n, row in enumerate(rows) if data.get(f"c{row}_group") == j]
                if indexes:
                    grouped.append(
                        {
                            "name": data.get(f"g{j}_name") or f"Group {j}",
                            "indexes": indexes,
                            "value": data.get(f"g{j}_quota") or 0,
                        }
                    )
        elif has_quotas:
            ungrouped = [{"index": n, "value": data.get(f"c{row}_quota") or 0} for n, row in enumerate(rows)]
        for quotas in (ungrouped, grouped):
            self._set_values(quotas, unit)
        return {
            "question_id": self.question.question_id,
            "quotas_enabled": bool(data.get("quotas_enabled")),
            "conditions": {"object": RANGE if self.is_range else SELECTION, "data": conditions},
            "quotas": {"ungrouped": ungrouped, "grouped": grouped},
            "_name": self.question.name,
            "_unit": unit,
        }

    def _set_values(self, quotas, unit):
        if not quotas:
            return
        values = [quota.pop("value") for quota in quotas]
        if unit == "nominal":
            total = sum(values) or 1
            percentages = apportion(100, [value / total for value in values])
            for quota, value, percentage in zip(quotas, values, percentages, strict=True):
                quota.update(quota_percentage=percentage, quota_nominal=value)
        else:
            for quota, value in zip(quotas, values, strict=True):
                quota["quota_percentage"] = value
