""" "Needs attention first" in the database: the rules of `queries.alerts_for` as one rank, so the lists
sort, filter and count target groups by it without reading them in Python, at a cost that barely grows
with the account (a row no alert can concern costs one lookup)."""

from datetime import UTC, datetime

from django.db.models import Case, F, IntegerField, Q, Subquery, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import Exact, GreaterThan
from django.utils import timezone

from sync.models import RemoteChange

from .models import TargetGroup
from .queries import (
    ACTIVE_STATUSES,
    ALERT_WINDOW,
    FINISHED_KINDS,
    FINISHED_STATUSES,
    PAUSE_KINDS,
    RECONCILIATION_ALERT_WINDOW,
    STATUS_KIND,
    cockpit_actions,
    newest_job,
    rejections,
    related,
    stopped_rows,
)


def _troubled_ids(since, kinds=None):
    changes = RemoteChange.objects.filter(
        state__in=[RemoteChange.State.FAILED, RemoteChange.State.CONFLICT], created_at__gte=since
    )
    return changes.filter(kind__in=kinds) if kinds else changes


def _ids(queryset, field):
    """The target group ids `queryset`'s rows name in `field`, for a set the database reads once (no NULL,
    no ordering, so sets can be joined in one UNION)."""
    return queryset.filter(**{f"{field}__isnull": False}).order_by().values(field)


def _attention_sets():
    """Sets of target group ids, each read once by the database, outside which a rule of `alerts_for` that
    needs a correlated subquery cannot hold (a sync error and a pause are columns of the row itself)."""
    since = timezone.now() - ALERT_WINDOW
    reconciled = timezone.now() - RECONCILIATION_ALERT_WINDOW
    job = related(TargetGroup, "fielding_jobs")
    profile = related(TargetGroup, "profiles")
    interlock = related(TargetGroup, "interlocked_profiles")
    full_cells = related(profile, "quotas").objects.filter(
        profile__quotas_enabled=True,
        profile__vanished_at__isnull=True,
        completes_goal__gt=0,
        completes__gte=F("completes_goal"),
    )
    results = TargetGroup.reconciliation_results.rel.related_model.objects
    return {
        "troubled": [_ids(_troubled_ids(since), "target_group")],
        "troubled_finished": [_ids(_troubled_ids(since, FINISHED_KINDS), "target_group")],
        "job_failed": [
            _ids(job.objects.filter(status="Failed", finished_at__gte=since), "target_group"),
            _ids(job.target_groups.through.objects.filter(
                fieldingjob__status="Failed", fieldingjob__finished_at__gte=since), "targetgroup"),
        ],
        "full_cells": [_ids(full_cells, "profile__target_group")],
        # Every pause the cockpit applied (its own, a status change, a bulk job): a paused target group
        # outside this set was paused by the supplier without reading which action came last.
        "cockpit_paused": [
            _ids(RemoteChange.objects.filter(state=RemoteChange.State.APPLIED, kind__in=PAUSE_KINDS), "target_group"),
            _ids(RemoteChange.objects.filter(state=RemoteChange.State.APPLIED, kind=STATUS_KIND)
                 .annotate(to_status=KeyTextTransform("to_status", "payload"))
                 .filter(to_status=TargetGroup.Status.PAUSED), "target_group"),
            _ids(job.target_groups.through.objects.filter(
                fieldingjob__status="Completed", fieldingjob__kind__in=PAUSE_KINDS), "targetgroup"),
        ],
        "stopped": [
            _ids(stopped_rows(related(profile, "quotas"), "profile"), "profile__target_group"),
            _ids(stopped_rows(related(interlock, "cells"), "interlocked_profile"),
                 "interlocked_profile__target_group"),
        ],
        "reconciled": [
            _ids(related(TargetGroup, "reconciliations").objects.filter(
                state="complete", finished_at__gte=reconciled), "target_group"),
            _ids(results.filter(submission__state="complete", submission__finished_at__gte=reconciled),
                 "target_group"),
        ],
    }  # fmt: skip


def _in(*sets):
    """Q: the target group's id is in one of `sets` (one UNION, one lookup a row)."""
    first, *rest = sets
    return Q(pk__in=first.union(*rest, all=True) if rest else first)


def _attention_aliases():
    """The newest facts the exact rules read (correlated subqueries, reached only inside the guards)."""
    actions, status_changes, bulk_actions = cockpit_actions()
    to_status = status_changes.annotate(to_status=KeyTextTransform("to_status", "payload")).values("to_status")
    return {
        "attn_job_status": Subquery(newest_job().values("status")[:1]),
        **{f"attn_{name}": expression for name, expression in rejections().items()},
        "attn_action": Subquery(actions.values("kind")[:1]),
        "attn_action_at": Subquery(actions.values("finished_at")[:1]),
        "attn_bulk_action": Subquery(bulk_actions.values("fieldingjob__kind")[:1]),
        "attn_bulk_action_at": Subquery(bulk_actions.values("fieldingjob__finished_at")[:1]),
        "attn_status_to": Subquery(to_status[:1]),
        "attn_status_at": Subquery(status_changes.values("finished_at")[:1]),
    }


# The sets outside which no rule can hold but for a sync error or a pause (both read from the row).
CANDIDATES = ("troubled", "troubled_finished", "job_failed", "full_cells", "stopped", "reconciled")
LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def _rejects_most(done, other, rejected, before):
    """Q: the reconciliation `done` (list or file) is the newer one and rejected more than half the completes."""
    newer = Q(**{f"attn_{other}_done_at__isnull": True}) | Q(
        GreaterThan(F(f"attn_{done}_done_at"), F(f"attn_{other}_done_at"))
        if done == "file"
        else Q(**{f"attn_{done}_done_at__gte": F(f"attn_{other}_done_at")})
    )
    return (
        Q(**{f"attn_{done}_done_at__isnull": False, f"attn_{rejected}__isnull": False, f"attn_{before}__gt": 0})
        & newer
        & Q(GreaterThan(F(f"attn_{rejected}") * 2, F(f"attn_{before}")))
    )


def with_attention_rank(queryset):
    """Alias `attention_rank` on target groups: 0 when `alerts_for` would give them an alert, 1 otherwise —
    the same rules, in the database, so lists sort and count "needs attention" without reading rows in Python.
    A row outside every set of `_attention_sets` (most of them) costs one lookup; only the few inside read
    the correlated subqueries of the exact rules."""
    if "attention_rank" in queryset.query.annotations:
        return queryset
    sets = _attention_sets()
    queryset = queryset.alias(**{k: v for k, v in _attention_aliases().items() if k not in queryset.query.annotations})
    rejection = _in(*sets["reconciled"]) & (
        _rejects_most("list", "file", "list_rejected", "list_completes_before")
        | _rejects_most("file", "list", "file_rejected", "file_completes_before")
    )
    job_failed = _in(*sets["job_failed"]) & Q(attn_job_status="Failed")
    newest = Greatest(
        *(Coalesce(F(f"attn_{name}_at"), Value(LONG_AGO)) for name in ("action", "bulk_action", "status"))
    )
    cockpit_pause = Case(
        When(Q(attn_action_at=newest, attn_action__in=PAUSE_KINDS), then=1),
        When(Q(attn_bulk_action_at=newest, attn_bulk_action__in=PAUSE_KINDS), then=1),
        When(Q(attn_status_at=newest, attn_status_to=TargetGroup.Status.PAUSED), then=1),
        default=0,
    )
    supplier_pause = Q(status=TargetGroup.Status.PAUSED) & (
        ~Q(status_reason="") | ~_in(*sets["cockpit_paused"]) | Q(Exact(cockpit_pause, 0))
    )
    finished = Q(status__in=FINISHED_STATUSES)
    exact = Case(
        When(rejection, then=0),
        When(finished & (_in(*sets["troubled_finished"]) | job_failed), then=0),
        When(finished, then=1),
        When(_in(*sets["troubled"]) | job_failed, then=0),
        When(supplier_pause, then=0),
        When(_in(*sets["full_cells"]) & Q(current_completes__lt=F("filling_goal")), then=0),
        When(_in(*sets["stopped"]), then=0),
        default=1,
    )
    return queryset.alias(
        attention_rank=Case(
            When(~Q(sync_error=""), then=0),
            When(Q(status=TargetGroup.Status.PAUSED) | _in(*(ids for key in CANDIDATES for ids in sets[key])),
                 then=exact),
            default=1,
            output_field=IntegerField(),
        )
    )  # fmt: skip


def active_or_troubled(queryset):
    """Live, paused and scheduled target groups, and those whose change or fielding job failed lately (a
    draft whose launch failed: acting helps there too)."""
    since = timezone.now() - ALERT_WINDOW
    job = related(TargetGroup, "fielding_jobs")
    troubled = _ids(_troubled_ids(since), "target_group")
    failed = [
        _ids(job.objects.filter(status="Failed", finished_at__gte=since), "target_group"),
        _ids(job.target_groups.through.objects.filter(
            fieldingjob__status="Failed", fieldingjob__finished_at__gte=since), "targetgroup"),
    ]  # fmt: skip
    job_failed = _in(*failed) & Q(Exact(Subquery(newest_job().values("status")[:1]), "Failed"))
    return queryset.filter(Q(status__in=ACTIVE_STATUSES) | _in(troubled, *failed) & (_in(troubled) | job_failed))
