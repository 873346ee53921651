"""Template helpers for pages of other apps that show fielding blocks (the project page)."""

import re

from django import template

from fielding.drafts.changes import project_creation as creation_of
from fielding.runs.forms import BULK_ACTIONS
from fielding.runs.jobs import offered_bulk_actions

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


_UNITS = {"Y": ("year", "years"), "W": ("week", "weeks"), "D": ("day", "days"), "H": ("hour", "hours"),
          "M": ("minute", "minutes"), "S": ("second", "seconds")}  # fmt: skip


@register.filter
def duration_words(value):
    """An ISO-8601 duration in words: ``P1D`` -> "1 day", ``PT6H`` -> "6 hours" (anything else as it is)."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", str(value or ""))
    if not match or not any(match.groups()):
        return value
    parts = []
    for amount, unit in zip(match.groups(), "YWDHMS", strict=True):
        if amount:
            one, many = _UNITS[unit]
            parts.append(f"{int(amount)} {one if int(amount) == 1 else many}")
    return ", ".join(parts)
