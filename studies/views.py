"""The list of studies and a study's page. The page's sections are drawn by their own modules' views and
partials: the plan and mapping, the combined grid, plan changes and the guard's acts, the suggested split."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from projects.permissions import pm_only

from .figures import study_figures
from .grid import grid_rows, suggestion_rows
from .models import PlanChange, Study
from .suggest import suggest_split


@require_GET
def study_list(request):
    studies = Study.objects.annotate(target_groups=Count("attachments")).order_by("-created_at", "-id")
    page = Paginator(studies, 50).get_page(request.GET.get("page"))
    return render(request, "studies/study_list.html", {"studies": page.object_list, "studies_page": page})


@require_GET
def study_detail(request, pk):
    return _study_page(request, get_object_or_404(Study, pk=pk))


@require_GET
def suggested_split(request, pk):
    """The suggested split: its section for htmx, else the study page with it open (its own URL)."""
    study = get_object_or_404(Study, pk=pk)
    if not request.htmx:
        return _study_page(request, study, with_split=True)
    suggestion = suggest_split(study_figures(study))
    context = {"study": study, "suggestion": suggestion, "suggestion_rows": suggestion_rows(suggestion)}
    return render(request, "studies/_suggestion.html", context)


def _study_page(request, study, with_split=False):
    """The study page: its totals and combined grid; the suggested split (a solver's run) only when asked."""
    figures = study_figures(study)
    context = {
        "study": study,
        "attachments": figures.columns,  # each has its `target_group`, read with its project and connection
        "figures": figures,
        "grid_rows": grid_rows(figures),
    }
    if with_split:
        suggestion = suggest_split(figures)
        context.update(suggestion=suggestion, suggestion_rows=suggestion_rows(suggestion))
    return render(request, "studies/study_detail.html", context)


@require_POST
@pm_only
def apply_suggestion(request, pk):
    """Apply the split suggested now as one plan change (worked out again: the page may be old)."""
    study = get_object_or_404(Study, pk=pk)
    suggestion = suggest_split(study_figures(study))
    goals = {} if suggestion.refused else suggestion.goals()
    if not goals:
        messages.info(request, suggestion.refused or "The suggested split is the split of today: nothing to change.")
        return redirect(study)
    from .plans import request_plan_change  # the plan changes' own module, written beside this one

    summary = f"Apply the suggested split ({len(goals)} goal{'' if len(goals) == 1 else 's'})"
    request_plan_change(study, goals, user=request.user, origin=PlanChange.Origin.SUGGESTION, summary=summary)
    messages.success(request, "The suggested split was sent to the suppliers as one plan change.")
    return redirect(study)
