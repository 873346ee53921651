"""Webhook events about quotas: the supplier's quota-fill counts, between two pulls.

A busy account sends hundreds of fills a second, so the applier hands them over in sets
(`apply_quota_fills`): a few statements for the whole set, whatever its size, with the same result
as applying them one by one (`apply_quota_fill`) in the order they happened.
"""

from django.db import transaction

from projects.models import TargetGroup
from suppliers.records import QuotaFill
from sync.bulk import update_each
from sync.news import tell_quota_full
from sync.signals import tell_counts_moved
from sync.webhooks import applies, applies_in_sets

from .models import InterlockCell, Quota

# The rows a fill can be about: a profile's quota, else an interlock's cell; each with the way to its target group.
FILLED = ((Quota, "profile__target_group"), (InterlockCell, "interlocked_profile__target_group"))


@applies(QuotaFill)
def apply_quota_fill(connection, fill, at):
    """A quota's (or interlock cell's) completes and prescreens, unless a fresher read already has them."""
    values = {"completes": fill.completes, "synced_at": at}
    if fill.prescreens is not None:
        values["prescreens"] = fill.prescreens
    for model, owner in FILLED:
        found = list(
            model.objects.filter(
                **{
                    f"{owner}__remote_id": fill.target_group_id,
                    f"{owner}__project__connection": connection,
                    "remote_id": fill.quota_id,
                }
            )
            .order_by("pk")
            .values_list("pk", "synced_at", f"{owner}_id", "completes", "completes_goal", "text")[:1]
        )
        if not found:
            continue
        pk, synced_at, tg_pk, before, goal, text = found[0]
        if synced_at is not None and synced_at > at:
            return _stale(fill)
        model.objects.filter(pk=pk).update(**values)
        if goal > 0 and (before or 0) < goal <= fill.completes:
            tell_quota_full(tg_pk, text, goal)
        TargetGroup.objects.filter(pk=tg_pk).align_counts()  # the target group's counts move with it
        tell_counts_moved([tg_pk])
        return _applied(fill)
    return _unknown(fill)


@applies_in_sets(QuotaFill)
def apply_quota_fills(events):
    """`events` ((connection, fill, at), in the order they happened) applied as `apply_quota_fill` would
    one by one, in a few statements: each quota takes the newest of its fills no fresher read has
    overtaken, and each target group's counts move with its quotas once. Returns the words of each."""
    events = list(events)
    wanted = {(connection.pk, fill.target_group_id, fill.quota_id) for connection, fill, _ in events}
    _lock_target_groups(wanted)
    found = {}  # (connection pk, target group id, quota id) -> the row it is about, as read
    for model, owner in FILLED:
        for key, row in _rows(model, owner, wanted - found.keys()):
            found.setdefault(key, Filled(model, *row))  # the lowest pk, as one by one
    words, touched, falling = [], set(), set()
    for connection, fill, at in events:
        row = found.get((connection.pk, fill.target_group_id, fill.quota_id))
        if row is None:
            words.append(_unknown(fill))
        elif row.synced_at is not None and row.synced_at > at:
            words.append(_stale(fill))
        else:
            if row.take(fill, at) and row.tg_pk in touched:
                falling.add(row.tg_pk)
            touched.add(row.tg_pk)
            words.append(_applied(fill))
    # A count that goes down after a target group's first fill of the set: one by one, its counts rose to
    # each fill's (they never go down), maybe above where the set leaves its quotas. That target group's
    # fills are applied one by one, as they always were; a live account's counts only go up.
    for index, (connection, fill, at) in enumerate(events):
        row = found.get((connection.pk, fill.target_group_id, fill.quota_id))
        if row is not None and row.tg_pk in falling:
            words[index] = apply_quota_fill(connection, fill, at)
    moved = [row for row in found.values() if row.moved and row.tg_pk not in falling]
    for model, _ in FILLED:
        _write_counts(model, [row for row in moved if row.model is model])
    TargetGroup.objects.filter(pk__in={row.tg_pk for row in moved}).align_counts()
    tell_counts_moved(row.tg_pk for row in moved)
    for row in (row for row in moved if row.reached_its_goal):
        tell_quota_full(row.tg_pk, row.text, row.goal)
    return words


class Filled:
    """A quota or cell a set of fills is about: its counts as read, then as the fills leave them."""

    def __init__(self, model, pk, tg_pk, synced_at, completes, prescreens, goal, text):
        self.model, self.pk, self.tg_pk = model, pk, tg_pk
        self.synced_at, self.completes, self.prescreens = synced_at, completes, prescreens
        self.goal, self.text, self.before = goal, text, completes
        self.moved = False

    @property
    def reached_its_goal(self):
        """Whether the fills took it from below its goal to the goal or above."""
        return self.moved and self.goal > 0 and (self.before or 0) < self.goal <= (self.completes or 0)

    def take(self, fill, at):
        """Apply `fill` stamped `at` (not older than the row); returns whether a count went down."""
        falls = self.completes is not None and fill.completes < self.completes
        self.completes, self.synced_at, self.moved = fill.completes, at, True
        if fill.prescreens is not None:
            falls = falls or (self.prescreens is not None and fill.prescreens < self.prescreens)
            self.prescreens = fill.prescreens
        return falls


def _lock_target_groups(wanted):
    """Lock the target groups the fills are about, in one order (`sync.locks`), before reading their quotas."""
    connection = transaction.get_connection()
    if connection.vendor == "sqlite" or not wanted:  # SQLite locks the whole database for the transaction
        return
    locked = TargetGroup.objects.filter(
        project__connection__in={key[0] for key in wanted}, remote_id__in={key[1] for key in wanted}
    ).select_for_update(no_key=True, of=("self",))
    list(locked.order_by("pk").values_list("pk", flat=True))


def _rows(model, owner, wanted):
    """((connection pk, target group id, quota id), (pk, target group pk, synced_at, completes, prescreens, goal,
    text)) of the `model` rows `wanted` names, lowest pk first."""
    if not wanted:
        return []
    rows = (
        model.objects.filter(
            **{
                f"{owner}__project__connection__in": {key[0] for key in wanted},
                f"{owner}__remote_id__in": {key[1] for key in wanted},
                "remote_id__in": {key[2] for key in wanted},
            }
        )
        .order_by("pk")
        .values_list(
            f"{owner}__project__connection_id",
            f"{owner}__remote_id",
            "remote_id",
            "pk",
            f"{owner}_id",
            "synced_at",
            "completes",
            "prescreens",
            "completes_goal",
            "text",
        )
    )
    return [
        ((connection, tg, quota), rest) for connection, tg, quota, *rest in rows if (connection, tg, quota) in wanted
    ]


def _write_counts(model, rows):
    """One UPDATE: each row's counts and moment as its newest fill left them."""
    if rows:
        fields = ("completes", "prescreens", "synced_at")
        update_each(model, fields, ((row.pk, row.completes, row.prescreens, row.synced_at) for row in rows))


def _applied(fill):
    prescreens = "?" if fill.prescreens is None else fill.prescreens
    return f"Quota {fill.quota_id}: {fill.completes} completes, {prescreens} prescreens."


def _stale(fill):
    return f"Ignored: quota {fill.quota_id} was read after this event."


def _unknown(fill):
    return (
        f"Ignored: quota {fill.quota_id} of target group {fill.target_group_id} is not mirrored yet; "
        "the next sync will bring it."
    )
