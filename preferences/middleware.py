"""Show and read every time in the signed-in PM's time zone."""

import zoneinfo

from django.utils import timezone

from .models import Preference, valid_time_zone

SESSION_KEY = "time_zone"  # the user's chosen zone ("" for none), looked up once per session
BROWSER_COOKIE = "tz"  # the browser's own zone, set by static/js/time-zone.js


def chosen_time_zone(request):
    """The user's chosen zone (kept in the session so a page costs no query), "" when none."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    if SESSION_KEY not in session:
        chosen = Preference.objects.filter(user=request.user).values_list("time_zone", flat=True).first()
        session[SESSION_KEY] = chosen or ""
    return session[SESSION_KEY]


def remember_choice(request, name):
    request.session[SESSION_KEY] = name or ""


class TimeZoneMiddleware:
    """Activate the user's zone: the one chosen in their preferences, else the browser's, else the
    server's `TIME_ZONE`. Django's date filters and form fields then show and parse in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = ""
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            name = valid_time_zone(chosen_time_zone(request))
        name = name or valid_time_zone(request.COOKIES.get(BROWSER_COOKIE, ""))
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
