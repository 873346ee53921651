"""The quota grid: one table of every quota and interlock cell, the same for every supplier.

Its columns are those the target group's supplier can fill (`Columns`); each row carries its
pace, projected finish and a sparkline of its fills, as the beat last worked them out from the
history (`quotas.history.row_figures`), read with the row itself.
"""

from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html


@dataclass(frozen=True)
class Columns:
    """The grid's columns for one target group: a column its supplier cannot fill is absent."""

    # The current target (PureSpectrum's current_target) and what is open now below it.
    targets: bool
    # The supplier's word for the respondents a quota counts before they complete ("" when it has none).
    starts: str
    # Where the PM may lock rows: the column, and whether an unlocked row offers the lock.
    lock_column: bool
    lockable: bool
    lock_url: str = ""
    csrf_input: str = ""

    @property
    def count(self):
        """How many columns a row has (for a row spanning the table)."""
        fixed = 8  # quota, goal, achieved, need, fill, pace, finish, sparkline
        return fixed + 2 * self.targets + bool(self.starts) + self.lock_column


def columns_of(tg, *, can_change, request=None):
    caps = tg.capabilities
    lockable = bool(can_change) and tg.is_launched and (caps.traffic_caps or caps.quota_goals)
    return Columns(
        targets=caps.traffic_caps,
        starts=caps.quota_starts,
        # Locked rows are said (PureSpectrum reports them) even to those who may not lock.
        lock_column=lockable or caps.traffic_caps,
        lockable=lockable,
        lock_url=reverse("quotas:lock_row", args=[tg.pk]) if lockable else "",
        csrf_input=(
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
            if lockable and request is not None
            else ""
        ),
    )


def grid_extras(tg, *, can_change, request=None):
    """What every block of the grid shares: its columns."""
    return {"columns": columns_of(tg, can_change=can_change, request=request)}
