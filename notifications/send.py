"""Notify the users an event concerns: `notify(kind, target_group=…, text=…)`, from any app.

Apps the import rules keep away from this one call it by name, as a task (`notifications.tasks.notify`,
through `config.tasks.task`), after their transaction commits. A notification is recorded for each
interested user first; the users who want it at once then get it by e-mail and on their webhook, by a task
of its own per notification, so a slow receiver never holds up the cockpit.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from config.tasks import task
from projects.models import TargetGroup
from sync.models import RemoteChange

from .models import Event, Notification, NotificationSetting


def setting_of(user):
    """`user`'s notification setting (read with `select_related("notification_setting")`), else the defaults
    a user who never opened their settings gets (unsaved)."""
    try:
        return user.notification_setting
    except NotificationSetting.DoesNotExist:
        return NotificationSetting(user=user)


def notify(kind, *, target_group=None, text, link="", users=None):
    """Record a notification of `kind` ("quota_full"…) for every user who wants it; returns them.

    `target_group` (a TargetGroup or its pk) is what it is about: users who chose their own target groups
    hear of it only if they asked a change on it. `users` (users or pks) narrows the audience to those
    named, whatever target groups they chose (the PM who asked a scheduled change, say).
    """
    kind = Event(kind)
    tg = _target_group(target_group)
    if tg is not None and not link:
        link = tg.get_absolute_url()
    audience = _audience(kind, tg, users)
    if not audience:
        return []
    created = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, target_group=tg, text=text, link=link) for user, _ in audience]
    )
    deliver = task("notifications.tasks.deliver")
    for notification, (user, setting) in zip(created, audience, strict=True):
        if setting.timing == NotificationSetting.Timing.AT_ONCE and _reachable(user, setting):
            transaction.on_commit(lambda pk=notification.pk: deliver.delay(pk))
    return created


def _target_group(target_group):
    if target_group is None or isinstance(target_group, TargetGroup):
        return target_group
    return TargetGroup.objects.filter(pk=target_group).select_related("project").first()


def _audience(kind, tg, users):
    """[(user, setting)] of the active users who want to hear of `kind` about `tg`."""
    everyone = get_user_model().objects.filter(is_active=True).select_related("notification_setting")
    if users is not None:
        everyone = everyone.filter(pk__in=[getattr(user, "pk", user) for user in users])
    owners = None
    audience = []
    for user in everyone.order_by("pk"):
        setting = setting_of(user)
        if not setting.wants(kind):
            continue
        if users is None and setting.scope == NotificationSetting.Scope.OWN:
            if owners is None:
                owners = _owners(tg)
            if user.pk not in owners:
                continue
        audience.append((user, setting))
    return audience


def _owners(tg):
    """The pks of the users who asked a change on `tg` (its "own" users)."""
    if tg is None:
        return set()
    asked = RemoteChange.objects.filter(target_group=tg, requested_by__isnull=False)
    return set(asked.values_list("requested_by", flat=True).distinct())


def _reachable(user, setting):
    return bool((setting.email and user.email) or setting.webhook_url)
