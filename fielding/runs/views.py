"""The fielding panel of a target group page and its actions: pause, resume, complete,
relaunch, launch now, a new end date; job progress; completes over time and performance.

`fielding_panel_context(tg, user)` gives the context of ``fielding/runs/_fielding_panel.html``,
which the target group page includes. With htmx an action answers with the panel (the
change pending, its badge polling until it settles); without, it redirects with a message.
"""

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from fielding import permissions
from fielding.confirm import Confirmation, confirm_page, confirmed
from fielding.drafts.body import is_created
from fielding.drafts.changes import latest_draft_change
from fielding.models import FieldingJob, RunAction, SupplierLookup
from projects.models import Role, TargetGroup
from quotas.history.reading import target_group_pace
from suppliers import errors
from sync.wording import describe

from .actions import RUN_KINDS, ActionRefused, current_run, request_run_action
from .charts import completes_chart
from .forms import EndDateForm, IntervalForm, LaunchForm
from .transitions import RUN_ACTIONS, follow_supplier, own_run_actions, read_transitions, transitions_for

FIELDING_KINDS = (*RUN_KINDS, "launch_from_draft", "schedule_from_draft")
STATS_CACHE_SECONDS = 60


def fielding_panel_context(tg, user, *, request=None, **overrides):
    """The context of ``fielding/runs/_fielding_panel.html``, under the one key ``fielding``
    (plus ``fielding_panel_template``, the partial's name, for pages that include it by variable).

    Drawn for a page load (`request` a GET), the actions offered are those the supplier allows
    now (``fielding.runs.transitions``); the answers to a PM's POST show the cockpit's own rules.
    """
    can_change = Role.can_change(user)
    run = current_run(tg)
    # Fielding changes only: a draft's saves are shown by the draft page itself.
    changes = list(tg.changes.filter(kind__in=FIELDING_KINDS).order_by("-pk")[:10])
    for change in changes:
        change.description = describe(change)
    pending = [c for c in changes if not c.is_settled]
    refused = next((c for c in changes if c.is_settled), None)
    job = tg.fielding_jobs.select_related("change").first()
    panel = {
        "tg": tg,
        "can_change": can_change,
        "is_draft": tg.status == TargetGroup.Status.DRAFT,
        "is_created": is_created(tg),
        "run": run,
        "actions": [],
        "end_form": None,
        "pending": pending,
        "refused": refused if refused and refused.state in ("failed", "conflict") else None,
        "job": job,
        "feasibility": tg.supplier_lookups.filter(kind=SupplierLookup.Kind.FEASIBILITY).first(),
        "launch_form": None,
        "draft_change": latest_draft_change(tg) if tg.status == TargetGroup.Status.DRAFT else None,
    }
    may_launch = can_change and panel["is_draft"] and not (job and not job.is_settled)
    # While a change or job of this TG is on its way, the supplier's answer would be about the
    # state before it: the cockpit's rules (which show the intent) apply until it settles.
    settled = not pending and not (job and not job.is_settled)
    asking = request is not None and request.method == "GET" and settled and (may_launch or (can_change and run))
    transitions = transitions_for(request, tg.project, [tg]) if asking else None
    if can_change and run is not None:
        offered = follow_supplier(f"“{tg.name}”", own_run_actions(run), transitions, target_groups=[tg])
        panel["actions"] = [a for a in RunAction if a in {RUN_ACTIONS[name] for name in offered}]
        if run.allows(RunAction.CHANGE_END):
            panel["end_form"] = EndDateForm(run=run, initial={"end_fielding_at": run.end_fielding_at})
    if may_launch and not follow_supplier(f"“{tg.name}”", {"launch"}, transitions, target_groups=[tg]):
        panel["launch_refused"] = "The supplier does not allow launching this draft now."
    elif may_launch:
        panel["launch_form"] = LaunchForm(
            initial={"end_fielding_at": tg.fielding_end_at, "start_fielding_at": tg.fielding_start_at}
        )
    panel.update(overrides)
    return {"fielding": panel, "fielding_panel_template": "fielding/runs/_fielding_panel.html"}


@require_GET
def panel(request, pk):
    """The panel for htmx; opened in the browser, a page with the panel in the layout."""
    tg = permissions.run_target_group(pk)
    template = "fielding/runs/_fielding_panel.html" if request.htmx else "fielding/runs/panel_page.html"
    return render(request, template, fielding_panel_context(tg, request.user, request=request))


def _answer(request, tg, text, *, level=messages.SUCCESS, status=200, **overrides):
    """The panel for htmx, a redirect with a message otherwise.

    A form with errors is never lost: without htmx it comes back on a page of its own.
    """
    if not request.htmx:
        messages.add_message(request, level, text)
        if status >= 400 and any(key.endswith("_form") for key in overrides):
            context = fielding_panel_context(tg, request.user, **overrides)
            return render(request, "fielding/runs/panel_page.html", context, status=400)
        return redirect(permissions.page_of(tg))
    context = fielding_panel_context(tg, request.user, **overrides)
    context["fielding"]["notice"] = (text, "error" if level == messages.ERROR else "success")
    # 200 even for a refusal: htmx 2 does not swap 4xx answers unless configured to, and
    # the PM must see the panel with the reason (and the form with its errors).
    response = render(request, "fielding/runs/_fielding_panel.html", context)
    return trigger_client_event(response, "changes-updated")


@require_POST
@permissions.pm_only
def run_action(request, pk, action):
    tg = permissions.run_target_group(pk)
    if action not in RunAction.values or action == RunAction.CHANGE_END:
        return _answer(request, tg, "That is not a fielding action.", level=messages.ERROR, status=400)
    if action in CONFIRM_RUN_ACTIONS and not confirmed(request) and _possible(tg, action):
        return _confirm(request, tg, _run_confirmation(tg, action))
    try:
        change = request_run_action(tg, action, by=request.user)
    except ActionRefused as exc:
        # The cockpit's rules say no; the supplier knows the run's state now and has the last word.
        if not _supplier_allows(tg, action):
            return _answer(request, tg, str(exc), level=messages.ERROR, status=409)
        change = request_run_action(tg, action, by=request.user, allowed=True)
    return _answer(request, tg, f"{describe(change)}: sent to the supplier. The page shows when it is applied.")


# What cannot be undone: a completed run stays completed (relaunching starts a new one); a scheduled
# run launched now takes respondents at once.
CONFIRM_RUN_ACTIONS = {RunAction.COMPLETE: "complete fielding", RunAction.LAUNCH_NOW: "launch now"}


def _possible(tg, action):
    """Whether `action` may be asked for now (the cockpit's rules, or the supplier's word): only then confirm it."""
    run = current_run(tg)
    return run is not None and (run.allows(action) or _supplier_allows(tg, action))


def _run_confirmation(tg, action):
    run = current_run(tg)
    name = f"“{tg.name}”"
    if action == RunAction.COMPLETE:
        title = f"Complete fielding of {name}?"
        lines = [
            f"The fielding run stops taking respondents now, at {tg.current_completes} of {tg.filling_goal} completes.",
            "This cannot be undone: a completed run stays completed; relaunching later starts a new fielding run.",
        ]
    else:
        title = f"Launch {name} now?"
        start = run.start_fielding_at if run else None
        lines = [
            "Suppliers start sending respondents at once"
            + (f", instead of at the scheduled {timezone.localtime(start):%Y-%m-%d %H:%M}." if start else "."),
            "This cannot be undone: a live target group cannot go back to scheduled.",
        ]
    url = reverse("fielding:run_action", args=[tg.pk, action])
    return Confirmation(
        title=title,
        lines=lines,
        action=url,
        button=f"Yes, {CONFIRM_RUN_ACTIONS[action]}",
        cancel=permissions.page_of(tg),
        target="#fielding-panel",
        cancel_get=reverse("fielding:panel", args=[tg.pk]),
    )


def _confirm(request, tg, confirmation, **overrides):
    """The confirmation: inside the panel with htmx, on a page of its own without. Nothing is sent."""
    if not request.htmx:
        return confirm_page(request, confirmation, back_title=tg.name)
    context = fielding_panel_context(tg, request.user, confirm=confirmation, **overrides)
    return render(request, "fielding/runs/_fielding_panel.html", context)


def _supplier_allows(tg, action):
    """Whether the supplier allows `action` on the TG's run now (False when it cannot say)."""
    names = {run_action: name for name, run_action in RUN_ACTIONS.items()}
    if current_run(tg) is None or action not in names:
        return False
    transitions = read_transitions(tg.project, [tg])
    if transitions is None or not transitions.allows(names[action]):
        return False
    follow_supplier(f"“{tg.name}”", set(), transitions, target_groups=[tg])
    return True


@require_POST
@permissions.pm_only
def change_end(request, pk):
    tg = permissions.run_target_group(pk)
    run = current_run(tg)
    form = EndDateForm(request.POST, run=run)
    if not form.is_valid():
        return _answer(
            request, tg, "The end date was not changed: see the field.", level=messages.ERROR, status=422, end_form=form
        )
    try:
        change = request_run_action(
            tg, RunAction.CHANGE_END, by=request.user, end_at=form.cleaned_data["end_fielding_at"]
        )
    except ActionRefused as exc:
        return _answer(request, tg, str(exc), level=messages.ERROR, status=409)
    return _answer(request, tg, f"{describe(change)}: sent to the supplier.")


@require_GET
def job(request, pk):
    """A supplier job's progress: its own page, or (htmx) the block that polls itself until settled."""
    job = get_object_or_404(FieldingJob.objects.select_related("project", "target_group", "change"), pk=pk)
    context = {"job": job, "outcomes": job.outcomes() if job.is_batch else None}
    if not request.htmx:
        return render(request, "fielding/runs/job.html", context)
    response = render(request, "fielding/runs/_job.html", context)
    if job.is_settled:
        trigger_client_event(response, "fielding-changed", {"job": job.pk, "status": job.status})
    return response


@require_GET
def stats(request, pk):
    """Completes over time (a bar chart) and the performance metrics, read from the supplier."""
    tg = permissions.target_group(pk)
    form = IntervalForm(request.GET or None)
    interval = (form.cleaned_data.get("interval") if form.is_valid() else "") or "P1D"
    context = {"tg": tg, "interval_form": IntervalForm(initial={"interval": interval}), "interval": interval}
    if not tg.capabilities.reports:
        supplier = tg.project.connection.get_kind_display()
        context["error"] = f"{supplier} reports completes as totals only, not over time."
    elif tg.status == TargetGroup.Status.DRAFT or not is_created(tg):
        context["error"] = "There are no completes before the target group is launched."
    else:
        try:
            data = read_stats(tg, interval)
        except errors.SupplierError as exc:
            context["error"] = f"The supplier's figures could not be read: {exc.message}"
        else:
            context.update(data)
            performance = data["performance"]
            # The target group's own counts follow the supplier's figures, and the block shows the
            # target group's counts: one number on the page, whatever the intervals hold and however
            # long ago this read was (webhooks may have moved the header since).
            context["counts_moved"] = tg.take_counts(
                completes=_whole(performance.get("completes")),
                prescreens=_whole(performance.get("prescreens")),
                at=data["read_at"],
            )
            context["chart"] = chart_of(tg, data["intervals"], interval)
    template = "fielding/runs/_stats.html" if request.htmx else "fielding/runs/stats.html"
    return render(request, template, context)


def _whole(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def chart_of(tg, intervals, interval):
    """The completes chart of `tg` from the supplier's intervals, against its goal and end date,
    ending at the target group's own count of completes.

    The bars and the line are the supplier's, who knows in which interval each complete came; the pace is
    the history's once the cockpit recorded one (the supplier's series is imported into it), so the chart
    tells the pace the dashboard and the quota grid tell, whatever interval the PM picked."""
    run = current_run(tg)
    end_at = (run.end_fielding_at if run else None) or tg.fielding_end_at
    started_at = (run.start_fielding_at if run else None) or tg.fielding_start_at
    return completes_chart(
        intervals,
        interval=interval,
        goal=tg.filling_goal,
        end_at=end_at,
        total=tg.current_completes,
        started_at=started_at,
        pace=target_group_pace(tg, end_at=end_at) if tg.history.exists() else None,
    )


def read_stats(tg, interval):
    """The supplier's completes per interval and performance of `tg` (`adapter.reports`, cached for a minute)."""
    key = f"fielding-stats:{tg.pk}:{interval}"
    data = cache.get(key)
    if data is None:
        from sync.adapters import open_adapter

        with open_adapter(tg.project.connection) as adapter:
            intervals = adapter.reports.completes_by_interval(tg.ref, interval)
            performance = adapter.reports.performance(tg.ref)
        data = {
            "intervals": intervals,
            "performance": performance,
            "read_at": timezone.now(),
        }
        cache.set(key, data, STATS_CACHE_SECONDS)
    return data
