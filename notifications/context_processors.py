from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    """`unread_notifications`: how many notifications the signed-in user has not read, counted once per
    request and only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = Notification.objects.filter(user=user, read_at__isnull=True).count()
        return request._unread_notifications

    return {"unread_notifications": SimpleLazyObject(count)}
