"""Everything the study page draws, gathered once: its combined grid and totals, its plan and target groups,
the mapping, the steering sections. Any view that answers with the whole page (a refusal without htmx, a
section's own URL) draws it from here, so no section is missing its figures.

Four sections cost what their rows do and are drawn when the PM opens them (each at its own URL): the
suggested split (a solver's run) `with_split`, the mapping (a row and a choice of cells per quota)
`with_mapping`, "Allocate" (a field per cell and target group) `with_allocate` and "Move" (a choice of every
cell) `with_move`. The page reads its cells and target groups once, for the grid; the Move form offers those.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from .figures import study_figures
from .grid import grid_rows, suggestion_rows
from .models import GuardAct, PlanChange, Study
from .plan_sections import allocate_context, move_context, plans_context
from .suggest import suggest_split


def study_for_page(pk):
    """The study (or 404), with how many of its mappings are still to confirm (the Mapping section's badge) and
    whether it has plan changes and guard acts, in the same query: the page's figures read the rest."""
    unconfirmed = Count("mappings", filter=Q(mappings__confirmed_at__isnull=True))
    # Whether it has plan changes and guard acts at all: a study with none reads neither list.
    has = {
        "has_plan_changes": Exists(PlanChange.objects.filter(study=OuterRef("pk"))),
        "has_guard_acts": Exists(GuardAct.objects.filter(study=OuterRef("pk"))),
    }
    return get_object_or_404(Study.objects.annotate(unconfirmed=unconfirmed, **has), pk=pk)


def mapping_context(study):
    rows = study.mappings.select_related("target_group__project__connection", "quota__profile", "cell")
    rows = list(rows.select_related("interlock_cell__interlocked_profile").order_by("target_group__name", "id"))
    unconfirmed = sum(1 for row in rows if row.confirmed_at is None)
    return {"mappings": rows, "cell_choices": list(study.cells.all()), "unconfirmed": unconfirmed}


def split_context(figures):
    suggestion = suggest_split(figures)
    return {"suggestion": suggestion, "suggestion_rows": suggestion_rows(suggestion)}


def page_context(study, with_split=False, with_mapping=False, with_allocate=False, with_move=False, **extra):
    """The page's context; `extra` carries forms as typed (`allocate_form` with its `allocate_grid`, `move_form`:
    a refusal drawn as the whole page) and what a section adds (the picker's search)."""
    allocate_form, move_form = extra.pop("allocate_form", None), extra.pop("move_form", None)
    allocate_grid = extra.pop("allocate_grid", None)
    figures = study_figures(study)
    # Each column is an attachment: its `pk` and `target_group` (read with its project and connection).
    context = {"figures": figures, "grid_rows": grid_rows(figures), "attachments": figures.columns}
    if with_split:
        context.update(split_context(figures))
    if with_mapping:
        context.update(mapping_context(study), mapping_open=True)
    elif getattr(study, "unconfirmed", None) is not None:  # counted with the study (`study_for_page`)
        context["unconfirmed"] = study.unconfirmed
    else:
        context["unconfirmed"] = study.mappings.filter(confirmed_at__isnull=True).count()
    if with_allocate or allocate_form is not None:
        context.update(allocate_context(study, allocate_grid, allocate_form), allocate_open=True)
    cells = [cell.cell for cell in figures.cells]
    if with_move or move_form is not None:
        tgs = [column.target_group for column in figures.columns]
        context.update(move_context(study, cells, tgs, form=move_form), move_open=True)
    return {"study": study, "cells": cells, **context, **plans_context(study), **extra}
