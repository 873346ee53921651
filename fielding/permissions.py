"""Who may change things, and the target group / project look-ups the views share."""

from django.shortcuts import get_object_or_404

from projects.models import Project, TargetGroup
from projects.permissions import pm_only  # noqa: F401  (re-exported for fielding views)


def target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def project(pk):
    return get_object_or_404(Project.objects.select_related("connection"), pk=pk)


def page_of(tg):
    """Where a target group is looked at: its draft page, or the cockpit page once launched."""
    return tg.page_url
