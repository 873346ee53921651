"""Reading the values suppliers send: timestamps, decimals, counts, in whatever form they come."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation


def when(value):
    """An aware datetime from RFC 3339 / ISO 8601 text (None and unreadable text give None)."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def decimal(value, places):
    """A float or string as a Decimal with `places` decimals (None, "" and garbage give None)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
        return number.quantize(Decimal(1).scaleb(-places)) if number.is_finite() else None
    except (InvalidOperation, ValueError):
        return None


def whole(value, default=0):
    """A non-negative integer, or `default` when the supplier sent nothing usable."""
    if isinstance(value, bool):
        return default
    try:
        return max(0, int(value))
    except (TypeError, ValueError, OverflowError):
        try:
            return max(0, int(float(value)))
        except (TypeError, ValueError, OverflowError):
            return default


def whole_or_none(value):
    """A non-negative integer, or None when the supplier sent nothing usable."""
    return None if value is None else whole(value, default=None)


def text(value, limit=None):
    """A string (None gives ""), cut to `limit` characters."""
    value = "" if value is None else str(value)
    return value[:limit] if limit else value
