"""Who may change supplier data: project managers. Viewers look; a POST from one is refused."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Role


def pm_only(view):
    """Only project managers change supplier data; anyone else gets 403 and nothing changes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not Role.can_change(request.user):
            raise PermissionDenied("Only project managers can change supplier data.")
        return view(request, *args, **kwargs)

    return wrapper


class NotOffered(Http404):
    """A page the target group's supplier cannot serve: a 404 whose message says why, in words."""


def require_capability(tg, capability, what):
    """Refuse (404) a page or action `tg`'s supplier has no `capability` for; `what` names it for the PM."""
    if not tg.capabilities.allows(capability):
        raise NotOffered(
            f"{tg.project.connection.get_kind_display()} does not offer {what}, "
            f"so “{tg.name}” has no such page. Its own page shows what its supplier can do."
        )
    return tg
