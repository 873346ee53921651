from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from .forms import PreferenceForm
from .middleware import BROWSER_COOKIE, remember_choice
from .models import Preference, valid_time_zone


def preferences(request):
    """The signed-in user's own settings: the time zone times are shown in."""
    preference = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
    browser_zone = valid_time_zone(request.COOKIES.get(BROWSER_COOKIE, ""))
    form = PreferenceForm(request.POST or None, instance=preference, browser_zone=browser_zone)
    if request.method == "POST" and form.is_valid():
        form.save()
        remember_choice(request, form.instance.time_zone)
        zone = form.instance.time_zone or browser_zone or timezone.get_default_timezone_name()
        messages.success(request, f"Times are now shown in {zone}.")
        return redirect("preferences:preferences")
    status = 400 if form.errors else 200
    return render(request, "preferences/preferences.html", {"form": form}, status=status)
