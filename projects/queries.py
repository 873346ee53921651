"""Querysets for the dashboard and the project pages: fixed query counts, whatever the size."""

from datetime import timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.timesince import timesince

from sync.models import RemoteChange

from .models import TargetGroup

ALERT_WINDOW = timedelta(hours=24)
# A reconciliation that rejected most of a target group's completes is flagged this long (while it
# is the newest one done): the PM may still send the right list.
RECONCILIATION_ALERT_WINDOW = timedelta(days=7)
ACTIVE_STATUSES = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED, TargetGroup.Status.SCHEDULED)
# Statuses in which a target group fills no more: listed as completed; no alert a PM could act on.
FINISHED_STATUSES = (TargetGroup.Status.COMPLETED, TargetGroup.Status.CLOSED, TargetGroup.Status.ARCHIVED)


# The outbox kinds of the cockpit's own fielding-run actions (registered by fielding.runs.actions;
# a test keeps these names in step with the registry) and the batch jobs' kinds.
RUN_ACTION_KINDS = (
    "pause_fielding_run",
    "resume_fielding_run",
    "complete_fielding_run",
    "relaunch_fielding_run",
    "launch_now_fielding_run",
)
PAUSE_KINDS = ("pause_fielding_run", "batch_pause")
# The status changes of suppliers that take them as one verb (fielding.status.actions); their payload
# says the status they lead to.
STATUS_KIND = "change_status"
# The changes a finished target group still takes: a refusal of one of them asks something of the PM.
FINISHED_KINDS = ("relaunch_fielding_run", "bulk_fielding_job", STATUS_KIND, "submit_survey_reconciliation")
# A quota's current target the cockpit's "Stop traffic" set (the PM's own stop, not an alert).
TRAFFIC_CAP_KIND = "set_traffic_cap"


def related(model, name):
    """The model at the end of one of `model`'s relations, so projects/ needs no import of other apps."""
    return model._meta.get_field(name).related_model


def stopped_rows(rows, owner):
    """Enabled quota rows (`rows`: the quotas or the interlock cells, under `owner`) whose traffic has
    stopped below their goal: their current target is reached. A stop the PM asked for is left out."""
    owner_tg = f"{owner}__target_group"
    own_stop = (
        RemoteChange.objects.filter(
            target_group=OuterRef(owner_tg), kind=TRAFFIC_CAP_KIND, state=RemoteChange.State.APPLIED, payload__stop=True
        )
        .annotate(quota_id=KeyTextTransform("quota_id", "payload"))
        .annotate(cap=Cast(KeyTextTransform("traffic_cap", "payload"), IntegerField()))
        .filter(quota_id=OuterRef("remote_id"), cap=OuterRef("traffic_cap"))
    )
    return rows.objects.filter(
        **{f"{owner}__quotas_enabled": True, f"{owner}__vanished_at__isnull": True},
        traffic_cap__isnull=False,
        completes__gte=F("traffic_cap"),
        completes__lt=F("completes_goal"),
    ).exclude(Exists(own_stop))


def _count(queryset, group_by):
    return Coalesce(Subquery(queryset.values(group_by).annotate(n=Count("pk")).values("n")[:1]), Value(0))


def _stopped_traffic():
    profile = related(TargetGroup, "profiles")
    interlock = related(TargetGroup, "interlocked_profiles")
    quotas = stopped_rows(related(profile, "quotas"), "profile").filter(profile__target_group=OuterRef("pk"))
    cells = stopped_rows(related(interlock, "cells"), "interlocked_profile").filter(
        interlocked_profile__target_group=OuterRef("pk")
    )
    return {
        "stopped_quotas": _count(quotas, "profile__target_group"),
        "stopped_cells": _count(cells, "interlocked_profile__target_group"),
        "stopped_quota_name": Subquery(quotas.order_by("profile__position", "position").values("text")[:1]),
        "stopped_cell_name": Subquery(cells.order_by("position").values("text")[:1]),
    }


def newest_job():
    """The newest fielding job of the target group (its own or a batch it was in) settled in the last day."""
    job = related(TargetGroup, "fielding_jobs")
    return (
        job.objects.filter(Q(target_group=OuterRef("pk")) | Q(target_groups=OuterRef("pk")))
        .filter(status__in=["Completed", "Failed"], finished_at__gte=timezone.now() - ALERT_WINDOW)
        .order_by("-finished_at", "-pk")
    )


def _last_job():
    newest = newest_job()
    return {
        "last_job_status": Subquery(newest.values("status")[:1]),
        "last_job_kind": Subquery(newest.values("kind")[:1]),
        "last_job_reason": Subquery(newest.values("failure_reason")[:1]),
    }


def rejections():
    """The newest reconciliation done for each target group, by a survey's list or in a Cint file:
    the completes it rejected, those it started from, and when."""
    since = timezone.now() - RECONCILIATION_ALERT_WINDOW
    lists = TargetGroup.objects.filter(
        pk=OuterRef("pk"), reconciliations__state="complete", reconciliations__finished_at__gte=since
    ).order_by("-reconciliations__finished_at")
    files = TargetGroup.objects.filter(
        pk=OuterRef("pk"),
        reconciliation_results__submission__state="complete",
        reconciliation_results__submission__finished_at__gte=since,
    ).order_by("-reconciliation_results__submission__finished_at")
    return {
        "list_rejected": Subquery(lists.values("reconciliations__rejected_count")[:1]),
        "list_completes_before": Subquery(lists.values("reconciliations__completes_before")[:1]),
        "list_done_at": Subquery(lists.values("reconciliations__finished_at")[:1]),
        "file_rejected": Subquery(files.values("reconciliation_results__negative_reversed_count")[:1]),
        "file_completes_before": Subquery(files.values("reconciliation_results__completes_before")[:1]),
        "file_done_at": Subquery(files.values("reconciliation_results__submission__finished_at")[:1]),
    }


def cockpit_actions():
    """The fielding-run actions the cockpit applied to the target group: its own, its status changes, and
    the bulk jobs it was in, newest first."""
    actions = RemoteChange.objects.filter(
        target_group=OuterRef("pk"), kind__in=RUN_ACTION_KINDS, state=RemoteChange.State.APPLIED
    ).order_by("-finished_at")
    status_changes = RemoteChange.objects.filter(
        target_group=OuterRef("pk"), kind=STATUS_KIND, state=RemoteChange.State.APPLIED
    ).order_by("-finished_at")
    bulk_actions = TargetGroup.batch_jobs.through.objects.filter(
        targetgroup_id=OuterRef("pk"), fieldingjob__status="Completed"
    ).order_by("-fieldingjob__finished_at")
    return actions, status_changes, bulk_actions


def with_alerts(queryset):
    """Annotate target groups with what a PM must look at.

    `has_full_cells`: enabled quota cells that reached their goal (alerted while the TG has not).
    `stopped_quotas` / `stopped_cells` (and the first one's name): enabled quotas whose current target
    is reached below their goal, unless the PM stopped them.
    `troubled_changes`: changes of the last 24 hours that failed or met a conflict
    (`troubled_finished_changes`: those of kinds a finished TG still takes).
    `last_job_status` / `_kind` / `_reason`: the newest fielding job of the TG settled in the last day.
    `list_rejected` / `file_rejected` (with the completes before and when): the newest reconciliation done.
    `last_action` / `last_bulk_action`: the newest fielding-run action the cockpit applied to the
    TG, alone or in a bulk job, with its time; a paused TG whose newest action was not a pause
    was paused by the supplier.
    """
    since = timezone.now() - ALERT_WINDOW
    # Through the reverse relations, so projects/ needs no import of quotas/.
    full_cells = TargetGroup.objects.filter(
        pk=OuterRef("pk"),
        profiles__quotas_enabled=True,
        profiles__vanished_at__isnull=True,
        profiles__quotas__completes_goal__gt=0,
        profiles__quotas__completes__gte=F("profiles__quotas__completes_goal"),
    )
    actions, status_changes, bulk_actions = cockpit_actions()
    troubled = Q(
        changes__state__in=[RemoteChange.State.FAILED, RemoteChange.State.CONFLICT], changes__created_at__gte=since
    )
    return queryset.annotate(
        has_full_cells=Exists(full_cells),
        troubled_changes=Count("changes", filter=troubled, distinct=True),
        troubled_finished_changes=Count(
            "changes", filter=troubled & Q(changes__kind__in=FINISHED_KINDS), distinct=True
        ),
        **_stopped_traffic(),
        **_last_job(),
        **rejections(),
        last_action=Subquery(actions.values("kind")[:1]),
        last_action_at=Subquery(actions.values("finished_at")[:1]),
        last_bulk_action=Subquery(bulk_actions.values("fieldingjob__kind")[:1]),
        last_bulk_action_at=Subquery(bulk_actions.values("fieldingjob__finished_at")[:1]),
        last_status_to=Subquery(status_changes.values("payload__to_status")[:1]),
        last_status_at=Subquery(status_changes.values("finished_at")[:1]),
    )


def paused_by_the_cockpit(tg):
    """Whether the newest fielding action the cockpit applied to `tg` (annotated by `with_alerts`) is a pause."""
    pause = PAUSE_KINDS[0]
    actions = [
        (tg.last_action_at, tg.last_action),
        (tg.last_bulk_action_at, tg.last_bulk_action),
        (tg.last_status_at, pause if tg.last_status_to == TargetGroup.Status.PAUSED else STATUS_KIND),
    ]
    actions = [(at, kind) for at, kind in actions if at is not None]
    return bool(actions) and max(actions)[1] in PAUSE_KINDS


def alerts_for(tg):
    """Sentences for the alerts annotated by `with_alerts`, most urgent first: only what a PM can act on."""
    alerts = []
    if tg.sync_error:
        alerts.append(("bad", f"Sync error: {tg.sync_error}"))
    rejection = rejection_words(tg)
    if rejection:
        alerts.append(("bad", rejection))
    if tg.status in FINISHED_STATUSES:
        # It fills no more: full cells, pauses and old refusals ask nothing of the PM; a refused
        # relaunch, status change or reconciliation still does.
        return alerts + _troubled(tg.troubled_finished_changes, tg)
    alerts += _troubled(tg.troubled_changes, tg)
    if tg.status == TargetGroup.Status.PAUSED and (tg.status_reason or not paused_by_the_cockpit(tg)):
        why = f": {tg.status_reason.rstrip('.')}." if tg.status_reason else ", not from the cockpit."
        alerts.append(("warn", f"{tg.status_text} by the supplier{why}"))
    if tg.has_full_cells and tg.current_completes < tg.filling_goal:
        alerts.append(("warn", "Some quota cells are full while the target group is not: fieldwork may stall."))
    stopped = stopped_words(tg)
    if stopped:
        alerts.append(("warn", stopped))
    return alerts


def _troubled(count, tg):
    alerts = []
    if count:
        alerts.append(
            ("bad", f"{count} change{'s' if count != 1 else ''} failed or met a conflict in the last 24 hours.")
        )
    if tg.last_job_status == "Failed":
        job = related(TargetGroup, "fielding_jobs")
        label = job.Kind(tg.last_job_kind).label if tg.last_job_kind in job.Kind.values else "A fielding job"
        why = f": {tg.last_job_reason.rstrip('.')}." if tg.last_job_reason else "."
        alerts.append(("bad", f"{label} failed at the supplier{why}"))
    return alerts


def stopped_words(tg):
    """The quotas whose traffic stopped below their goal (the current target reached), in words."""
    count = tg.stopped_quotas + tg.stopped_cells
    if not count:
        return ""
    name = tg.stopped_quota_name or tg.stopped_cell_name
    if count == 1:
        return (
            f"Traffic to “{name}” has stopped below its goal (its current target is reached): "
            "raise the current target for it to fill."
        )
    return (
        f"Traffic to {count} quotas, among them “{name}”, has stopped below their goals (their current "
        "targets are reached): raise the current targets for them to fill."
    )


def rejection_words(tg):
    """A reconciliation done lately that rejected most of the target group's completes, in words."""
    done = [
        (tg.list_done_at, tg.list_rejected, tg.list_completes_before, "list"),
        (tg.file_done_at, tg.file_rejected, tg.file_completes_before, "file"),
    ]
    done = [item for item in done if item[0] is not None]
    if not done:
        return ""
    at, rejected, before, how = max(done, key=lambda item: item[0])
    if rejected is None or not before or rejected * 2 <= before:
        return ""
    style = tg.capabilities.id_reconciliation
    verb = style.unlisted_verb if how == "list" and style is not None else "rejected"
    return (
        f"A reconciliation {timesince(at)} ago {verb} {rejected:,} of the {before:,} completes. "
        "If that was not meant, submit the right list."
    )
