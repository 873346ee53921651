"""Reconciliation pages (one per supplier account) and the respondent redirects tool.

Actions record their work and answer at once; a worker talks to the supplier.
With htmx the affected block comes back (and polls while unsettled); without
JavaScript an action redirects to the page with a message.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from projects.models import Role, SupplierConnection, TargetGroup
from projects.permissions import NotOffered, pm_only

from . import redirects, submissions
from .forms import ReportForm, SubmissionForm
from .models import EligibleReport, EligibleRid, Submission
from .preview import confirmed, file_preview
from .reports import request_report

RIDS_PER_PAGE = 50
SUBMISSIONS_SHOWN = 20


def reconciled_by_files(pk):
    """A connection whose supplier reconciles its account by files of RIDs (404, in words, for any other)."""
    connection = get_object_or_404(SupplierConnection, pk=pk)
    if not connection.capabilities.reconciliation_by_files:
        raise NotOffered(
            f"{connection.get_kind_display()} reports no eligible RIDs: it reconciles each survey by a list of ids, "
            "from the survey's own page, not the account by files of RIDs."
        )
    return connection


# --- pages ------------------------------------------------------------------------------


@require_GET
def index(request):
    """The accounts to reconcile; straight to the page when there is only one."""
    connections = list(SupplierConnection.objects.filter(is_active=True).order_by("label"))
    if len(connections) == 1 and connections[0].capabilities.reconciliation_by_files:
        return redirect("reconciliations:account", connections[0].pk)
    # Suppliers that reconcile survey by survey: their launched surveys, each with its own page.
    by_survey = [c.pk for c in connections if c.capabilities.id_reconciliation]
    surveys = {}
    for tg in (
        TargetGroup.objects.filter(project__connection__in=by_survey, vanished_at__isnull=True)
        .exclude(status=TargetGroup.Status.DRAFT)
        .select_related("project")
        .order_by("project__name", "name")
    ):
        surveys.setdefault(tg.project.connection_id, []).append(tg)
    for connection in connections:
        connection.surveys = surveys.get(connection.pk, [])
    return render(request, "reconciliations/index.html", {"connections": connections})


@require_GET
def account(request, pk):
    connection = reconciled_by_files(pk)
    submissions.load_reason_codes_if_stale(connection)
    return render(request, "reconciliations/account.html", _account_context(request, connection))


def _account_context(request, connection, *, report_form=None, submission_form=None, query=None):
    query = query if query is not None else request.GET
    context = {
        "connection": connection,
        "report": _latest_report(connection),
        "report_form": report_form or ReportForm(connection=connection),
        "submission_form": submission_form or SubmissionForm(connection=connection),
        "reason_code_error": submissions.reason_code_error(connection),
        **_rids_context(connection, query),
        **_submissions_context(connection),
    }
    if submission_form is not None:
        context["picked"] = submission_form.picked
    return context


def _latest_report(connection):
    return EligibleReport.objects.filter(connection=connection).select_related("project").first()


def eligible_rows(connection, search="", current=None):
    """The eligible RIDs of the latest report of each project (`current`, if read already), newest
    complete first, matching `search`."""
    current = EligibleRid.objects.current(connection) if current is None else current
    rows = current.select_related("target_group", "report__project")
    if search:
        rows = rows.filter(
            Q(rid_key__contains=search.upper())
            | Q(target_group__name__icontains=search)
            | Q(target_group_name__icontains=search)
            | Q(target_group_remote_id__iexact=search)
            | Q(status__iexact=search)
        )
    return rows.order_by("-completed_at", "rid")


def _rids_context(connection, query):
    search = (query.get("q") or "").strip()
    current = EligibleRid.objects.current(connection)
    page = Paginator(eligible_rows(connection, search, current), RIDS_PER_PAGE).get_page(query.get("page"))
    return {
        "rids_page": page,
        "q": search,
        "eligible_total": current.count(),
        "ready_reports": EligibleReport.objects.filter(connection=connection, state=EligibleReport.State.READY)
        .select_related("project")
        .order_by("-finished_at")[:10],
    }


def _submissions_context(connection):
    rows = Submission.objects.filter(connection=connection).select_related("change", "requested_by")
    return {"submissions": rows[:SUBMISSIONS_SHOWN], "submission_count": rows.count()}


# --- eligible-RIDs report ---------------------------------------------------------------


@require_POST
@pm_only
def generate_report(request, pk):
    connection = reconciled_by_files(pk)
    form = ReportForm(request.POST, connection=connection)
    if not form.is_valid():
        if request.htmx:
            return render(
                request,
                "reconciliations/_report.html",
                {"connection": connection, "report": _latest_report(connection), "report_form": form},
            )
        context = _account_context(request, connection, report_form=form)
        return render(request, "reconciliations/account.html", context)
    with transaction.atomic():
        report = request_report(
            connection,
            form.cleaned_data["project"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
            by=request.user,
        )
    if request.htmx:
        report.refresh_from_db()
        context = {"connection": connection, "report": report, "report_form": ReportForm(connection=connection)}
        response = render(request, "reconciliations/_report.html", context)
        if report.state == EligibleReport.State.READY:
            trigger_client_event(response, "eligible-rids-changed")
        return response
    messages.success(request, f"The eligible-RIDs report for {report.project} was requested; it takes a few moments.")
    return redirect("reconciliations:account", connection.pk)


@require_GET
def report_status(request, pk):
    """The report block; polled by htmx while the report is being prepared."""
    report = get_object_or_404(EligibleReport.objects.select_related("connection", "project"), pk=pk)
    if not request.htmx:
        return redirect("reconciliations:account", report.connection_id)
    response = render(
        request, "reconciliations/_report_status.html", {"connection": report.connection, "report": report}
    )
    if report.state == EligibleReport.State.READY:
        trigger_client_event(response, "eligible-rids-changed")
    return response


@require_GET
def eligible_rids(request, pk):
    """The eligible-RIDs table: searched and paginated with htmx, or the whole page without."""
    connection = reconciled_by_files(pk)
    if not request.htmx:
        url = reverse("reconciliations:account", args=[connection.pk])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}#eligible" if query else f"{url}#eligible")
    return render(
        request,
        "reconciliations/_eligible_table.html",
        {"connection": connection, **_rids_context(connection, request.GET)},
    )


# --- submissions ------------------------------------------------------------------------


@require_POST
@pm_only
def submit(request, pk):
    """Check the file; show what it will do and ask to confirm; send it once confirmed for this very file."""
    connection = reconciled_by_files(pk)
    form = SubmissionForm(request.POST, request.FILES, connection=connection)
    template = "reconciliations/_submit_form.html" if request.htmx else "reconciliations/account.html"
    if not form.is_valid():
        return render(
            request, template, _account_context(request, connection, submission_form=form, query=request.POST)
        )
    shown = file_preview(connection, form.result)
    if not confirmed(request, shown):
        context = _account_context(request, connection, submission_form=form, query=request.POST)
        context.update(preview=shown, list_changed=bool(request.POST.get("confirmed")), confirm_value=form.source)
        return render(request, template, context)
    submission = submissions.submit_reconciliation(
        connection,
        form.result,
        name=form.cleaned_data["name"],
        completes_before=shown.completes_before,
        by=request.user,
    )
    text = f"{submission.line_count:,} RIDs are being sent to the supplier as {submission.name}."
    if request.htmx:
        context = _account_context(request, connection, query=request.POST)
        context["sent"] = text
        response = render(request, "reconciliations/_submit_form.html", context)
        trigger_client_event(response, "reconciliations-changed")
        return response
    messages.success(request, text)
    return redirect("reconciliations:account", connection.pk)


@require_GET
def submission_list(request, pk):
    """The past submissions of an account (re-rendered when one is added)."""
    connection = reconciled_by_files(pk)
    if not request.htmx:
        return redirect("reconciliations:account", connection.pk)
    return render(
        request, "reconciliations/_submissions.html", {"connection": connection, **_submissions_context(connection)}
    )


@require_GET
def submission(request, pk):
    sub = get_object_or_404(Submission.objects.select_related("connection", "change", "requested_by"), pk=pk)
    context = {
        "submission": sub,
        "connection": sub.connection,
        "results": sub.target_group_results.select_related("target_group"),
    }
    if request.htmx:
        part = request.GET.get("part")
        template = "reconciliations/_submission_row.html" if part == "row" else "reconciliations/_submission.html"
        return render(request, template, context)
    return render(request, "reconciliations/submission.html", context)


@require_POST
@pm_only
def check_submission(request, pk):
    sub = get_object_or_404(Submission.objects.select_related("connection", "change"), pk=pk)
    with transaction.atomic():
        restarted = submissions.check_again(sub)
    sub.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "reconciliations/_submission.html",
            {
                "submission": sub,
                "connection": sub.connection,
                "results": sub.target_group_results.select_related("target_group"),
            },
        )
    if restarted:
        messages.success(request, "The cockpit is reading the supplier's results again.")
    else:
        messages.info(request, "This submission is settled; there is nothing more to read.")
    return redirect(sub)


# --- respondent redirects ---------------------------------------------------------------


@require_GET
def redirects_tool(request, pk):
    """The four exit redirects of a TG and the S2S steps.

    When the account hashes redirects, a project manager gets the links signed for a
    given RID; anyone else gets them unsigned (a signed link is a valid exit for that RID).
    """
    tg = get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)
    rid = (request.GET.get("rid") or "").strip()[:100]
    can_sign = Role.can_change(request.user)
    context = {
        "tg": tg,
        "rid": rid,
        "redirects": redirects.exit_redirects(rid or None, secret=None if can_sign else ""),
        "hashing": bool(redirects.hash_secret()),
        "can_sign": can_sign,
        "outcomes": redirects.OUTCOMES,
        "callback_url": redirects.CALLBACK_URL,
        "rid_placeholder": redirects.RID_PLACEHOLDER,
    }
    template = "reconciliations/_redirects.html" if request.htmx else "reconciliations/redirects.html"
    return render(request, template, context)
