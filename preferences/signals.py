from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SESSION_KEY
from .models import Preference


@receiver(user_logged_in)
def _remember_time_zone(sender, request, user, **kwargs):
    """Look the user's zone up once, at login: the pages after it cost no query for it."""
    if request is not None and hasattr(request, "session"):
        chosen = Preference.objects.filter(user=user).values_list("time_zone", flat=True).first()
        request.session[SESSION_KEY] = chosen or ""
