from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from .forms import NotificationSettingForm
from .models import Notification, NotificationSetting

PER_PAGE = 25


@require_safe
def notification_list(request):
    """The signed-in user's own notifications, newest first, a page at a time."""
    mine = Notification.objects.filter(user=request.user).select_related("target_group")
    page = Paginator(mine, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def mark_read(request, pk):
    """Mark one of the user's notifications read; "open" goes on to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    link = notification.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect(_back(request))


@require_POST
def mark_all_read(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect(_back(request))


def notification_settings(request):
    """What the user wants to hear about and how; errors next to their field, what they typed kept."""
    setting = NotificationSetting.objects.filter(user=request.user).first() or NotificationSetting(user=request.user)
    form = NotificationSettingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:settings")
    status = 400 if form.errors else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)


def _back(request):
    """The list page the user came from (its page number kept)."""
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return f"{url}?page={page}" if page.isdigit() else url
