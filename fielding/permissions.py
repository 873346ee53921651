"""Who may change things, and the target group / project look-ups the views share."""

from django.shortcuts import get_object_or_404

from projects.models import Project, TargetGroup
from projects.permissions import pm_only, require_capability  # noqa: F401  (pm_only: re-exported for the views)


def target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def draft_target_group(pk):
    """A target group whose supplier keeps drafts the cockpit edits (404 for any other)."""
    return require_capability(target_group(pk), "drafts", "draft editing with a profiling library")


def run_target_group(pk):
    """A target group whose supplier fields it in runs the cockpit follows (404 for any other)."""
    return require_capability(target_group(pk), "fielding_runs", "fielding runs")


def project(pk):
    return get_object_or_404(Project.objects.select_related("connection"), pk=pk)


def page_of(tg):
    """Where a target group is looked at: its draft page, or the cockpit page once launched."""
    return tg.page_url
