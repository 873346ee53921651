"""The quota cockpit: a target group's profiles, quotas and interlocks, and the PM's actions on them.

Every action records an outbox change and answers at once. With htmx the
affected block comes back with a pending badge that polls until the change
settles; without JavaScript the action redirects to the page with a message.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from config.tasks import enqueue
from projects.fragments import fragment_of_target_group
from projects.models import TargetGroup
from projects.permissions import NotOffered, pm_only
from suppliers import values
from sync.wording import describe

from . import page, services
from .forms import FillingGoalForm, InterlockForm
from .models import InterlockedProfile, Profile, Quota
from .panels import refreshed_panels_html
from .sections import page_context, section_html


def _target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def _section(request, tg, section, profile=None, **extra):
    return HttpResponse(section_html(request, tg, section, profile, **extra))


@require_GET
def target_group(request, pk):
    tg = _target_group(pk)
    return render(request, "quotas/target_group.html", page_context(request, tg))


@require_GET
def section(request, pk, name):
    """The page with one section open (its own URL); a section this target group's supplier does not
    offer is not served (404 with the layout)."""
    tg = _target_group(pk)
    context = page_context(request, tg, open_section=name)
    if name not in {section["name"] for section in context["sections"]}:
        raise NotOffered(f"“{tg.name}” has no section called “{name}”: its supplier does not offer it.")
    return render(request, "quotas/target_group.html", context)


@require_GET
@fragment_of_target_group("profiles")
def profiles_section(request, pk):
    """The profiles and interlocks of a TG, re-rendered from fresh data."""
    return _section(request, _target_group(pk), "profiles")


@require_GET
@fragment_of_target_group("profiles")
def profile_block(request, pk, profile_pk):
    """One profile's block; ``?rows=all`` shows every quota of a long profile."""
    tg = _target_group(pk)
    profile = _live_profile(tg, profile_pk)
    return _section(request, tg, "profile", profile, all_rows=request.GET.get("rows") == "all")


@require_GET
@fragment_of_target_group("tg-header")
def header(request, pk):
    return _section(request, _target_group(pk), "header")


@require_GET
@fragment_of_target_group("changes")
def changes(request, pk):
    tg = _target_group(pk)
    return render(request, "quotas/_changes.html", {"tg": tg, "changes": page.changes_panel(tg)})


def _done(request, tg, change, section, profile=None, **extra):
    """Answer an accepted action: the affected part for htmx, a redirect with a message otherwise."""
    if not request.htmx:
        messages.success(request, f"{describe(change)}: sent to the supplier. The page shows when it is applied.")
        return redirect(tg)
    return trigger_client_event(_section(request, tg, section, profile, **extra), "changes-updated")


def _nothing_to_do(request, tg, message, section, profile=None, **extra):
    """Answer an action that would change nothing: say so, and show the part as it is."""
    if not request.htmx:
        messages.info(request, message)
        return redirect(tg)
    return _section(request, tg, section, profile, notice=message, **extra)


def _invalid(request, tg, message, section, profile=None, **forms):
    """Answer a form with errors: the same part with the errors next to the fields and the input kept."""
    if not request.htmx:
        messages.error(request, message)
        context = page_context(request, tg, **forms)
        return render(request, "quotas/target_group.html", context, status=400)
    # htmx swaps only 2xx answers: the errors come back as a normal render of the part.
    return _section(request, tg, section, profile, **forms)


def _confirm(request, tg, message, section, profile=None, **forms):
    """Answer valid values the PM should think twice about: nothing is sent; the same part comes back
    with the warnings next to the fields, the input kept, and a button to send anyway."""
    if not request.htmx:
        messages.warning(request, message)
        return render(request, "quotas/target_group.html", page_context(request, tg, **forms))
    return _section(request, tg, section, profile, **forms)


def _live_profile(tg, profile_pk):
    return get_object_or_404(Profile, pk=profile_pk, target_group=tg, vanished_at__isnull=True)


@require_POST
@pm_only
def toggle_quotas(request, pk, profile_pk):
    tg = _target_group(pk)
    profile = _live_profile(tg, profile_pk)
    enabled = request.POST.get("enabled") == "on"
    if enabled == profile.quotas_enabled:
        state = "enabled" if enabled else "disabled"
        return _nothing_to_do(request, tg, f"Quotas on {profile.name} are already {state}.", "profile", profile)
    change = services.request_quota_toggle(profile, enabled, by=request.user)
    return _done(request, tg, change, "profile", profile)


@require_POST
@pm_only
def create_interlock(request, pk):
    tg = _target_group(pk)
    form = InterlockForm(request.POST, target_group=tg)
    if not form.is_valid():
        return _invalid(request, tg, "The interlock was not created: see below.", "profiles", interlock_form=form)
    change = services.request_interlock(
        tg, form.cleaned_data["profiles"], form.cleaned_data["filling_goal"], by=request.user
    )
    return _done(request, tg, change, "profiles")


@require_POST
@pm_only
def remove_interlock(request, pk, interlock_pk):
    tg = _target_group(pk)
    interlock = get_object_or_404(InterlockedProfile, pk=interlock_pk, target_group=tg, vanished_at__isnull=True)
    change = services.request_interlock_removal(interlock, by=request.user)
    return _done(request, tg, change, "profiles")


@require_POST
@pm_only
def filling_goal(request, pk):
    tg = _target_group(pk)
    form = FillingGoalForm(request.POST)
    if not form.is_valid():
        return _invalid(request, tg, "The filling goal was not changed: see below.", "header", filling_goal_form=form)
    if form.cleaned_data["filling_goal"] == tg.filling_goal:
        return _nothing_to_do(request, tg, "The filling goal is unchanged.", "header")
    quotas = Quota.objects.filter(profile__target_group=tg, profile__vanished_at__isnull=True)
    if not form.check(tg, quotas.order_by("profile__position", "kind", "position", "pk")):
        message = "The filling goal was not sent yet: see what it would do, then change it anyway or keep it."
        return _confirm(request, tg, message, "header", filling_goal_form=form)
    change = services.request_filling_goal(tg, form.cleaned_data["filling_goal"], by=request.user)
    return _done(request, tg, change, "header")


QUEUE_DOWN = (
    "The refresh could not be started: the cockpit cannot start background work right now. Nothing was "
    "changed and the page shows the last sync. Try again in a minute; if it goes on, tell whoever runs the cockpit."
)


@require_POST
@pm_only
def refresh(request, pk):
    """Re-read this target group from the supplier now, in the background."""
    tg = _target_group(pk)
    asked_at = timezone.now()
    if not enqueue("sync.tasks.sync_target_group", tg.pk):
        if not request.htmx:
            messages.error(request, QUEUE_DOWN)
            return redirect(tg)
        return render(request, "quotas/_refreshing.html", {"tg": tg, "queue_down": QUEUE_DOWN})
    if not request.htmx:
        messages.info(request, "Refreshing from the supplier; reload in a few seconds.")
        return redirect(tg)
    return render(request, "quotas/_refreshing.html", {"tg": tg, "since": asked_at.isoformat()})


@require_GET
def refresh_status(request, pk):
    """Polled while a refresh runs: once the TG was synced again, tell the page to reload its blocks."""
    tg = _target_group(pk)
    since = request.GET.get("since", "")
    # Any moment a client sends (none, garbage, no offset, the year 9999) is read as an aware one, or now.
    asked_at = min(values.when(since) or timezone.now(), timezone.now())
    # Done when the TG was read again, or when the read failed, after the refresh was asked.
    failed = tg.sync_error_at is not None and tg.sync_error_at >= asked_at
    done = failed or (tg.synced_at is not None and tg.synced_at >= asked_at)
    context = {"tg": tg, "since": since, "done": done, "failed": failed}
    html = render_to_string("quotas/_refreshing.html", context, request)
    if done:  # everything the read may have changed comes back with it, out of band
        html += section_html(request, tg, "header", oob=True) + section_html(request, tg, "profiles", oob=True)
        html += refreshed_panels_html(request, tg)
    response = HttpResponse(html)
    if done:
        trigger_client_event(response, "change-settled", {"refresh": True})
    return response
