"""The notifications' background work: recording an event's notifications, delivering one, the digests."""

from celery import shared_task

from .delivery import deliver as deliver_notification
from .digests import send_due_digests
from .models import Notification
from .send import notify as record


@shared_task(name="notifications.tasks.notify")
def notify(kind, *, target_group=None, text, link="", users=None):
    """`notifications.send.notify` for apps that reach it by name (`target_group` and `users` as pks)."""
    return len(record(kind, target_group=target_group, text=text, link=link, users=users))


@shared_task(name="notifications.tasks.deliver")
def deliver(notification_id):
    notification = Notification.objects.filter(pk=notification_id).select_related("user").first()
    if notification is None:
        return 0
    return len(deliver_notification(notification))


@shared_task(name="notifications.tasks.send_digests")
def send_digests():
    return len(send_due_digests())
