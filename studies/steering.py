"""The study page's steering sections: "Allocate" (each cell's goals per target group, as numbers or shares
of the cell's goal) and "Move" ("Move [n] of [cell] from [tg] to [tg]"), each a section drawn when opened at
its own URL, and the plan changes (each with its parts, badges, state and reason, retry and undo) with the guard's
acts (what the guard did and why).

Only the plan changes and the guard re-draw when a change settles (`studies/_plans.html`); "Allocate"
(`_allocate.html`) and "Move" (`_move.html`) stay as typed. Sending either answers with its own section and
the plan changes out of band (htmx), or redirects with a message. A refused plan change comes back with its
reasons next to the fields, what was typed kept (the whole page, 400, without htmx), and a warning the PM
confirms by sending again with "send anyway" ticked.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.permissions import pm_only

from . import advancing
from .models import PlanPart, Study
from .page import page_context
from .plan_sections import (
    AllocateForm,
    MoveForm,
    allocate_context,
    allocation_grid,
    field_name,
    move_choices,
    move_context,
    plans_context,
)
from .plans import PlanRefused, move, request_plan_change

REFUSED = "Nothing was sent: see the fields marked below."


def _study(pk):
    return get_object_or_404(Study, pk=pk)


def _answer(request, study, message="", status=200, **extra):
    """The plan changes for htmx; otherwise the study page (with the refusal said) or a redirect."""
    if request.htmx:  # htmx swaps only 2xx answers: a refusal comes back as a normal render of the section
        return render(request, "studies/_plans.html", plans_context(study, message=message) | extra)
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
    return render(request, "studies/_plans.html", plans_context(_study(pk)))


@require_http_methods(["GET", "POST"])
def allocate(request, pk):
    """The "Allocate" section: for htmx the section, else the study page with it open (its own URL); a POST
    sends the goals typed as one plan change."""
    if request.method == "POST":
        return _send_allocation(request, pk)
    study = _study(pk)
    if not request.htmx:
        return render(request, "studies/study_detail.html", page_context(study, with_allocate=True))
    return render(request, "studies/_allocate.html", allocate_context(study))


@pm_only
def _send_allocation(request, pk):
    study = _study(pk)
    grid = allocation_grid(study)
    form = AllocateForm(request.POST, rows=grid[0])
    if form.is_valid():
        keys = {(cell.pk, tg.pk): field_name(cell.pk, tg.pk) for cell, slots in grid[0] for tg, m in slots if m}
        try:
            change = request_plan_change(study, form.goals(), user=request.user, confirmed=form.cleaned_data["confirm"])
        except PlanRefused as refused:
            _refused(form, refused, keys)
        else:
            message = f"Plan change asked: {change.summary}."
            if not request.htmx:
                messages.info(request, message)
                return redirect(study)
            # What was sent stays in the fields; "send anyway" is asked afresh for the next one.
            typed = {name: value for name, value in form.cleaned_data.items() if name != "confirm"}
            sent = AllocateForm(rows=grid[0], initial=typed)
            context = allocate_context(study, grid, sent, message) | plans_context(study)
            return render(request, "studies/_allocate.html", context | {"with_plans": True})
    if request.htmx:  # htmx swaps only 2xx answers: the refusal is a normal render of the section
        return render(request, "studies/_allocate.html", allocate_context(study, grid, form, REFUSED))
    messages.error(request, REFUSED)
    context = page_context(study, allocate_form=form, allocate_grid=grid)
    return render(request, "studies/study_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def move_goal(request, pk):
    """The "Move" section: for htmx the section, else the study page with it open (its own URL); a POST
    moves goal of a cell from one target group to another as one plan change."""
    if request.method == "POST":
        return _send_move(request, pk)
    study = _study(pk)
    if not request.htmx:
        return render(request, "studies/study_detail.html", page_context(study, with_move=True))
    return render(request, "studies/_move.html", move_context(study, *move_choices(study)))


@pm_only
def _send_move(request, pk):
    study = _study(pk)
    cells, tgs = move_choices(study)
    form = MoveForm(request.POST, cells=cells, target_groups=tgs)
    if form.is_valid():
        data = form.cleaned_data
        cell = next(cell for cell in cells if cell.pk == data["cell"])
        by_pk = {tg.pk: tg for tg in tgs}
        try:
            change = move(study, cell, by_pk[data["from_tg"]], by_pk[data["to_tg"]], data["n"], user=request.user,
                          confirmed=data["confirm"])  # fmt: skip
        except PlanRefused as refused:
            _refused(form, refused, {(cell.pk, data["from_tg"]): "n", (cell.pk, data["to_tg"]): "to_tg"})
        else:
            message = f"Plan change asked: {change.summary}."
            if not request.htmx:
                messages.info(request, message)
                return redirect(study)
            # The cell and the two target groups stay chosen for the next move; its size is typed afresh.
            again = MoveForm(cells=cells, target_groups=tgs, initial={k: data[k] for k in ("cell", "from_tg", "to_tg")})
            context = move_context(study, cells, tgs, again, message) | plans_context(study)
            return render(request, "studies/_move.html", context | {"with_plans": True})
    if request.htmx:
        return render(request, "studies/_move.html", move_context(study, cells, tgs, form, REFUSED))
    messages.error(request, REFUSED)
    return render(request, "studies/study_detail.html", page_context(study, move_form=form), status=400)


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
