"""New projects, draft target groups (create, edit, the draft page), launching, feasibility
and bulk actions from the project page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from fielding import permissions
from fielding.confirm import Confirmation, confirm_page, confirmed, posted_fields
from fielding.mirror import read_supplier_draft
from fielding.models import SupplierLookup
from fielding.runs.forms import BulkForm, LaunchForm
from fielding.runs.jobs import bulk_plan, fitting, past_tense, request_bulk, request_launch, supplier_allows_bulk
from fielding.runs.views import _answer, _confirm, fielding_panel_context
from projects.models import Role, TargetGroup
from projects.permissions import NotOffered
from suppliers.registry import ADAPTERS

from . import exclusions, picking
from .body import draft_body, is_created
from .changes import latest_draft_change, project_creation, request_draft_update, request_new_draft, request_project
from .exclusions import excluded_names
from .forms import DraftTargetGroupForm, ProjectForm, bound_draft_form, initial_from_body
from .library import ensure_definitions, ensure_directory, named_codes
from .lookups import request_feasibility
from .readiness import launch_facts, launch_problems
from .summary import question_names, summarise


def _invalid(request, template, context):
    """The same page with the errors next to their fields and the input kept."""
    messages.error(request, "Nothing was sent to the supplier: correct the fields marked below.")
    return render(request, template, context, status=200 if request.htmx else 400)


# --- projects ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permissions.pm_only  # the create and edit pages are for project managers only
def project_create(request):
    from projects.models import SupplierConnection

    kinds = [kind for kind, adapter in ADAPTERS.items() if adapter.capabilities.drafts]
    connection = SupplierConnection.objects.filter(is_active=True, kind__in=kinds).order_by("pk").first()
    if connection is None:
        messages.error(request, "No supplier connection is set up; ask an administrator to add one.")
        return redirect("projects:project_list")
    directory_error = ensure_directory(connection)
    form = ProjectForm(request.POST or None, connection=connection)
    if request.method == "POST":
        if not form.is_valid():
            return _invalid(request, "fielding/drafts/project_form.html", {"form": form, "connection": connection})
        project, change = request_project(connection, form.body(), by=request.user)
        messages.success(request, f"Project “{project.name}” is being created at the supplier.")
        return redirect(project)
    return render(
        request,
        "fielding/drafts/project_form.html",
        {"form": form, "connection": connection, "directory_error": directory_error},
    )


@require_GET
def project_status(request, pk):
    """The creation banner of a project (polls until the supplier has created it)."""
    project = permissions.project(pk)
    return render(
        request,
        "fielding/drafts/_project_status.html",
        {"project": project, "creation": project_creation(project), "can_change": Role.can_change(request.user)},
    )


# --- draft target groups ---------------------------------------------------------------------


def _new_draft_initial(project):
    start = (timezone.localtime() + timezone.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    return {
        "project_manager": project.project_manager_id,
        "study_type_code": "adhoc",
        "industry_code": "other",
        "locale": "eng_us",
        "pricing_model": "dynamic",
        "fielding_start_at": start,
        "fielding_end_at": start + timezone.timedelta(days=7),
        "prevent_overfill": True,
        "exclusion_enabled": True,
        "live_url": "https://",
        "test_url": "https://",
    }


@require_http_methods(["GET", "POST"])
@permissions.pm_only  # the create and edit pages are for project managers only
def draft_create(request, project_pk):
    project = permissions.project(project_pk)
    if not project.connection.capabilities.drafts:
        messages.error(request, f"Draft target groups of {project.connection.get_kind_display()} are not made here.")
        return redirect(project)
    if not is_created(project):
        messages.error(request, "The supplier has not created this project yet; add target groups once it has.")
        return redirect(project)
    directory_error = _reference_error(project.connection)
    form = DraftTargetGroupForm(
        request.POST or None, connection=project.connection, initial=_new_draft_initial(project)
    )
    context = {"form": form, "project": project, "directory_error": directory_error, "tg": None}
    if picking.searching(request):
        return picking.search_again(request, context)
    context["exclusions"] = picking.chosen_and_found(form, project)
    if request.method == "POST":
        if not form.is_valid():
            return _invalid(request, "fielding/drafts/draft_form.html", context)
        tg, change = request_new_draft(project, form.body(), by=request.user)
        messages.success(request, f"Draft “{tg.name}” saved; the supplier is creating it. Add profiling next.")
        return redirect("fielding:draft", tg.pk)
    return render(request, "fielding/drafts/draft_form.html", context)


def _reference_error(connection):
    """The account's users, business units and definitions, read once; what could not be, in words."""
    return " ".join(error for error in (ensure_directory(connection), ensure_definitions(connection)) if error)


def _draft_or_redirect(request, pk):
    tg = permissions.draft_target_group(pk)
    if tg.status != TargetGroup.Status.DRAFT:
        messages.info(request, "This target group has been launched; it is managed from its page now.")
        return tg, redirect(tg)
    return tg, None


@require_http_methods(["GET", "POST"])
@permissions.pm_only  # the create and edit pages are for project managers only
def draft_edit(request, pk):
    tg, away = _draft_or_redirect(request, pk)
    if away:
        return away
    connection = tg.project.connection
    directory_error = _reference_error(connection)
    read_error = read_supplier_draft(tg)
    body = draft_body(tg)
    context = {"project": tg.project, "tg": tg, "directory_error": directory_error, "read_error": read_error}
    if request.method == "POST":
        form = DraftTargetGroupForm(
            request.POST,
            connection=connection,
            profile=body["profile"],
            initial=initial_from_body(body, tg),
            target_group=tg,
        )
        context["form"] = form
        if picking.searching(request):
            return picking.search_again(request, context)
        context["exclusions"] = picking.chosen_and_found(form, tg.project, tg)
        if not form.is_valid():
            return _invalid(request, "fielding/drafts/draft_form.html", context)
        request_draft_update(tg, form.body(), by=request.user)
        messages.success(request, "Draft saved; sending it to the supplier.")
        return redirect("fielding:draft", tg.pk)
    refused = latest_draft_change(tg)
    if refused is not None and refused.state == "failed":
        # The refused values come back, with the supplier's reasons next to the fields.
        context["form"] = bound_draft_form(
            refused.payload["body"], tg, connection=connection, supplier_response=refused.response
        )
        context["refused"] = refused
    else:
        context["form"] = DraftTargetGroupForm(
            connection=connection, profile=body["profile"], initial=initial_from_body(body, tg), target_group=tg
        )
    context["exclusions"] = picking.chosen_and_found(context["form"], tg.project, tg)
    return render(request, "fielding/drafts/draft_form.html", context)


# --- the exclusions picker (its helpers: `picking`) -----------------------------------------


@require_GET
def exclusion_search(request, project_pk=None, pk=None):
    """The picker's matches for what the PM typed (htmx), with the chosen ones kept ticked above them."""
    if pk is not None:
        tg, away = _draft_or_redirect(request, pk)
        if away:
            return away
        project = tg.project
    else:
        tg, project = None, permissions.project(project_pk)
        if not project.connection.capabilities.drafts:
            raise NotOffered(f"{project.connection.get_kind_display()} does not offer draft target groups made here.")
    if not request.htmx:  # the picker's search without JavaScript is the form's own Search button
        return redirect(
            reverse("fielding:draft_edit", args=[tg.pk]) if tg else reverse("fielding:draft_create", args=[project.pk])
        )
    ids = request.GET.getlist("excluded_target_group_ids")
    picker = exclusions.picker(project, tg, ids, request.GET.get("exclusion_q", ""))
    return render(request, "fielding/drafts/_exclusion_search.html", {"exclusions": picker})


@require_GET
def draft(request, pk):
    tg, away = _draft_or_redirect(request, pk)
    if away:
        return away
    read_error = read_supplier_draft(tg)
    if read_error:
        messages.warning(request, f"{read_error} The page shows what the last sync saw.")
    ensure_definitions(tg.project.connection)  # the study types and industries, by name
    body = draft_body(tg)
    context = {
        "tg": tg,
        "body": body,
        **summarise(body, question_names(tg.project.connection, tg.locale)),
        "named": named_codes(tg),
        "excluded": excluded_names(tg.project.connection, body),
    }
    context.update(fielding_panel_context(tg, request.user, request=request))
    return render(request, "fielding/drafts/draft.html", context)


# --- launch and feasibility -----------------------------------------------------------------


@require_POST
@permissions.pm_only
def launch(request, pk):
    tg = permissions.draft_target_group(pk)
    if tg.status != TargetGroup.Status.DRAFT:
        return _answer(
            request, tg, "Only a draft can be launched; this one already was.", level=messages.ERROR, status=409
        )
    if (
        not is_created(tg)
        and not tg.changes.filter(kind__startswith="create_draft", state__in=["pending", "sending"]).exists()
    ):
        return _answer(
            request,
            tg,
            "The supplier does not have this draft (its last save was refused). "
            "Correct and save the draft, then launch.",
            level=messages.ERROR,
            status=409,
        )
    if tg.fielding_jobs.exclude(status__in=["Completed", "Failed"]).exists():
        return _answer(
            request, tg, "A launch of this target group is already under way.", level=messages.ERROR, status=409
        )
    form = LaunchForm(request.POST)
    if not form.is_valid():
        return _answer(
            request, tg, "Nothing was launched: see the fields.", level=messages.ERROR, status=422, launch_form=form
        )
    data = form.cleaned_data
    problems = launch_problems(tg)
    if problems:
        text = "Nothing was launched: " + " ".join(problems)
        return _answer(request, tg, text, level=messages.ERROR, status=409, launch_problems=problems)
    if not confirmed(request):
        return _confirm(request, tg, _launch_confirmation(request, tg, data))
    job = request_launch(tg, by=request.user, end_at=data["end_fielding_at"], start_at=data.get("start_fielding_at"))
    text = "Launch requested" if not data.get("start_fielding_at") else "Scheduled launch requested"
    if not request.htmx:
        messages.success(request, f"{text}; this page follows the supplier's job.")
        return redirect(job)
    # The job may already have finished (a quick supplier, or tasks run in-process):
    # answer from the target group as it is now, and leave the draft page once it is live.
    tg.refresh_from_db()
    if tg.status != TargetGroup.Status.DRAFT:
        messages.success(request, f"{text}; the target group is now {tg.get_status_display().lower()}.")
        return HttpResponseClientRedirect(tg.get_absolute_url())
    return _answer(request, tg, f"{text}; following the supplier's job.")


def _launch_confirmation(request, tg, data):
    start, end = data.get("start_fielding_at"), data["end_fielding_at"]
    until = f"{timezone.localtime(end):%Y-%m-%d %H:%M}"
    if start:
        title = f"Schedule the launch of “{tg.name}”?"
        first = f"It goes live at {timezone.localtime(start):%Y-%m-%d %H:%M} and fields until {until}."
    else:
        title = f"Launch “{tg.name}” now?"
        first = f"It goes live now and fields until {until}: suppliers start sending respondents at once."
    return Confirmation(
        title=title,
        lines=[first, "This cannot be undone: a launched target group cannot go back to being a draft."],
        facts=launch_facts(tg),
        action=reverse("fielding:launch", args=[tg.pk]),
        fields=posted_fields(request, ["when", "start_fielding_at", "end_fielding_at"]),
        button="Yes, schedule the launch" if start else "Yes, launch now",
        cancel=permissions.page_of(tg),
        target="#fielding-panel",
        cancel_get=reverse("fielding:panel", args=[tg.pk]),
    )


@require_POST
@permissions.pm_only
def feasibility(request, pk):
    tg = permissions.draft_target_group(pk)
    if not is_created(tg.project):
        return _answer(request, tg, "The project is not created at the supplier yet.", level=messages.ERROR, status=409)
    request_feasibility(tg, by=request.user)
    return _answer(request, tg, "Asking the supplier for feasibility…")


@require_GET
def lookup(request, pk):
    """A feasibility or interlock answer; polls itself until the supplier answered."""
    item = get_object_or_404(SupplierLookup.objects.select_related("target_group"), pk=pk)
    template = (
        "fielding/drafts/_feasibility.html"
        if item.kind == SupplierLookup.Kind.FEASIBILITY
        else "fielding/drafts/_interlock_status.html"
    )
    context = {"lookup": item, "tg": item.target_group}
    if not request.htmx:
        return redirect(permissions.page_of(item.target_group))
    response = render(request, template, context)
    if item.is_settled and item.kind == SupplierLookup.Kind.INTERLOCK:
        response["HX-Trigger"] = "profiling-changed"
    return response


# --- bulk ----------------------------------------------------------------------------------------


@require_POST
@permissions.pm_only
def bulk(request, project_pk):
    project = permissions.project(project_pk)
    form = BulkForm(request.POST, project=project)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        if request.htmx:
            return render(request, "fielding/drafts/_bulk_result.html", {"form": form, "error": errors})
        messages.error(request, f"Nothing was sent: {errors}")
        return redirect(project)
    target_groups = list(project.target_groups.filter(pk__in=form.cleaned_data["target_groups"]))
    action = form.cleaned_data["action"]
    # When the cockpit's rules fit none of them, the supplier (whose state is newer) has the last word.
    supplier_allows = not fitting(action, target_groups) and supplier_allows_bulk(project, action, target_groups)
    if action in CONFIRM_BULK and not confirmed(request):
        return _bulk_confirm(request, project, action, target_groups, supplier_allows)
    job = request_bulk(project, action, target_groups, by=request.user, supplier_allows=supplier_allows)
    if request.htmx:
        return render(request, "fielding/drafts/_bulk_result.html", {"job": job, "outcomes": job.outcomes()})
    messages.success(request, f"{job.get_kind_display()} of {len(target_groups)} target groups requested.")
    return redirect(reverse("fielding:job", args=[job.pk]))


# Bulk actions that cannot be undone, asked for with what will happen to each target group.
CONFIRM_BULK = {"launch": "launch", "complete": "complete fielding of"}


def _bulk_confirm(request, project, action, target_groups, supplier_allows):
    chosen, skipped = bulk_plan(action, target_groups, supplier_allows=supplier_allows)
    verb = CONFIRM_BULK[action]
    notes = [(tg.name, skipped.get(str(tg.pk)) or f"Will be {past_tense(action)}.") for tg in target_groups]
    if not chosen:
        lines = [f"None of the ticked target groups can be {past_tense(action)} now; nothing will be sent."]
    else:
        lines = [
            f"{len(chosen)} of the {len(target_groups)} ticked target groups will be {past_tense(action)} "
            "in one supplier job" + (f"; {len(skipped)} will not be sent (see why below)." if skipped else "."),
            "This cannot be undone"
            + (": a launched target group cannot go back to being a draft." if action == "launch" else "."),
        ]
    confirmation = Confirmation(
        title=f"{verb.capitalize()} {len(chosen)} target group{'s' if len(chosen) != 1 else ''}?",
        lines=lines,
        notes=notes,
        action=reverse("fielding:bulk", args=[project.pk]),
        fields=posted_fields(request, ["action", "target_groups"]),
        button=f"Yes, {verb} {len(chosen)}",
        cancel=project.get_absolute_url(),
        target="#bulk-result",
    )
    if not chosen:
        confirmation.button = ""
    if request.htmx:
        return render(request, "fielding/drafts/_bulk_result.html", {"confirm": confirmation})
    return confirm_page(request, confirmation, back_title=project.name)
