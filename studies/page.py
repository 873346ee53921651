"""Everything the study page draws, gathered once: its combined grid and totals, its plan and target groups,
the mapping, the steering sections. Any view that answers with the whole page (a refusal without htmx, a
section's own URL) draws it from here, so no section is missing its figures.

Two sections cost what their rows do and are drawn when the PM opens them (each at its own URL): the
suggested split (a solver's run) `with_split`, and the mapping (a row and a choice of cells per quota)
`with_mapping`.
"""

from django.db.models import Count

from .figures import study_figures
from .grid import grid_rows, suggestion_rows
from .plan_sections import plan_context
from .suggest import suggest_split


def mapping_context(study):
    rows = study.mappings.select_related("target_group__project__connection", "quota__profile", "cell")
    rows = list(rows.select_related("interlock_cell__interlocked_profile").order_by("target_group__name", "id"))
    unconfirmed = sum(1 for row in rows if row.confirmed_at is None)
    return {"mappings": rows, "cell_choices": list(study.cells.all()), "unconfirmed": unconfirmed}


def split_context(figures):
    suggestion = suggest_split(figures)
    return {"suggestion": suggestion, "suggestion_rows": suggestion_rows(suggestion)}


def page_context(study, with_split=False, with_mapping=False, **extra):
    """The page's context; `extra` carries forms as typed (a refused allocation or move) and messages."""
    cells = list(study.cells.annotate(mapped=Count("mappings")).order_by("position", "id"))
    figures = study_figures(study, cells=cells)
    # Each column is an attachment: its `pk` and `target_group` (read with its project and connection).
    context = {"figures": figures, "grid_rows": grid_rows(figures), "attachments": figures.columns}
    if with_split:
        context.update(split_context(figures))
    if with_mapping:
        context.update(mapping_context(study), mapping_open=True)
    else:
        context["unconfirmed"] = study.mappings.filter(confirmed_at__isnull=True).count()
    return {"cells": cells, **context, **plan_context(study, **extra)}
