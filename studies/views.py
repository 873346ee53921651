"""The studies: the list, a study's page (its combined grid first), making and editing a study and its plan,
attaching target groups (a picker that searches the database), the mapping of their quotas to the plan's cells,
and the suggested split (its own section, worked out when opened) and applying it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from projects.models import TargetGroup
from projects.permissions import pm_only

from . import mapping as mappings
from .figures import study_figures
from .forms import StudyForm
from .models import Attachment, Cell, Mapping, PlanChange, Study
from .page import mapping_context, page_context, split_context, study_for_page
from .planning.forms import PlanForm, initial_text
from .planning.saving import mappings_lost, save_plan
from .plans import PlanRefused, request_plan_change
from .suggest import suggest_split

PICKER_ROWS = 20


@require_GET
def study_list(request):
    studies = Study.objects.annotate(target_groups=Count("attachments")).order_by("-created_at", "-id")
    page = Paginator(studies, 50).get_page(request.GET.get("page"))
    return render(request, "studies/study_list.html", {"studies": page.object_list, "studies_page": page})


@require_GET
def study_detail(request, pk):
    study = study_for_page(pk)
    return render(request, "studies/study_detail.html", page_context(study))


@require_GET
def suggested_split(request, pk):
    """The suggested split: its section for htmx, else the study page with it open (its own URL)."""
    study = get_object_or_404(Study, pk=pk)
    if not request.htmx:
        return render(request, "studies/study_detail.html", page_context(study, with_split=True))
    return render(request, "studies/_suggestion.html", {"study": study, **split_context(study_figures(study))})


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
    summary = f"Apply the suggested split ({len(goals)} goal{'' if len(goals) == 1 else 's'})"
    try:
        request_plan_change(study, goals, user=request.user, origin=PlanChange.Origin.SUGGESTION, summary=summary)
    except PlanRefused as refused:
        messages.error(request, f"The suggested split was not sent, nothing was changed: {refused}")
        return redirect(study)
    messages.success(request, "The suggested split was sent to the suppliers as one plan change.")
    return redirect(study)


@pm_only
def study_create(request):
    form = StudyForm(request.POST or None, initial={"when_full": Study.WhenFull.PAUSE, "guard_on": True})
    if request.method == "POST" and form.is_valid():
        study = form.save(commit=False)
        study.created_by = request.user
        study.save()
        messages.success(request, f"Study “{study.name}” made. Now type its quota plan.")
        return redirect("studies:plan", pk=study.pk)
    return render(request, "studies/study_form.html", {"form": form})


@pm_only
def study_edit(request, pk):
    study = get_object_or_404(Study, pk=pk)
    form = StudyForm(request.POST or None, instance=study)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The study is saved.")
        return redirect(study)
    return render(request, "studies/study_form.html", {"form": form, "study": study})


@pm_only
def plan_edit(request, pk):
    study = get_object_or_404(Study, pk=pk)
    initial, goals = initial_text(study)
    form = PlanForm(request.POST or None, initial=initial, study=study, goals=goals)
    lost = []
    if request.method == "POST" and form.is_valid():
        lost = mappings_lost(study, form.cells)
        if request.POST.get("action") == "save" and (not lost or form.cleaned_data["drop_confirmed"]):
            save_plan(study, form.interlocked + form.alone, form.cells)
            for warning in form.warnings():
                messages.warning(request, warning)
            proposed = mappings.propose_mappings(study)
            messages.success(request, f"The plan is saved with {len(form.cells)} cells.")
            if proposed:
                messages.info(request, "The mapping of the suppliers' quotas was proposed again for the new plan.")
            return redirect(study)
    context = {"study": study, "form": form, "lost": lost, "warnings": form.warnings() if form.cells else []}
    return render(request, "studies/plan_form.html", context)


# --- target groups ------------------------------------------------------------------------------------


@require_GET
def attach_search(request, pk):
    """Target groups of any supplier whose name or remote id has the words typed, a page of them at most."""
    study = get_object_or_404(Study, pk=pk)
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = (
            TargetGroup.objects.filter(Q(name__icontains=query) | Q(remote_id__iexact=query))
            .select_related("project__connection", "study_attachment__study")
            .order_by("name", "pk")[:PICKER_ROWS]
        )
    context = {"query": query, "found": found, "more_rows": PICKER_ROWS}
    if request.htmx:
        return render(request, "studies/_attach_results.html", {"study": study, **context})
    return render(request, "studies/study_detail.html", page_context(study, **context))


@require_POST
@pm_only
def attach(request, pk):
    study = get_object_or_404(Study, pk=pk)
    tg = TargetGroup.objects.filter(pk=request.POST.get("target_group") or 0).select_related("project").first()
    if tg is None:
        messages.error(request, "Choose a target group from the search first.")
        return redirect(study)
    taken = Attachment.objects.filter(target_group=tg).select_related("study").first()
    if taken is not None:
        where = "this study" if taken.study_id == study.pk else f"the study “{taken.study.name}”"
        messages.error(request, f"“{tg.name}” is already in {where}: a target group fields one study at most.")
        return redirect(study)
    Attachment.objects.create(study=study, target_group=tg, added_by=request.user)
    mappings.propose_mappings(study, target_groups=[tg])
    messages.success(request, f"“{tg.name}” now fields this study; its quotas' mapping is proposed below.")
    return redirect(study)


@require_POST
@pm_only
def detach(request, pk, attachment_pk):
    study = get_object_or_404(Study, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, study=study)
    Mapping.objects.filter(study=study, target_group=attachment.target_group_id).delete()
    attachment.delete()
    messages.success(request, f"“{attachment.target_group}” no longer fields this study; its mappings are gone.")
    return redirect(study)


# --- the mapping --------------------------------------------------------------------------------------


def _mapping_answer(request, study):
    if request.htmx:
        return render(request, "studies/_mapping.html", {"study": study, **mapping_context(study)})
    return redirect(reverse("studies:mapping", args=[study.pk]) + "#mapping")


@require_GET
def mapping_section(request, pk):
    """The mapping: its section for htmx, else the study page with it open (its own URL)."""
    study = get_object_or_404(Study, pk=pk)
    if not request.htmx:
        return render(request, "studies/study_detail.html", page_context(study, with_mapping=True))
    return render(request, "studies/_mapping.html", {"study": study, **mapping_context(study)})


@require_POST
@pm_only
def mapping_propose(request, pk):
    study = get_object_or_404(Study, pk=pk)
    mappings.propose_mappings(study)
    messages.success(request, "Proposed again; what was confirmed is kept.")
    return _mapping_answer(request, study)


@require_POST
@pm_only
def mapping_confirm(request, pk):
    study = get_object_or_404(Study, pk=pk)
    count = mappings.confirm_all(study, request.user)
    messages.success(request, f"{count} mapping{'s' if count != 1 else ''} confirmed as proposed.")
    return _mapping_answer(request, study)


@require_POST
@pm_only
def mapping_choose(request, pk, mapping_pk):
    study = get_object_or_404(Study, pk=pk)
    mapping = get_object_or_404(Mapping, pk=mapping_pk, study=study)
    chosen = request.POST.get("cell", "")
    cell = None
    if chosen:
        cell = Cell.objects.filter(pk=chosen if chosen.isdigit() else 0, study=study).first()
        if cell is None:
            messages.error(request, "That cell is not in this study's plan any more; choose again.")
            return _mapping_answer(request, study)
    mappings.choose_cell(mapping, cell, request.user)
    return _mapping_answer(request, study)
