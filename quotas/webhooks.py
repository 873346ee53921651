"""Webhook events about quotas: the supplier's quota-fill counts, between two pulls."""

from sync.upsert import whole
from sync.webhooks import handles

from .models import InterlockCell, Quota


@handles("quota-fill-registered")
def apply_quota_fill(connection, data, at):
    """A quota's (or interlock cell's) completes and prescreens, unless a fresher read already has them."""
    tg_id, quota_id = str(data.get("target_group_id") or ""), str(data.get("profile_quota_id") or "")
    values = {"completes": whole(data.get("completes")), "synced_at": at}
    prescreens = data.get("prescreens", data.get("screens"))
    if prescreens is not None:
        values["prescreens"] = whole(prescreens)
    for model, owner in ((Quota, "profile__target_group"), (InterlockCell, "interlocked_profile__target_group")):
        found = list(
            model.objects.filter(
                **{f"{owner}__remote_id": tg_id, f"{owner}__project__connection": connection, "remote_id": quota_id}
            )
            .order_by()
            .values_list("pk", "synced_at")[:1]
        )
        if not found:
            continue
        pk, synced_at = found[0]
        if synced_at is not None and synced_at > at:
            return f"Ignored: quota {quota_id} was read after this event."
        model.objects.filter(pk=pk).update(**values)
        return f"Quota {quota_id}: {values['completes']} completes, {values.get('prescreens', '?')} prescreens."
    return f"Ignored: quota {quota_id} of target group {tg_id} is not mirrored yet; the next sync will bring it."
