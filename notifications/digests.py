"""The daily digest: the day's unread notifications in one e-mail (and one webhook post), once a day.

A day is the user's own (their time zone in `preferences`, else the server's); its digest goes out the
next day from the hour they chose. The beat looks often (`send_due_digests`), and a digest is claimed by
recording it (`Digest`, one per user and day), so two beats or a restarted one never send a day twice,
and a beat that missed the hour sends it when it next looks.
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from preferences.models import Preference, valid_time_zone

from .delivery import send_email
from .models import Digest, Notification, NotificationSetting
from .outbound import post_webhook


def send_due_digests(now=None):
    """Send every digest that is due at `now`; returns the digests made."""
    now = now or timezone.now()
    wanting = NotificationSetting.objects.filter(timing=NotificationSetting.Timing.DIGEST, user__is_active=True)
    wanting = list(wanting.select_related("user"))
    zones = dict(Preference.objects.filter(user__in=[s.user_id for s in wanting]).values_list("user_id", "time_zone"))
    made = []
    for setting in wanting:
        zone = zoneinfo.ZoneInfo(valid_time_zone(zones.get(setting.user_id, "")) or settings.TIME_ZONE)
        local = now.astimezone(zone)
        if local.hour < setting.digest_hour:
            continue
        digest = send_digest(setting, local.date() - timedelta(days=1), zone)
        if digest is not None:
            made.append(digest)
    return made


def day_bounds(day, zone):
    """The first moment of `day` in `zone` and of the day after (a day is 23 or 25 hours across a DST change)."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def send_digest(setting, day, zone):
    """The digest of `day` for `setting`'s user, unless it was made already (then None)."""
    user = setting.user
    start, end = day_bounds(day, zone)
    notes = list(
        Notification.objects.filter(
            user=user, read_at__isnull=True, created_at__gte=start, created_at__lt=end
        ).order_by("created_at", "id")
    )
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, day=day, count=len(notes))
    except IntegrityError:  # another beat made it
        return None
    if not notes:
        return digest
    title = f"Your quota cockpit digest for {date_format(day, 'l j F Y')}: {len(notes)} unread"
    lines = [f"{timezone.localtime(n.created_at, zone):%H:%M}  {n.text}" for n in notes]
    if setting.email and user.email:
        body = "\n".join(
            line + (f"\n       {n.absolute_link()}" if n.link else "") for line, n in zip(lines, notes, strict=True)
        )
        send_email(user, title, body + f"\n\nAll notifications: {_list_url()}", digest=digest)
    if setting.webhook_url:
        post_webhook(setting.webhook_url, {"text": "\n".join([title, *lines])}, user=user, digest=digest)
    return digest


def _list_url():
    return settings.SITE_URL.rstrip("/") + reverse("notifications:list")
