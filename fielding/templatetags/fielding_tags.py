"""Template helpers for pages of other apps that show fielding blocks (the project page)."""

from django import template

from fielding.changes import project_creation as creation_of
from fielding.forms import BULK_ACTIONS
from fielding.jobs import offered_bulk_actions

register = template.Library()


@register.simple_tag
def project_creation(project):
    """The change creating `project` at the supplier (None for a project read from the supplier)."""
    return creation_of(project)


@register.simple_tag
def bulk_actions(project=None):
    """The bulk actions to offer on `project`'s page: those the supplier allows on its target
    groups (one question for all of them), or the cockpit's own rules when it cannot say."""
    if project is None:
        return BULK_ACTIONS
    return offered_bulk_actions(project)
