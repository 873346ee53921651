"""Small helpers the per-app upserts share: parse the supplier's values, write only what changed.

An upsert reads the existing rows of one target group in one query, keyed by the
supplier's id, compares field by field, and then creates and updates in bulk, so a
sync that finds nothing new writes nothing and the query count does not grow with
the number of rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from suppliers import values


@dataclass
class Tally:
    """What an upsert did: rows created, rows whose supplier values changed, rows gone."""

    created: int = 0
    updated: int = 0
    vanished: int = 0
    notes: list = field(default_factory=list)

    def add(self, other):
        self.created += other.created
        self.updated += other.updated
        self.vanished += other.vanished
        self.notes.extend(other.notes)
        return self


def assign(obj, values):
    """Set `values` on `obj`; return the names of the fields whose value changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def when(value):
    """An aware datetime from the supplier's RFC 3339 text (None stays None)."""
    return values.when(value)


def decimal(value, places):
    """A float or string from the supplier as a Decimal with `places` decimals (None stays None)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        return None


def whole(value, default=0):
    """A non-negative integer, or `default` when the supplier sent nothing usable."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


def stat(statistics, name):
    """`statistics[name]["value"]` of a list item, where each statistic is {value, issues}."""
    item = (statistics or {}).get(name)
    if isinstance(item, dict):
        return item.get("value")
    return item
