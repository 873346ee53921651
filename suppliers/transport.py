"""What every supplier's transport shares: the response it returns, the exceptions of the HTTP
library it turns into `TransportError`, and the smallest in-memory cache.

Each supplier's own module (``suppliers/<kind>/transport.py``) keeps what differs: its auth
(Cint's OAuth token, PureSpectrum's ``access-token``, Audience-Align's per-endpoint hash), its
headers, its retries of reads and the mapping of its error bodies to ``suppliers.errors``.
"""

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

# Failures below HTTP (no answer, or an answer cut off): a `TransportError`, retryable.
TRANSPORT_EXCEPTIONS = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class ApiResponse:
    """One answer of a supplier's API, parsed at the boundary."""

    status: int
    data: Any
    # The resource's version (Cint's ETag) and where an asynchronous call can be followed (``Location``).
    etag: str | None = None
    location: str | None = None
    # True for Audience-Align's "No changes made or survey not found." (HTTP 204, or a body saying 204).
    no_changes: bool = False
    headers: Any = field(default_factory=dict, repr=False)

    @property
    def job_id(self):
        """The id of the job an asynchronous POST started (from ``Location``)."""
        return job_id_from_location(self.location)

    @property
    def message(self):
        """The answer's own ``message``, where it has one."""
        return self.data.get("message", "") if isinstance(self.data, dict) else ""


def job_id_from_location(location):
    """The job id is the last path segment of the ``Location`` header."""
    if not location:
        return None
    path = urlsplit(location).path.rstrip("/")
    return unquote(path.rsplit("/", 1)[-1]) or None


class MemoryCache:
    """The smallest cache (get/set): one process, entries expire after ``timeout`` seconds."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._items = {}

    def get(self, key):
        value, expires_at = self._items.get(key, (None, None))
        if expires_at is not None and self._clock() >= expires_at:
            del self._items[key]
            return None
        return value

    def set(self, key, value, timeout):
        self._items[key] = (value, None if timeout is None else self._clock() + timeout)
