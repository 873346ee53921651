"""One way to write a moment everywhere: `{{ value|when }}` ("1 Dec 2026 19:01"), in the PM's zone."""

from django import template
from django.conf import settings
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def when(value, empty="–"):
    """A date and time in the active (the PM's) time zone, in the cockpit's one format."""
    if isinstance(value, str):  # a supplier's ISO 8601 moment, as read
        try:
            value = parse_datetime(value)
        except ValueError:  # well formed, but no such moment (a 30 February)
            value = None
    if not value:
        return empty
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date(value, settings.DATETIME_FORMAT)
