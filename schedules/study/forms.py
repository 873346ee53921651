"""The form a PM schedules a study's plan change with: close a cell, or move n of a cell between two of the
study's target groups; when (in their zone) and, for a move, how often.

Said next to its field when asked, not when it runs: a time that has passed or is after the study's end, a
cell or target group that is not the study's, a move that would take a supplier's goal below what it has
achieved there, a cell closed on a repeat.
"""

from django import forms
from django.utils import timezone

from preferences.zones import zoned
from projects.models import TargetGroup
from studies.plans import supplier_name

from ..forms import LocalDateTimeInput, StoredScheduleForm
from ..models import ScheduledChange
from .actions import CLOSE_CELL, KIND, LABELS, MOVE, cell_mappings, summary_of

Repeat = ScheduledChange.Repeat
NOT_IN_STUDY = "That target group does not field this study; choose one listed."


class StudyScheduleForm(StoredScheduleForm):
    action = forms.ChoiceField(
        label="Change",
        choices=[("", "Choose…"), *LABELS.items()],
        error_messages={
            "required": "Choose the change to make.",
            "invalid_choice": "Choose one of the changes listed.",
        },
    )
    cell = forms.TypedChoiceField(
        label="Cell",
        coerce=int,
        error_messages={"required": "Choose the cell.", "invalid_choice": "That cell is not in this study's plan."},
    )
    n = forms.IntegerField(
        label="Completes to move", required=False, min_value=1, max_value=1_000_000,
        error_messages={"min_value": "Move at least 1 complete."},
    )  # fmt: skip
    from_tg = forms.TypedChoiceField(
        label="From", coerce=int, required=False, error_messages={"invalid_choice": NOT_IN_STUDY}
    )
    to_tg = forms.TypedChoiceField(
        label="To", coerce=int, required=False, error_messages={"invalid_choice": NOT_IN_STUDY}
    )
    at = forms.DateTimeField(
        label=zoned("When"),
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "Give the date and time to make it.", "invalid": "Enter a date and time."},
    )
    repeat = forms.ChoiceField(label="Repeat (a move only)", choices=Repeat.choices, required=False)
    every_hours = forms.IntegerField(
        label="Every … hours", required=False, min_value=1, max_value=168,
        error_messages={"min_value": "At least every hour.", "max_value": "At most every 168 hours (a week)."},
    )  # fmt: skip

    def __init__(self, *args, study, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        self.cells = {cell.pk: cell for cell in study.cells.order_by("position", "pk")}
        attached = TargetGroup.objects.filter(study_attachment__study=study).select_related("project__connection")
        self.tgs = {tg.pk: tg for tg in attached.order_by("name", "pk")}
        self.fields["cell"].choices = [("", "Choose…")] + [(pk, cell.label) for pk, cell in self.cells.items()]
        tg_choices = [("", "Choose…")] + [(pk, supplier_name(tg)) for pk, tg in self.tgs.items()]
        self.fields["from_tg"].choices = self.fields["to_tg"].choices = tg_choices

    def clean(self):
        data = super().clean()
        self._clean_when(data)
        action, cell = data.get("action"), self.cells.get(data.get("cell"))
        if action == CLOSE_CELL:
            for name in ("n", "from_tg", "to_tg"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, "Closing a cell moves nothing between target groups; leave this empty.")
            if (data.get("repeat") or Repeat.ONCE) != Repeat.ONCE:
                self.add_error("repeat", "A closed cell stays closed until its goals are raised: close it once.")
            if cell is not None and not cell_mappings(self.study, cell.pk):
                self.add_error("cell", f"No supplier quota counts for “{cell.label}” yet: map one first.")
        elif action == MOVE and cell is not None:
            self._clean_move(data, cell)
        return data

    def _clean_when(self, data):
        if not self._clean_time(data):
            return
        if self.study.field_end <= data["run_at"]:
            end = timezone.localtime(self.study.field_end)
            self.add_error(
                "at",
                f"The study ends fielding at {end:%d %b %Y %H:%M}, before this time. Choose an earlier time or "
                "change the study's end first.",
            )

    def _clean_move(self, data, cell):
        n, from_pk, to_pk = data.get("n"), data.get("from_tg"), data.get("to_tg")
        if n is None and "n" not in self.errors:
            self.add_error("n", "Give how many completes of the goal to move, such as 50.")
        for name, pk in (("from_tg", from_pk), ("to_tg", to_pk)):
            if pk in (None, "") and name not in self.errors:
                self.add_error(name, "Choose a target group of this study.")
        if from_pk in (None, "") or to_pk in (None, ""):
            return
        if from_pk == to_pk:
            self.add_error("to_tg", "Choose two different target groups to move goal between.")
            return
        mapped = cell_mappings(self.study, cell.pk)
        for name, pk in (("from_tg", from_pk), ("to_tg", to_pk)):
            rows = mapped.get(pk, [])
            if len(rows) != 1:
                what = "no quota" if not rows else f"{len(rows)} quotas"
                self.add_error(name, f"“{self.tgs[pk].name}” has {what} counting for “{cell.label}”: map one first.")
        if n is None or self.errors:
            return
        row = mapped[from_pk][0].source
        room = row.completes_goal - (row.completes or 0)
        if n > room:
            self.add_error(
                "n",
                f"{supplier_name(self.tgs[from_pk])} has achieved {row.completes or 0:,} of its {row.completes_goal:,} "
                f"in “{cell.label}”: its goal cannot go below that, so at most {max(room, 0):,} can be moved now.",
            )

    def initial_of(self, schedule):
        """As the schedule stands: its cell and move, and when."""
        payload = schedule.payload
        fields = ("cell", "n", "from_tg", "to_tg")
        return super().initial_of(schedule) | {"action": schedule.action} | {name: payload.get(name) for name in fields}

    def owner(self):
        return {"study": self.study}

    def stored_fields(self):
        data = self.cleaned_data
        cell, action = self.cells[data["cell"]], data["action"]
        payload = {"cell": cell.pk}
        from_tg = to_tg = None
        if action == MOVE:
            payload.update(from_tg=data["from_tg"], to_tg=data["to_tg"], n=data["n"])
            from_tg, to_tg = self.tgs[data["from_tg"]], self.tgs[data["to_tg"]]
        repeat = (data.get("repeat") or Repeat.ONCE) if action == MOVE else Repeat.ONCE
        return {
            "action": action,
            "kind": KIND,
            "payload": payload,
            "summary": summary_of(action, cell, from_tg, to_tg, data.get("n"))[:300],
            "local_date": data["local_date"],
            "local_time": data["local_time"],
            "time_zone": data["time_zone"],
            "run_at": data["run_at"],
            "repeat": repeat,
            "every_hours": data.get("every_hours") if repeat == Repeat.HOURS else None,
        }
