"""The study page's steering sections: "Allocate" (each cell's goals per target group, as numbers or shares
of the cell's goal), "Move" ("Move [n] of [cell] from [tg] to [tg]"), "Plan changes" (each with its parts,
badges, state and reason, retry and undo) and "Guard" (what the guard did and why).

One partial draws them (`studies/_plans.html`); each action returns it (htmx) or redirects with a message.
A refused plan change comes back with its reasons next to the fields, what was typed kept, and a warning the
PM confirms by sending again with "send anyway" ticked.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from projects.permissions import pm_only

from . import advancing
from .models import PlanPart, Study
from .page import page_context
from .plan_sections import AllocateForm, MoveForm, allocation_grid, field_name, plan_context
from .plans import PlanRefused, move, request_plan_change


def _study(pk):
    return get_object_or_404(Study, pk=pk)


def _answer(request, study, message="", status=200, **extra):
    """The sections for htmx; otherwise the study page (with the forms as typed when refused) or a redirect."""
    if request.htmx:  # htmx swaps only 2xx answers: a refusal comes back as a normal render of the sections
        return render(request, "studies/_plans.html", plan_context(study, message=message, **extra))
    if status != 200:
        messages.error(request, message)
        return render(request, "studies/study_detail.html", page_context(study, **extra), status=status)
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
    rows, _ = allocation_grid(study)
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
    _, tgs = allocation_grid(study)
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
