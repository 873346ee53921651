"""What the study page's steering sections draw: the "Allocate" form (`allocate_context`, a section drawn when
opened), the "Move" form (`move_context`), and the plan changes with their parts and the guard's acts
(`plans_context`: the one part that re-draws when a change settles, so it holds no field a PM types in).
The views that act on them are in `steering`."""

from django import forms

from sync.wording import describe

from . import advancing
from .models import GuardAct, PlanPart
from .plans import mappings, supplier_name

SHOWN_PLAN_CHANGES = 20
SHOWN_GUARD_ACTS = 20


def field_name(cell_pk, tg_pk):
    return f"goal-{cell_pk}-{tg_pk}"


class AllocateForm(forms.Form):
    """One field per cell and target group with a quota counting for it; numbers, or shares in %."""

    mode = forms.ChoiceField(
        choices=[("numbers", "Numbers"), ("shares", "Shares of the cell goal (%)")], widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(required=False, label="Send anyway")

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows  # [(cell, [(tg, mapping or None)])]
        for cell, slots in rows:
            for tg, mapping in slots:
                if mapping is not None:
                    self.fields[field_name(cell.pk, tg.pk)] = forms.IntegerField(
                        min_value=0, max_value=1_000_000, initial=mapping.source.completes_goal,
                        label=f"{cell.label} at {tg.name}", widget=forms.NumberInput(attrs={"class": "inline"}),
                    )  # fmt: skip

    def goals(self):
        """{(cell pk, target group pk): goal} as typed, shares turned into completes of the cell's goal."""
        shares = self.cleaned_data["mode"] == "shares"
        goals = {}
        for cell, slots in self.rows:
            for tg, mapping in slots:
                if mapping is None:
                    continue
                value = self.cleaned_data[field_name(cell.pk, tg.pk)]
                goals[(cell.pk, tg.pk)] = round(cell.goal * value / 100) if shares else value
        return goals

    def clean(self):
        data = super().clean()
        if data.get("mode") == "shares":
            for cell, slots in self.rows:
                names = [field_name(cell.pk, tg.pk) for tg, mapping in slots if mapping is not None]
                if any(data.get(name, 0) > 100 for name in names if data.get(name) is not None):
                    self.add_error(names[0], "A share is at most 100 % of the cell's goal.")
        return data


class MoveForm(forms.Form):
    n = forms.IntegerField(min_value=1, max_value=1_000_000, label="Move")
    cell = forms.TypedChoiceField(coerce=int, label="of")
    from_tg = forms.TypedChoiceField(coerce=int, label="from")
    to_tg = forms.TypedChoiceField(coerce=int, label="to")
    confirm = forms.BooleanField(required=False, label="Send anyway")

    def __init__(self, *args, cells, target_groups, **kwargs):
        kwargs.setdefault("auto_id", "move-%s")  # its own ids: "Allocate" may be open beside it
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [(cell.pk, cell.label) for cell in cells]
        tgs = [(tg.pk, supplier_name(tg)) for tg in target_groups]
        self.fields["from_tg"].choices = self.fields["to_tg"].choices = tgs

    def clean(self):
        data = super().clean()
        if data.get("from_tg") is not None and data.get("from_tg") == data.get("to_tg"):
            self.add_error("to_tg", "Choose another target group to move the goal to.")
        return data


def allocation_grid(study):
    """[(cell, [(tg, mapping or None)])] and the attached target groups, in the page's order."""
    tgs = [a.target_group for a in study.attachments.select_related("target_group__project__connection")]
    found = {(m.cell_id, m.target_group_id): m for m in mappings(study)}
    rows = [(cell, [(tg, found.get((cell.pk, tg.pk))) for tg in tgs]) for cell in study.cells.all()]
    return rows, tgs


def allocate_context(study, grid=None, form=None, message=""):
    """What the "Allocate" section draws: a field per cell and target group (`form` as typed when refused);
    `grid` is `allocation_grid(study)` when the view has read it already."""
    rows, tgs = grid or allocation_grid(study)
    form = form or AllocateForm(rows=rows, initial={"mode": "numbers"})
    for cell, slots in rows:
        cell.slots = [(tg, m, form[field_name(cell.pk, tg.pk)] if m else None) for tg, m in slots]
    return {"study": study, "allocation_rows": rows, "allocation_target_groups": tgs, "allocate_form": form,
            "allocate_message": message}  # fmt: skip


def move_choices(study):
    """The study's cells (pk and label, in the plan's order) and attached target groups the Move form offers."""
    cells = study.cells.order_by("position", "id").only("pk", "label")
    tgs = [a.target_group for a in study.attachments.select_related("target_group__project__connection")]
    return list(cells), tgs


def move_context(study, cells, target_groups, form=None, message=""):
    """What the "Move" section draws; `cells` have a pk and a label, the target groups their connection."""
    form = form or MoveForm(cells=cells, target_groups=target_groups)
    return {"study": study, "move_form": form, "move_message": message}


def _plan_changes(study):
    changes = list(study.plan_changes.select_related("requested_by")[:SHOWN_PLAN_CHANGES])
    if not changes:
        return changes
    parts = PlanPart.objects.filter(plan_change__in=changes).select_related(
        "change__target_group__project__connection", "change__profile", "target_group__project__connection"
    )
    by_change = {}
    for part in parts.order_by("step", "pk"):
        part.state = advancing.part_state(part)
        part.state_text = advancing.PART_WORDS[part.state]
        part.reason = advancing.part_reason(part)
        part.words = advancing.words(part)
        if part.change is not None:
            part.change.description = describe(part.change)
        by_change.setdefault(part.plan_change_id, []).append(part)
    for change in changes:
        change.part_list = by_change.get(change.pk, [])
        change.state, change.state_text = advancing.plan_state(change.part_list)
    return changes


def plans_context(study, message=""):
    """What the part of the page that re-draws when a change settles shows: the plan changes and the guard."""
    return {
        "study": study,
        # `has_…` are read with the study by the page (`page.study_for_page`); elsewhere the lists are read.
        "plan_changes": _plan_changes(study) if getattr(study, "has_plan_changes", True) else [],
        "guard_acts": list(GuardAct.objects.filter(study=study).select_related("cell")[:SHOWN_GUARD_ACTS])
        if getattr(study, "has_guard_acts", True)
        else [],
        "plans_message": message,
    }
