"""Everything the study page draws, gathered once: the header and target groups, the mapping, the steering
sections. Any view that answers with the whole page (a refusal without htmx) draws it from here, so no
section is missing its figures."""

from django.db.models import Count

from .plan_sections import plan_context


def mapping_context(study):
    rows = study.mappings.select_related("target_group__project__connection", "quota__profile", "cell")
    rows = list(rows.select_related("interlock_cell__interlocked_profile").order_by("target_group__name", "id"))
    unconfirmed = sum(1 for row in rows if row.confirmed_at is None)
    return {"mappings": rows, "cell_choices": list(study.cells.all()), "unconfirmed": unconfirmed}


def page_context(study, **extra):
    """The page's context; `extra` carries forms as typed (a refused allocation or move) and messages."""
    attachments = study.attachments.select_related("target_group__project__connection")
    cells = study.cells.annotate(mapped=Count("mappings"))
    base = {"attachments": attachments, "cells": cells, **mapping_context(study)}
    return {**base, **plan_context(study, **extra)}
