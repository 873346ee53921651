"""Identifiers and timestamps in the shapes the Cint contract uses."""

import datetime as dt
import secrets

from ulid import ULID

_HUMAN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_ulid():
    """A 26-character ULID, the id format of projects, target groups, profiles and jobs."""
    return str(ULID())


def human_readable_id(length):
    """A short uppercase id such as a project's `FT354J` (6) or a target group's `9NRV3B9` (7)."""
    return "".join(secrets.choice(_HUMAN_ALPHABET) for _ in range(length))


def iso(value):
    """RFC 3339 UTC with milliseconds, e.g. `2023-01-01T23:00:00.000Z`; None stays None."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
