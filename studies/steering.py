"""The study page's steering sections: "Allocate" (each cell's goals per target group, as numbers or shares
of the cell's goal), "Move" ("Move [n] of [cell] from [tg] to [tg]"), "Plan changes" (each with its parts,
badges, state and reason, retry and undo) and "Guard" (what the guard did and why).

One partial draws them (`studies/_plans.html`); each action returns it (htmx) or redirects with a message.
A refused plan change comes back with its reasons next to the fields, what was typed kept, and a warning the
PM confirms by sending again with "send anyway" ticked.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from projects.permissions import pm_only
from sync.wording import describe

from . import advancing
from .models import GuardAct, PlanPart, Study
from .plans import PlanRefused, mappings, move, request_plan_change, supplier_name

SHOWN_PLAN_CHANGES = 20
SHOWN_GUARD_ACTS = 20


def field_name(cell_pk, tg_pk):
    return f"goal-{cell_pk}-{tg_pk}"


class AllocateForm(forms.Form):
    """One field per cell and target group with a quota counting for it; numbers, or shares in %."""

    mode = forms.ChoiceField(choices=[("numbers", "Numbers"), ("shares", "Shares of the cell goal (%)")])
    confirm = forms.BooleanField(required=False, label="Send anyway")

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows  # [(cell, [(tg, mapping or None)])]
        for cell, slots in rows:
            for tg, mapping in slots:
                if mapping is not None:
                    self.fields[field_name(cell.pk, tg.pk)] = forms.IntegerField(
                        min_value=0, max_value=1_000_000, initial=mapping.source.completes_goal,
                        label=f"{cell.label} at {tg.name}",
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
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [(cell.pk, cell.label) for cell in cells]
        tgs = [(tg.pk, supplier_name(tg)) for tg in target_groups]
        self.fields["from_tg"].choices = self.fields["to_tg"].choices = tgs

    def clean(self):
        data = super().clean()
        if data.get("from_tg") is not None and data.get("from_tg") == data.get("to_tg"):
            self.add_error("to_tg", "Choose another target group to move the goal to.")
        return data


def _study(pk):
    return get_object_or_404(Study, pk=pk)


def _grid(study):
    """[(cell, [(tg, mapping or None)])] and the attached target groups, in the page's order."""
    tgs = [a.target_group for a in study.attachments.select_related("target_group__project__connection")]
    found = {(m.cell_id, m.target_group_id): m for m in mappings(study)}
    rows = [(cell, [(tg, found.get((cell.pk, tg.pk))) for tg in tgs]) for cell in study.cells.all()]
    return rows, tgs


def _plan_changes(study):
    changes = list(study.plan_changes.select_related("requested_by")[:SHOWN_PLAN_CHANGES])
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


def plan_context(study, **extra):
    """What the steering sections draw."""
    rows, tgs = _grid(study)
    context = {
        "study": study,
        "allocation_rows": rows,
        "allocation_target_groups": tgs,
        "allocate_form": extra.pop("allocate_form", None) or AllocateForm(rows=rows, initial={"mode": "numbers"}),
        "move_form": extra.pop("move_form", None) or MoveForm(cells=study.cells.all(), target_groups=tgs),
        "plan_changes": _plan_changes(study),
        "guard_acts": list(GuardAct.objects.filter(study=study).select_related("cell")[:SHOWN_GUARD_ACTS]),
    }
    for row_cell, slots in rows:
        row_cell.slots = [(tg, m, context["allocate_form"][field_name(row_cell.pk, tg.pk)] if m else None)
                          for tg, m in slots]  # fmt: skip
    return {**context, **extra}


def _answer(request, study, message="", status=200, **extra):
    """The sections for htmx; otherwise the study page (with the forms as typed when refused) or a redirect."""
    if request.htmx:  # htmx swaps only 2xx answers: a refusal comes back as a normal render of the sections
        return render(request, "studies/_plans.html", plan_context(study, message=message, **extra))
    if status != 200:
        messages.error(request, message)
        attachments = study.attachments.select_related("target_group__project__connection")
        context = {"attachments": attachments, **plan_context(study, **extra)}
        return render(request, "studies/study_detail.html", context, status=status)
    messages.info(request, message)
    return redirect(study)


def _refused(form, refused, keys):
    """A refusal's reasons next to the fields (`keys` {(cell pk, tg pk): field name}), the rest above them."""
    for key, text in refused.errors:
        form.add_error(keys.get(key) if key is not None else None, text)
    for _, text in refused.warnings:
        form.add_error(None, text)
    if refused.warnings and not refused.errors:
        form.add_error("confirm", "Tick “Send anyway” to send it as it is, or change the goals.")


@require_GET
def plans_section(request, pk):
    return render(request, "studies/_plans.html", plan_context(_study(pk)))


@require_POST
@pm_only
def allocate(request, pk):
    study = _study(pk)
    rows, _ = _grid(study)
    form = AllocateForm(request.POST, rows=rows)
    if not form.is_valid():
        return _answer(request, study, "Nothing was sent: see the fields marked below.", 400, allocate_form=form)
    keys = {(cell.pk, tg.pk): field_name(cell.pk, tg.pk) for cell, slots in rows for tg, m in slots if m}
    try:
        change = request_plan_change(study, form.goals(), user=request.user, confirmed=form.cleaned_data["confirm"])
    except PlanRefused as refused:
        _refused(form, refused, keys)
        return _answer(request, study, "Nothing was sent: see the fields marked below.", 400, allocate_form=form)
    return _answer(request, study, f"Plan change asked: {change.summary}.")


@require_POST
@pm_only
def move_goal(request, pk):
    study = _study(pk)
    _, tgs = _grid(study)
    form = MoveForm(request.POST, cells=study.cells.all(), target_groups=tgs)
    if not form.is_valid():
        return _answer(request, study, "Nothing was sent: see the fields marked below.", 400, move_form=form)
    data = form.cleaned_data
    cell = study.cells.get(pk=data["cell"])
    by_pk = {tg.pk: tg for tg in tgs}
    try:
        change = move(study, cell, by_pk[data["from_tg"]], by_pk[data["to_tg"]], data["n"], user=request.user,
                      confirmed=data["confirm"])  # fmt: skip
    except PlanRefused as refused:
        keys = {(cell.pk, data["from_tg"]): "n", (cell.pk, data["to_tg"]): "to_tg"}
        _refused(form, refused, keys)
        return _answer(request, study, "Nothing was sent: see the fields marked below.", 400, move_form=form)
    return _answer(request, study, f"Plan change asked: {change.summary}.")


def _part(study, part_pk):
    return get_object_or_404(
        PlanPart.objects.select_related("change", "target_group__project__connection", "plan_change__study"),
        pk=part_pk,
        plan_change__study=study,
    )


@require_POST
@pm_only
def retry_part(request, pk, part_pk):
    study = _study(pk)
    part = _part(study, part_pk)
    try:
        change = advancing.retry(part, user=request.user)
    except PlanRefused as refused:
        return _answer(request, study, f"Nothing was sent: {refused}", 400)
    return _answer(request, study, f"Plan change asked: {change.summary}.")


@require_POST
@pm_only
def undo_part(request, pk, part_pk):
    study = _study(pk)
    part = _part(study, part_pk)
    try:
        change = advancing.undo(part, user=request.user, confirmed=request.POST.get("confirm") == "1")
    except PlanRefused as refused:
        return _answer(request, study, f"Nothing was sent: {refused}", 400, confirm_undo=part.pk)
    return _answer(request, study, f"Plan change asked: {change.summary}.")
