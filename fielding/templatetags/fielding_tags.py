"""Template helpers for pages of other apps that show fielding blocks (the project page)."""

from django import template

from fielding.changes import project_creation as creation_of
from fielding.forms import BULK_ACTIONS

register = template.Library()


@register.simple_tag
def project_creation(project):
    """The change creating `project` at the supplier (None for a project read from the supplier)."""
    return creation_of(project)


@register.simple_tag
def bulk_actions():
    return BULK_ACTIONS
