"""Webhook events about quotas: the supplier's quota-fill counts, between two pulls."""

from projects.models import TargetGroup
from suppliers.records import QuotaFill
from sync.webhooks import applies

from .models import InterlockCell, Quota


@applies(QuotaFill)
def apply_quota_fill(connection, fill, at):
    """A quota's (or interlock cell's) completes and prescreens, unless a fresher read already has them."""
    values = {"completes": fill.completes, "synced_at": at}
    if fill.prescreens is not None:
        values["prescreens"] = fill.prescreens
    for model, owner in ((Quota, "profile__target_group"), (InterlockCell, "interlocked_profile__target_group")):
        found = list(
            model.objects.filter(
                **{
                    f"{owner}__remote_id": fill.target_group_id,
                    f"{owner}__project__connection": connection,
                    "remote_id": fill.quota_id,
                }
            )
            .order_by()
            .values_list("pk", "synced_at", f"{owner}_id")[:1]
        )
        if not found:
            continue
        pk, synced_at, tg_pk = found[0]
        if synced_at is not None and synced_at > at:
            return f"Ignored: quota {fill.quota_id} was read after this event."
        model.objects.filter(pk=pk).update(**values)
        TargetGroup.objects.filter(pk=tg_pk).align_counts()  # the target group's counts move with it
        return f"Quota {fill.quota_id}: {fill.completes} completes, {values.get('prescreens', '?')} prescreens."
    return (
        f"Ignored: quota {fill.quota_id} of target group {fill.target_group_id} is not mirrored yet; "
        "the next sync will bring it."
    )
