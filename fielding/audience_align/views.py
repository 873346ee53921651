"""Audience-Align's own pages: a new survey (with feasibility), and on a survey's cockpit page its
length of interview and CPI, qualifications to add, change or delete, and its exclusions.

Every change goes through the outbox and answers at once with the panel and its badge.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from config.tasks import task
from fielding import permissions
from fielding.audience_align import exclusions
from fielding.audience_align import surveys as aa
from fielding.models_audience_align import AudienceAlignFeasibility
from projects.fragments import fragment_of_target_group
from projects.models import Role, SupplierConnection
from projects.permissions import NotOffered, require_capability
from quotas.models import Profile
from quotas.sections import page_context
from sync.blocks import register_block
from sync.intents import request_change
from sync.wording import describe

from .forms import ExclusionForm, QualificationForm, SettingsForm, SurveyForm

PANEL = "fielding/audience_align/_panel.html"
ANSWERS = "fielding/audience_align/_qualification_answers.html"
RESULTS = "fielding/audience_align/_exclusion_results.html"
SETTINGS_KINDS = ("set_loi", "set_cpi")
QUALIFICATION_KINDS = ("add_qualification", "update_qualification", "delete_qualification")
EXCLUSION_KINDS = ("aa_add_exclusions", "aa_remove_exclusion")
PANEL_KINDS = SETTINGS_KINDS + QUALIFICATION_KINDS + EXCLUSION_KINDS


def _part(kind):
    if kind in SETTINGS_KINDS:
        return "settings"
    return "qualifications" if kind in QUALIFICATION_KINDS else "exclusions"


def _connection(pk):
    connection = get_object_or_404(SupplierConnection, pk=pk)
    if not connection.capabilities.survey_creation:
        raise NotOffered(f"{connection.get_kind_display()} surveys are not created from this form.")
    return connection


# What each part of the panel needs of the survey's supplier, and its name for the PM.
PARTS = {
    "qualifications": "qualifications changed from the cockpit",
    "loi": "a length of interview changed from the cockpit",
    "exclusions": "exclusions of other surveys",
}


def _survey(pk, capability):
    """The target group, if its supplier has the `capability` this part of the panel is about (404 otherwise)."""
    return require_capability(permissions.target_group(pk), capability, PARTS[capability])


# --- the panel on a survey's cockpit page -----------------------------------------------------------


def panel_context(tg, **extra):
    """What the panel shows: names from the master data, the forms, the latest change of each part."""
    connection = tg.project.connection
    info = (tg.details or {}).get("audience_align") or {}
    loaded = aa.standard_qualifications(connection, info.get("country_id"), info.get("language_id"))
    standard = loaded or []
    taken = list(tg.profiles.filter(vanished_at__isnull=True).values_list("question_id", flat=True))
    latest = {}
    for change in tg.changes.filter(kind__in=PANEL_KINDS).order_by("pk"):
        change.description = describe(change)
        latest[_part(change.kind)] = change
    context = {
        "tg": tg,
        "caps": tg.capabilities,
        "aa": info,
        "country": aa.name_of(connection, aa.Kind.COUNTRY, info.get("country_id")) or info.get("country_id"),
        "language": aa.name_of(connection, aa.Kind.LANGUAGE, info.get("language_id")) or info.get("language_id"),
        "settings_form": SettingsForm(
            initial={"loi": tg.expected_length_of_interview_minutes, "cpi": tg.cpi and round(tg.cpi, 2)}
        ),
        "qualification_form": QualificationForm(standard=standard, taken=taken),
        "qualifications": [
            (profile, QualificationForm(standard=standard, profile=profile, prefix=f"p{profile.pk}"))
            for profile in tg.profiles.filter(vanished_at__isnull=True).exclude(remote_id__startswith="pending-")
        ],
        "exclusions": exclusions.exclusions_of(tg),
        "exclusion_form": None,
        "exclusion_query": "",
        "exclusion_found": [],
        "exclusion_more": False,
        "exclusion_rows": exclusions.PICKER_ROWS,
        "settings_change": latest.get("settings"),
        "qualification_change": latest.get("qualifications"),
        "exclusion_change": latest.get("exclusions"),
        "panel_frozen": tg.status in tg.capabilities.final_statuses,
        "standard_loaded": loaded is not None,
    }
    if latest.get("aa_add_exclusions") and latest.get("aa_remove_exclusion"):
        context["exclusion_change"] = max(
            latest["aa_add_exclusions"], latest["aa_remove_exclusion"], key=lambda c: c.pk
        )
    changing = extra.pop("changing", None)
    if changing is not None:  # a change form with errors comes back in place of the blank one
        context["qualifications"] = [
            (p, changing[1] if p.pk == changing[0] else f) for p, f in context["qualifications"]
        ]
    context.update(extra)
    if context["panel_frozen"]:
        context["can_change"] = False
    return context


def panel_html(request, tg, **extra):
    return render_to_string(PANEL, panel_context(tg, **extra), request)


def _panel(request, tg, change=None, **extra):
    if not request.htmx:
        if change is not None:
            messages.success(request, f"{describe(change)}: sent to the supplier. The page shows when it is applied.")
        elif extra.get("notice"):
            messages.info(request, extra["notice"])
        return redirect(tg)
    response = HttpResponse(panel_html(request, tg, **extra))
    return trigger_client_event(response, "changes-updated") if change is not None else response


def _invalid(request, tg, **forms):
    if not request.htmx:
        messages.error(request, "Nothing was sent: see below.")
    return _again(request, tg, status=400, **forms)


def _again(request, tg, *, status=200, **forms):
    """The panel with `forms` in place of the blank ones: alone for htmx, else on the whole page."""
    if not request.htmx:
        return render(request, "quotas/target_group.html", page_context(request, tg, **forms), status=status)
    return HttpResponse(panel_html(request, tg, **forms))


@require_GET
@fragment_of_target_group("aa-panel")
def panel(request, pk):
    return HttpResponse(panel_html(request, _survey(pk, "qualifications")))


@require_POST
@permissions.pm_only
def settings(request, pk):
    tg = _survey(pk, "loi")
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, tg, settings_form=form)
    connection = tg.project.connection
    change = None
    if form.cleaned_data["loi"] != tg.expected_length_of_interview_minutes:
        payload = {"loi": form.cleaned_data["loi"]}
        change = request_change("set_loi", connection=connection, target_group=tg, payload=payload, by=request.user)
    if tg.cpi is None or form.cleaned_data["cpi"] != round(tg.cpi, 2):
        payload = {"cpi": str(form.cleaned_data["cpi"])}
        change = request_change("set_cpi", connection=connection, target_group=tg, payload=payload, by=request.user)
    if change is None:
        return _panel(request, tg, notice="The length of interview and the CPI are unchanged.")
    return _panel(request, tg, change)


def _standard(tg):
    info = (tg.details or {}).get("audience_align") or {}
    return aa.standard_qualifications(tg.project.connection, info.get("country_id"), info.get("language_id")) or []


def _taken(tg):
    return list(tg.profiles.filter(vanished_at__isnull=True).values_list("question_id", flat=True))


@require_GET
@fragment_of_target_group("aa-qualification-form")
def qualification_answers(request, pk):
    """The answers of the question picked in the add-qualification form, swapped in under the picker."""
    tg = _survey(pk, "qualifications")
    if not tg.capabilities.qualifications or not tg.capabilities.survey_creation:
        raise Http404("This supplier's qualifications are not added here.")
    form = QualificationForm(
        initial={"question": request.GET.get("question")}, standard=_standard(tg), taken=_taken(tg)
    )
    return render(request, ANSWERS, {"qualification_form": form})


@require_POST
@permissions.pm_only
def qualification_add(request, pk):
    tg = _survey(pk, "qualifications")
    if "choose" in request.POST:  # "Show its answers" (without JS): the picked question's answers, nothing sent
        form = QualificationForm(
            initial={"question": request.POST.get("question")}, standard=_standard(tg), taken=_taken(tg)
        )
        return _again(request, tg, qualification_form=form)
    form = QualificationForm(request.POST, standard=_standard(tg), taken=_taken(tg))
    if not form.is_valid():
        return _invalid(request, tg, qualification_form=form)
    change = request_change(
        "add_qualification",
        connection=tg.project.connection,
        target_group=tg,
        payload=form.cleaned_data["payload"],
        by=request.user,
    )
    return _panel(request, tg, change)


def _profile(tg, profile_pk):
    return get_object_or_404(Profile, pk=profile_pk, target_group=tg, vanished_at__isnull=True)


@require_POST
@permissions.pm_only
def qualification_change(request, pk, profile_pk):
    tg = _survey(pk, "qualifications")
    profile = _profile(tg, profile_pk)
    prefix = f"p{profile.pk}"
    data = request.POST.copy()
    data[f"{prefix}-question"] = str(profile.question_id)
    form = QualificationForm(data, standard=_standard(tg), profile=profile, prefix=prefix)
    if not form.is_valid():
        return _invalid(request, tg, changing=(profile.pk, form))
    payload = form.cleaned_data["payload"]
    change = request_change(
        "update_qualification",
        connection=tg.project.connection,
        target_group=tg,
        profile=profile,
        payload={"conditions_kind": payload["conditions_kind"], "conditions": payload["conditions"]},
        by=request.user,
    )
    return _panel(request, tg, change)


@require_POST
@permissions.pm_only
def qualification_delete(request, pk, profile_pk):
    tg = _survey(pk, "qualifications")
    profile = _profile(tg, profile_pk)
    change = request_change(
        "delete_qualification", connection=tg.project.connection, target_group=tg, profile=profile, by=request.user
    )
    return _panel(request, tg, change)


def _exclusion_search(tg, query):
    found, more = exclusions.search(tg, query)
    return {"exclusion_query": query.strip(), "exclusion_found": found, "exclusion_more": more}


@require_GET
def exclusions_search(request, pk):
    """The other surveys whose name has what the PM typed, or whose id it is (a page at most), to tick and exclude:
    alone for htmx, else on the survey's whole page."""
    tg = _survey(pk, "exclusions")
    context = _exclusion_search(tg, request.GET.get("q", "")[:200])
    if not request.htmx:
        return _again(request, tg, **context)
    frozen = tg.status in tg.capabilities.final_statuses
    context.update(
        tg=tg, can_change=Role.can_change(request.user) and not frozen, exclusion_rows=exclusions.PICKER_ROWS
    )
    return render(request, RESULTS, context)


@require_POST
@permissions.pm_only
def exclusions_add(request, pk):
    tg = _survey(pk, "exclusions")
    form = ExclusionForm(request.POST, tg=tg)
    if not form.is_valid():  # the search comes back with the ticks kept and the refusals under them
        return _invalid(request, tg, exclusion_form=form, **_exclusion_search(tg, request.POST.get("q", "")[:200]))
    return _panel(request, tg, aa.request_exclusions(tg, form.chosen(), by=request.user))


@require_POST
@permissions.pm_only
def exclusion_remove(request, pk, survey_id):
    tg = _survey(pk, "exclusions")
    names = {rid: other.name if other else rid for rid, other in exclusions.exclusions_of(tg)}
    if survey_id not in names:
        return _panel(request, tg, notice="That survey is not excluded (any more).")
    return _panel(request, tg, aa.request_exclusion_removal(tg, survey_id, names[survey_id], by=request.user))


register_block("aa_panel", lambda request, change, arg: _oob_panel(request, change))
register_block("aa_exclusions", lambda request, change, arg: _oob_panel(request, change))


def _oob_panel(request, change):
    tg = permissions.target_group(change.target_group_id)
    return panel_html(request, tg, oob=True) if tg.capabilities.survey_creation else ""


# --- a new survey -----------------------------------------------------------------------------------


def _form_page(request, connection, form, *, status=200, feasibility=None):
    if form.qualifications_missing:
        fetch_audience_align_qualifications = task("fielding.tasks.fetch_audience_align_qualifications")

        fetch_audience_align_qualifications.delay(connection.pk, *form.chosen_place())
    context = {
        "connection": connection,
        "form": form,
        "feasibility": feasibility,
        "master_missing": not aa.has_master_data(connection),
    }
    return render(request, "fielding/audience_align/survey_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def survey_create(request, connection_pk):
    if request.method == "POST" and not Role.can_change(request.user):
        raise PermissionDenied("Only project managers can create surveys.")
    connection = _connection(connection_pk)
    if request.method != "POST":
        return _form_page(request, connection, SurveyForm(connection=connection))
    if "choose" in request.POST:  # the country or language changed: offer its qualifications, check nothing yet
        form = SurveyForm(initial=request.POST.dict(), connection=connection)
        return _form_page(request, connection, form)
    form = SurveyForm(request.POST, connection=connection)
    if "feasibility" in request.POST:
        inputs = form.feasibility_inputs() if form.is_valid() else None
        check = aa.request_feasibility(connection, inputs, by=request.user) if inputs else "incomplete"
        if inputs:
            check.refresh_from_db()  # a worker may have answered already
        return _form_page(request, connection, form, feasibility=check)
    if not form.is_valid():
        return _form_page(request, connection, form, status=400)
    change = aa.request_survey(connection, form.spec(), by=request.user)
    messages.success(request, f"{describe(change)}: sent to Audience-Align. The page shows when it is created.")
    return redirect(change.target_group)


@require_GET
def feasibility(request, pk):
    check = get_object_or_404(AudienceAlignFeasibility, pk=pk)
    return render(request, "fielding/audience_align/_feasibility.html", {"feasibility": check})
