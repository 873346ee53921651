"""A survey's reconciliation page, for suppliers that reconcile one survey by a list of ids."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from projects.models import Role, TargetGroup
from projects.permissions import pm_only, require_capability

from . import preview, survey
from .forms_survey import SurveyReconciliationForm
from .models import SurveyReconciliation


def _target_group(pk):
    tg = get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)
    return require_capability(tg, "id_reconciliation", "reconciling a survey by a list of ids")


def _context(tg, form=None, **extra):
    style = tg.capabilities.id_reconciliation
    return {
        "tg": tg,
        "style": style,
        "form": form or SurveyReconciliationForm(style=style),
        "reconciliations": tg.reconciliations.select_related("change", "requested_by")[:20],
        **extra,
    }


@require_http_methods(["GET", "POST"])
def survey_page(request, pk):
    """The page (GET) and its form (POST: project managers only)."""
    if request.method == "POST" and not Role.can_change(request.user):
        raise PermissionDenied("Only project managers can change supplier data.")
    tg = _target_group(pk)
    if request.method == "GET":
        return render(request, "reconciliations/survey.html", _context(tg))
    return _submit(request, tg)


def _submit(request, tg):
    """Check the list; show what it will do and ask to confirm; send it once confirmed for this very list."""
    form = SurveyReconciliationForm(request.POST, request.FILES, style=tg.capabilities.id_reconciliation)
    template = "reconciliations/_survey_form.html" if request.htmx else "reconciliations/survey.html"
    if not form.is_valid():
        return render(request, template, _context(tg, form), status=200 if request.htmx else 400)
    shown = preview.survey_preview(tg, form.result.ids)
    if shown.refusal:
        form.add_error("ids", shown.refusal)
        return render(request, template, _context(tg, form), status=200 if request.htmx else 400)
    if not preview.confirmed(request, shown):
        changed = bool(request.POST.get("confirmed"))  # confirmed, but for a list that has changed since
        return render(request, template, _context(tg, form, preview=shown, list_changed=changed))
    reconciliation = survey.request_survey_reconciliation(
        tg,
        form.result.ids,
        name=form.name,
        contact_email=form.cleaned_data.get("contact_email", ""),
        completes_before=shown.completes_before,
        by=request.user,
    )
    text = f"{len(reconciliation.ids):,} {form.style.id_word}s are being sent to the supplier."
    if not request.htmx:
        messages.success(request, text)
        return redirect(reconciliation)
    # The form comes back empty, and the list of submissions (out of band) with the new one in it.
    response = render(request, template, _context(tg, sent=text, list_again=True))
    return trigger_client_event(response, "reconciliations-changed")


@require_GET
def survey_reconciliation(request, pk, reconciliation_pk):
    """One submission's row, polled while the supplier works on it."""
    tg = _target_group(pk)
    row = get_object_or_404(
        SurveyReconciliation.objects.select_related("change"), pk=reconciliation_pk, target_group=tg
    )
    if not request.htmx:
        return redirect(row)
    return render(
        request, "reconciliations/_survey_row.html", {"tg": tg, "row": row, "style": tg.capabilities.id_reconciliation}
    )


@require_POST
@pm_only
def check_survey_reconciliation(request, pk, reconciliation_pk):
    """“Check now”: read the supplier's state again, and keep following it."""
    tg = _target_group(pk)
    row = get_object_or_404(SurveyReconciliation, pk=reconciliation_pk, target_group=tg)
    if row.state == SurveyReconciliation.State.PROCESSING:
        SurveyReconciliation.objects.filter(pk=row.pk).update(polls=0)
        survey.follow_soon(row)
    if request.htmx:
        row.refresh_from_db()
        return render(
            request,
            "reconciliations/_survey_row.html",
            {"tg": tg, "row": row, "style": tg.capabilities.id_reconciliation},
        )
    messages.info(request, "The cockpit is reading the supplier's state again.")
    return redirect(row)
