"""Who may change things, and the target group / project look-ups the views share."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Project, Role, TargetGroup


def pm_only(view):
    """Only project managers change supplier data; anyone else gets 403 and nothing changes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not Role.can_change(request.user):
            raise PermissionDenied("Only project managers can change fielding.")
        return view(request, *args, **kwargs)

    return wrapper


def target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def project(pk):
    return get_object_or_404(Project.objects.select_related("connection"), pk=pk)


def page_of(tg):
    """Where a target group is looked at: its draft page, or the cockpit page once launched."""
    from django.urls import reverse

    if tg.status == TargetGroup.Status.DRAFT:
        return reverse("fielding:draft", args=[tg.pk])
    return tg.get_absolute_url()
