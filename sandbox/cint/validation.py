"""Request-body checks that answer 400 with the contract's `invalid_params` list."""

import datetime as dt
import uuid

from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from .wire import ApiError

_MISSING = object()


class Validator:
    """Collects every problem with a body, then raises one 400 listing them all."""

    def __init__(self, data):
        self.data = data if isinstance(data, dict) else {}
        self.errors = []

    def error(self, name, reason):
        self.errors.append({"name": name, "reason": reason})

    def _get(self, name, required):
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(name, "is required")
            return _MISSING
        return value

    def string(self, name, *, required=False, min_length=None, max_length=None, default=None):
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.error(name, "must be a string")
            return default
        if min_length is not None and len(value) < min_length:
            self.error(name, f"must be at least {min_length} characters long")
        if max_length is not None and len(value) > max_length:
            self.error(name, f"must be at most {max_length} characters long")
        return value

    def integer(self, name, *, required=False, minimum=None, maximum=None, default=None):
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, "must be an integer")
            return default
        return self._bounded(name, value, minimum, maximum, default)

    def number(self, name, *, required=False, minimum=None, maximum=None, default=None):
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(name, "must be a number")
            return default
        return self._bounded(name, value, minimum, maximum, default)

    def _bounded(self, name, value, minimum, maximum, default):
        if minimum is not None and value < minimum:
            self.error(name, f"must be at least {minimum}")
            return default
        if maximum is not None and value > maximum:
            self.error(name, f"must be at most {maximum}")
            return default
        return value

    def boolean(self, name, *, required=False, default=None):
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(name, "must be true or false")
            return default
        return value

    def uuid(self, name, *, required=False):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        try:
            return uuid.UUID(str(value))
        except ValueError:
            self.error(name, "must be a UUID")
            return None

    def datetime(self, name, *, required=False):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.error(name, "must be an RFC 3339 date-time, e.g. 2025-01-30T08:00:00Z")
            return None
        return make_aware(parsed, dt.UTC) if is_naive(parsed) else parsed

    def choice(self, name, choices, *, required=False, default=None):
        value = self._get(name, required)
        if value is _MISSING:
            return default
        if value not in choices:
            self.error(name, f"must be one of {', '.join(map(str, choices))}")
            return default
        return value

    def object(self, name, *, required=False):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.error(name, "must be an object")
            return None
        return value

    def array(self, name, *, required=False, min_items=None, max_items=None):
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, list):
            self.error(name, "must be an array")
            return None
        if min_items is not None and len(value) < min_items:
            self.error(name, f"must have at least {min_items} items")
        if max_items is not None and len(value) > max_items:
            self.error(name, f"must have at most {max_items} items")
        return value

    def check(self, detail="The request body is not valid."):
        if self.errors:
            raise ApiError.bad_request(detail, invalid_params=self.errors)
