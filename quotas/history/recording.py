"""The snapshot: every interval, each quota's, interlock cell's and target group's achieved count becomes a
point where it differs from its latest point, in one INSERT … SELECT per kind of owner.

Whatever moved the mirror since the last snapshot — a webhook fill, a list row, a full read, a change the
PM made — is recorded by it alike, and none of those paths pays for it. A point's `at` is the start of the
interval (`HISTORY_INTERVAL_SECONDS`) it was taken in: a second snapshot in the same interval updates that
interval's point (``ON CONFLICT … DO UPDATE``, on SQLite and PostgreSQL alike).

The snapshot reads the owners' rows and writes only point rows: it takes none of the row locks the
writers of a target group's rows order themselves by (`sync.locks`), so it never waits on a webhook
applier nor makes one wait. Each owner's latest point is one step down the (owner, at) index.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DateTimeField, F, OuterRef, Q, Subquery, Value
from django.utils import timezone

from config.tasks import task
from projects.models import SupplierKind, TargetGroup
from quotas.models import InterlockCell, Quota
from suppliers.registry import capabilities_of

from .models import CellPoint, QuotaPoint, Source, TargetGroupPoint

# Held by a snapshot for its transaction on PostgreSQL, so two beats never record one interval twice.
SNAPSHOT_LOCK = 72_0024
# Target groups whose history the supplier's own series may start earlier: fieldwork still going.
IMPORTED_STATUSES = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED)


def interval():
    """The recording interval: at most one point per owner in each."""
    return timedelta(seconds=settings.HISTORY_INTERVAL_SECONDS)


def slot_of(when, length=None):
    """The start of the recording interval `when` falls in (intervals counted from the Unix epoch)."""
    seconds = int((length or interval()).total_seconds())
    stamp = int(when.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=UTC)


def _latest(point_model, owner, field="completes"):
    return Subquery(point_model.objects.filter(**{owner: OuterRef("pk")}).order_by("-at").values(field)[:1])


def _differs(name, current):
    return Q(**{f"{name}__isnull": True}) | ~Q(**{name: F(current)})


def moved_quotas(model, point_model, owner, tg_path):
    """The launched target groups' `model` rows (quotas or cells) whose completes differ from their latest point."""
    return (
        model.objects.filter(completes__isnull=False)
        .exclude(**{f"{tg_path}__status": TargetGroup.Status.DRAFT})
        .annotate(last=_latest(point_model, owner))
        .filter(_differs("last", "completes"))
    )


def moved_target_groups():
    """Launched target groups whose completes or prescreens differ from their latest point."""
    return (
        TargetGroup.objects.exclude(status=TargetGroup.Status.DRAFT)
        .annotate(
            last=_latest(TargetGroupPoint, "target_group"),
            last_prescreens=_latest(TargetGroupPoint, "target_group", "prescreens"),
        )
        .filter(_differs("last", "current_completes") | _differs("last_prescreens", "current_prescreens"))
    )


def _insert(point_model, owner, rows, counts, at):
    """INSERT … SELECT of `rows` (a queryset of owners) as points at `at`: `counts` maps the point's count
    fields to the owner's. Returns how many points were written or updated."""
    db = connections[router.db_for_write(point_model)]
    quote = db.ops.quote_name
    selected = (
        rows.order_by()
        .annotate(_at=Value(at, output_field=DateTimeField()), _source=Value(Source.SNAPSHOT))
        .values_list("pk", *counts.values(), "_at", "_source")
    )
    sql, params = selected.query.sql_with_params()
    columns = [point_model._meta.get_field(owner).column, *counts, "at", "source"]
    updated = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in ("source", *counts))
    statement = (
        f"INSERT INTO {quote(point_model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) {sql} "
        f"ON CONFLICT ({quote(columns[0])}, {quote('at')}) DO UPDATE SET {updated}"
    )
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _take_the_interval(db):
    """Whether this snapshot may run now (PostgreSQL: no other holds the lock; SQLite writes one at a time)."""
    if db.vendor != "postgresql":
        return True
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SNAPSHOT_LOCK])
        return cursor.fetchone()[0]


def first_recorded():
    """Live or paused target groups of a supplier that reports completes over time, with no point yet."""
    kinds = [kind for kind in SupplierKind.values if capabilities_of(kind).reports]
    return TargetGroup.objects.filter(
        status__in=IMPORTED_STATUSES, project__connection__kind__in=kinds, history__isnull=True
    )


def record_snapshot(now=None):
    """Record a point for every owner whose achieved count moved since its latest point, as of `now`.

    Returns ``{"quotas": n, "cells": n, "target_groups": n}`` (points written or updated), or None when
    another snapshot holds the interval. The target groups getting their first point, where the supplier
    keeps completes over time, have it imported once this commits (`quotas.tasks.import_supplier_series`).
    """
    at = slot_of(now or timezone.now())
    db = connections[router.db_for_write(QuotaPoint)]
    with transaction.atomic(using=db.alias):
        if not _take_the_interval(db):
            return None
        starting = list(first_recorded().values_list("pk", flat=True))
        written = {
            "quotas": _insert(
                QuotaPoint,
                "quota",
                moved_quotas(Quota, QuotaPoint, "quota", "profile__target_group"),
                {"completes": "completes"},
                at,
            ),
            "cells": _insert(
                CellPoint,
                "cell",
                moved_quotas(InterlockCell, CellPoint, "cell", "interlocked_profile__target_group"),
                {"completes": "completes"},
                at,
            ),
            "target_groups": _insert(
                TargetGroupPoint,
                "target_group",
                moved_target_groups(),
                {"completes": "current_completes", "prescreens": "current_prescreens"},
                at,
            ),
        }
        importing = task("quotas.tasks.import_supplier_series")
        for pk in starting:
            transaction.on_commit(lambda pk=pk: importing.delay(pk), using=db.alias)
    return written
