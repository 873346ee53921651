"""The quota cockpit: a target group's profiles, quotas and interlocks, and the PM's actions on them.

Every action records an outbox change and answers at once. With htmx the
affected block comes back with a pending badge that polls until the change
settles; without JavaScript the action redirects to the page with a message.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from fielding.views import fielding_panel_context
from projects.models import TargetGroup
from projects.permissions import pm_only
from sync.models import RemoteChange
from sync.outbox import describe

from . import page, services
from .forms import FillingGoalForm, InterlockForm, QuotaGoalsForm
from .models import InterlockedProfile, Profile


def _target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


@require_GET
def target_group(request, pk):
    tg = _target_group(pk)
    context = page.profiles_context(tg)
    context.update(
        changes=page.changes_panel(tg),
        interlock_form=InterlockForm(target_group=tg, profiles=context["profiles"]),
        filling_goal_form=FillingGoalForm(initial={"filling_goal": tg.filling_goal}),
    )
    context.update(fielding_panel_context(tg, request.user))
    return render(request, "quotas/target_group.html", context)


@require_GET
def profiles_section(request, pk):
    """The profiles and interlocks of a TG, re-rendered from fresh data."""
    tg = _target_group(pk)
    context = page.profiles_context(tg)
    context["interlock_form"] = InterlockForm(target_group=tg, profiles=context["profiles"])
    return render(request, "quotas/_profiles.html", context)


@require_GET
def header(request, pk):
    tg = _target_group(pk)
    return render(request, "quotas/_header.html", {"tg": tg, "filling_goal_form": FillingGoalForm(
        initial={"filling_goal": tg.filling_goal})})


@require_GET
def changes(request, pk):
    tg = _target_group(pk)
    return render(request, "quotas/_changes.html", {"tg": tg, "changes": page.changes_panel(tg)})


@require_GET
def change_badge(request, change_pk):
    """The badge of one change; once settled it stops polling and tells the page to refresh."""
    change = get_object_or_404(RemoteChange, pk=change_pk)
    change.description = describe(change)
    response = render(request, "quotas/_change_badge.html", {"change": change})
    if change.is_settled:
        trigger_client_event(response, "change-settled", {"id": change.pk, "state": change.state})
    return response


def _done(request, tg, change, *, section="profile", profile=None):
    """Answer an accepted action: the affected block for htmx, a redirect with a message otherwise."""
    text = f"{describe(change)}: sent to the supplier. The page shows when it is applied."
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    context = page.profiles_context(tg)
    if section == "profile":
        block = next(p for p in context["profiles"] if p.pk == profile.pk)
        response = render(request, "quotas/_profile_block.html", {"tg": tg, "profile": block})
    elif section == "header":
        response = render(request, "quotas/_header.html", {"tg": tg, "tg_change": change,
                                                           "filling_goal_form": FillingGoalForm(
                                                               initial={"filling_goal": tg.filling_goal})})
    else:
        context["interlock_form"] = InterlockForm(target_group=tg, profiles=context["profiles"])
        response = render(request, "quotas/_profiles.html", context)
    return trigger_client_event(response, "changes-updated")


def _invalid(request, tg, template, context, message):
    """Answer a form with errors: the same partial with the errors and the input kept."""
    if not request.htmx:
        full = page.profiles_context(tg)
        full.update(
            changes=page.changes_panel(tg),
            interlock_form=InterlockForm(target_group=tg, profiles=full["profiles"]),
            filling_goal_form=FillingGoalForm(initial={"filling_goal": tg.filling_goal}),
        )
        full.update(context)
        full.update(fielding_panel_context(tg, request.user))
        messages.error(request, message)
        return render(request, "quotas/target_group.html", full, status=400)
    # htmx swaps only 2xx answers: the errors come back as a normal render of the block.
    return render(request, template, context)


@require_POST
@pm_only
def toggle_quotas(request, pk, profile_pk):
    tg = _target_group(pk)
    profile = get_object_or_404(Profile, pk=profile_pk, target_group=tg)
    enabled = request.POST.get("enabled") == "on"
    if enabled == profile.quotas_enabled:
        state = "enabled" if enabled else "disabled"
        messages.info(request, f"Quotas on {profile.name} are already {state}.")
        return redirect(tg) if not request.htmx else profiles_section(request, pk)
    change = services.request_quota_toggle(profile, enabled, by=request.user)
    return _done(request, tg, change, profile=profile)


@require_POST
@pm_only
def create_interlock(request, pk):
    tg = _target_group(pk)
    context = page.profiles_context(tg)
    form = InterlockForm(request.POST, target_group=tg, profiles=context["profiles"])
    if not form.is_valid():
        context["interlock_form"] = form
        return _invalid(request, tg, "quotas/_profiles.html", context, "The interlock was not created: see below.")
    change = services.request_interlock(
        tg, form.cleaned_data["profiles"], form.cleaned_data["filling_goal"], by=request.user
    )
    return _done(request, tg, change, section="profiles")


@require_POST
@pm_only
def remove_interlock(request, pk, interlock_pk):
    tg = _target_group(pk)
    interlock = get_object_or_404(InterlockedProfile, pk=interlock_pk, target_group=tg, vanished_at__isnull=True)
    change = services.request_interlock_removal(interlock, by=request.user)
    return _done(request, tg, change, section="profiles")


@require_POST
@pm_only
def quota_goals(request, pk, profile_pk):
    tg = _target_group(pk)
    profile = get_object_or_404(Profile, pk=profile_pk, target_group=tg)
    form = QuotaGoalsForm(request.POST, quotas=profile.quotas.order_by("kind", "position", "pk"))
    block = next(p for p in page.profiles_context(tg)["profiles"] if p.pk == profile.pk)
    if not form.is_valid():
        return _invalid(
            request, tg, "quotas/_profile_block.html",
            {"tg": tg, "profile": block, "goals_form": form},
            f"The goals of {profile.name} were not changed: see below.",
        )
    goals = form.changed_goals()
    if not goals:
        messages.info(request, f"The goals of {profile.name} are unchanged.")
        return redirect(tg) if not request.htmx else render(
            request, "quotas/_profile_block.html", {"tg": tg, "profile": block})
    change = services.request_quota_goals(tg, goals, profile=profile, by=request.user)
    return _done(request, tg, change, profile=profile)


@require_POST
@pm_only
def interlock_goals(request, pk, interlock_pk):
    tg = _target_group(pk)
    interlock = get_object_or_404(InterlockedProfile, pk=interlock_pk, target_group=tg)
    form = QuotaGoalsForm(request.POST, quotas=interlock.cells.order_by("position", "pk"))
    if not form.is_valid():
        context = page.profiles_context(tg)
        context["interlock_form"] = InterlockForm(target_group=tg, profiles=context["profiles"])
        context["interlock_goals_form"] = form
        return _invalid(request, tg, "quotas/_profiles.html", context, "The cell goals were not changed: see below.")
    goals = form.changed_goals()
    if not goals:
        messages.info(request, "The cell goals are unchanged.")
        return redirect(tg) if not request.htmx else profiles_section(request, pk)
    change = services.request_quota_goals(tg, goals, by=request.user)
    return _done(request, tg, change, section="profiles")


@require_POST
@pm_only
def filling_goal(request, pk):
    tg = _target_group(pk)
    form = FillingGoalForm(request.POST)
    if not form.is_valid():
        return _invalid(
            request, tg, "quotas/_header.html", {"tg": tg, "filling_goal_form": form},
            "The filling goal was not changed: see below.",
        )
    if form.cleaned_data["filling_goal"] == tg.filling_goal:
        messages.info(request, "The filling goal is unchanged.")
        return redirect(tg)
    change = services.request_filling_goal(tg, form.cleaned_data["filling_goal"], by=request.user)
    return _done(request, tg, change, section="header")


@require_POST
@pm_only
def refresh(request, pk):
    """Re-read this target group from the supplier now, in the background."""
    from sync.tasks import sync_target_group

    tg = _target_group(pk)
    asked_at = timezone.now()
    sync_target_group.delay(tg.pk)
    if not request.htmx:
        messages.info(request, "Refreshing from the supplier; reload in a few seconds.")
        return redirect(tg)
    return render(request, "quotas/_refreshing.html", {"tg": tg, "since": asked_at.isoformat()})


@require_GET
def refresh_status(request, pk):
    """Polled while a refresh runs: once the TG was synced again, tell the page to reload its blocks."""
    tg = _target_group(pk)
    since = request.GET.get("since", "")
    asked_at = parse_datetime(since) or timezone.now()
    # Done when the TG was read again, or when the read failed, after the refresh was asked.
    failed = tg.sync_error_at is not None and tg.sync_error_at >= asked_at
    done = failed or (tg.synced_at is not None and tg.synced_at >= asked_at)
    context = {"tg": tg, "since": since, "done": done, "failed": failed}
    response = render(request, "quotas/_refreshing.html", context)
    if done:
        trigger_client_event(response, "change-settled", {"refresh": True})
    return response
