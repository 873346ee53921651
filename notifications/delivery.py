"""Delivering notifications away from the cockpit: by e-mail (Django's mail) and on a user's webhook.

Each delivery is recorded (`Delivery`); a notification already delivered on a channel is not delivered
on it again, so a task run twice sends once.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Delivery
from .outbound import post_webhook
from .send import setting_of


def deliver(notification):
    """Send `notification` by e-mail and to the webhook its user chose; returns the deliveries made."""
    user = notification.user
    setting = setting_of(user)
    done = set(notification.deliveries.exclude(state=Delivery.State.SENDING).values_list("channel", flat=True))
    made = []
    link = notification.absolute_link()
    about = f"Target group: {notification.target_group.name}\n" if notification.target_group else ""
    if setting.email and user.email and Delivery.Channel.EMAIL not in done:
        body = about + notification.text + (f"\n\nOpen it in the cockpit: {link}" if link else "")
        subject = "Quota cockpit: " + _first_line(notification.text)
        made.append(send_email(user, subject, body, notification=notification))
    if setting.webhook_url and Delivery.Channel.WEBHOOK not in done:
        text = about + notification.text + (f" <{link}|Open in the cockpit>" if link else "")
        made.append(post_webhook(setting.webhook_url, {"text": text}, user=user, notification=notification))
    return made


def send_email(user, subject, body, *, notification=None, digest=None):
    """One e-mail to `user`, recorded as a delivery with the mail server's error if it refused it."""
    delivery = Delivery.objects.create(
        user=user,
        notification=notification,
        digest=digest,
        channel=Delivery.Channel.EMAIL,
        address=user.email,
        body=f"Subject: {subject}\n\n{body}",
        attempts=1,
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as exc:  # the mail server's refusal, whatever its kind, is kept for the admin to read
        delivery.state, delivery.error = Delivery.State.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        delivery.state = Delivery.State.SENT
    delivery.finished_at = timezone.now()
    delivery.save(update_fields=["state", "error", "finished_at"])
    return delivery


def _first_line(text, limit=120):
    line = text.strip().splitlines()[0] if text.strip() else "a notification"
    return line if len(line) <= limit else line[: limit - 1] + "…"
