"""Who may change supplier data: project managers. Viewers look; a POST from one is refused."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role


def pm_only(view):
    """Only project managers change supplier data; anyone else gets 403 and nothing changes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not Role.can_change(request.user):
            raise PermissionDenied("Only project managers can change supplier data.")
        return view(request, *args, **kwargs)

    return wrapper
