"""What every supplier's transport shares: the response it returns, the exceptions of the HTTP
library it turns into `TransportError`, and the smallest in-memory cache.

Each supplier's own module (``suppliers/<kind>/transport.py``) keeps what differs: its auth
(Cint's OAuth token, PureSpectrum's ``access-token``, Audience-Align's per-endpoint hash), its
headers, its retries of reads and the mapping of its error bodies to ``suppliers.errors``.
"""

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

from .errors import RateLimited

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


class SharedPause:
    """The supplier's "slow down", honoured by every transport of one account at once.

    When any call is answered 429 (or with a ``Retry-After``), the time until which the supplier asked
    us to wait goes into the cache the transports share (Django's: across threads, and across the Celery
    workers when ``CACHE_URL`` is Redis); before each call every transport looks there and waits out
    what is left. A wait longer than `max_wait` is not slept through: the call is refused at once as
    `RateLimited` with what is left as its ``retry_after`` (nothing is sent), so a worker is not held
    and the outbox retries it when the supplier allows.
    """

    # How long to hold everyone back after a 429 that gave no Retry-After.
    default_seconds = 1.0

    def __init__(self, cache, *parts, max_wait=30.0, clock=time.time, sleep=time.sleep):
        self.cache = cache if cache is not None else MemoryCache()
        self.key = "supplier-pause:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self.rested_until = 0.0

    def rest(self, seconds):
        """Sleep before this transport's own retry (which waits out what the supplier asked already)."""
        self.rested_until = self.clock() + seconds
        self.sleep(seconds)

    def wait(self):
        """Return when a call may be sent; raise `RateLimited` when that is further than `max_wait` away."""
        until = self.cache.get(self.key)
        if not until or until <= self.rested_until:
            return
        remaining = until - self.clock()
        if remaining <= 0:
            return
        if remaining > self.max_wait:
            raise RateLimited.from_parts(
                429,
                "It asked the cockpit to wait before sending anything more; nothing was sent.",
                [],
                headers={"Retry-After": str(math.ceil(remaining))},
            )
        self.sleep(remaining)

    def note(self, failure):
        """Hold every transport back as `failure` (a `SupplierError`) asks."""
        seconds = getattr(failure, "retry_after", None)
        if seconds is None and failure.status == 429:
            seconds = self.default_seconds
        if not seconds or seconds <= 0:
            return
        until = self.clock() + seconds
        if until > (self.cache.get(self.key) or 0):
            self.cache.set(self.key, until, math.ceil(seconds) + 1)
