"""What each user chose for themselves: the time zone the cockpit shows times in."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


@cache
def time_zone_names():
    return sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def valid_time_zone(name):
    """`name` if it is a time zone the cockpit knows (an IANA name such as Europe/Berlin), else ""."""
    return name if name and name in set(time_zone_names()) else ""


def validate_time_zone(value):
    if value and not valid_time_zone(value):
        raise ValidationError(f"“{value}” is not a time zone; choose one such as Europe/Berlin.")


class Preference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    # Empty: the browser's own zone (sent by the page), else the server's TIME_ZONE.
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])

    def __str__(self):
        return f"{self.user}: {self.time_zone or 'browser time zone'}"
