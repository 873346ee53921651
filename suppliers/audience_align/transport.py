"""HTTP transport for the Audience-Align Demand API.

Everything that is the same for every call lives here: the per-endpoint ``hash`` (asked
of ``getHashData`` once per endpoint URL and key, then kept in the cache), the
``X-Client-Id`` / ``X-Project-Id`` / ``X-Qualification-Id`` headers, timeouts, retries of
reads, and the mapping of the supplier's answers to the shared error family: an HTTP
error status, an error body inside a 2xx (``error``, or ``"status": false``), and the
``204 "no changes"`` answer of a status update. Resource methods (``client.py``) only say
which endpoint, which headers and which body.
"""

import hashlib
import logging
import re
import time

import requests

from suppliers.backoff import retry_delay
from suppliers.errors import AuthFailed, SupplierError, TransportError, ValidationFailed, error_from_parts
from suppliers.transport import TRANSPORT_EXCEPTIONS, ApiResponse, MemoryCache, SharedPause

logger = logging.getLogger(__name__)

HASH_ENDPOINT = "endpoints/getHashData"
HASH_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")
# A hash depends only on the endpoint URL and the key: keep it long (and ask again if it is refused).
HASH_CACHE_SECONDS = 30 * 24 * 3600
# The error words of the reconciliation answers (``"status": false``), as HTTP statuses.
ERROR_WORDS = {
    "bad request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not found": 404,
    "conflict": 409,
    "gone": 410,
    "unprocessable entity": 422,
    "too many requests": 429,
    "internal server error": 500,
}
# Keys of an answer that are not the supplier's words about a refusal.
ANSWER_KEYS = {"status", "error", "message", "data"}


class AudienceAlignTransport:
    """One ``requests.Session`` that talks to Audience-Align the way seed 004 shows.

    Reads (GET) are retried on 429, 5xx and connection errors. Writes are never retried
    here: Audience-Align has no idempotency keys, so the outbox re-reads and decides
    before it sends a write again. A refused hash (400 "Hash data mismatch") is asked
    for afresh and the call sent once more (nothing was applied). ``request_count``
    counts every call sent, ``getHashData`` included.
    """

    backoff_seconds = 0.5
    max_retry_wait = 30.0

    def __init__(
        self, base_url, client_id, key, *, cache=None, timeout=20.0, session=None, read_retries=2, sleep=time.sleep
    ):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.key = key
        self.cache = cache if cache is not None else MemoryCache()
        self.pause = SharedPause(
            self.cache, "audience-align", self.base_url, client_id, max_wait=self.max_retry_wait, sleep=sleep
        )
        self.timeout = timeout
        self.session = session or requests.Session()
        self.read_retries = read_retries
        self.sleep = sleep
        self.request_count = 0
        self.hash_requests = 0

    def url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    # --- the hash ------------------------------------------------------------------------

    def _hash_cache_key(self, url):
        return "audience-align-hash:" + hashlib.sha256(f"{url}|{self.key}".encode()).hexdigest()[:40]

    def hash_for(self, url):
        """The ``hash`` of an endpoint URL (without query), from the cache or from ``getHashData``."""
        cached = self.cache.get(self._hash_cache_key(url))
        if cached:
            return cached
        value = self.fetch_hash(url)
        self.cache.set(self._hash_cache_key(url), value, HASH_CACHE_SECONDS)
        return value

    def forget_hash(self, url):
        self.cache.set(self._hash_cache_key(url), None, 0)

    def fetch_hash(self, url):
        """Ask ``getHashData`` for the hash of `url` (its answer body is the hash itself)."""
        response = self._send("GET", self.url(HASH_ENDPOINT), {}, None, {"url": url, "key": self.key})
        self.hash_requests += 1
        answer = read_answer(response)
        value = hash_from(answer.data)
        if not value:
            raise AuthFailed.from_parts(
                response.status_code, "getHashData did not answer a hash for this endpoint", [], body=answer.data
            )
        return value

    # --- API calls -------------------------------------------------------------------------

    def request(self, method, path, *, params=None, json=None, project_id=None, qualification_id=None):
        """Send one API call and return an ``ApiResponse``, or raise a ``SupplierError``."""
        method = method.upper()
        url = self.url(path)
        headers = {"X-Client-Id": self.client_id, "Accept": "application/json"}
        if project_id is not None:
            headers["X-Project-Id"] = str(project_id)
        if qualification_id is not None:
            headers["X-Qualification-Id"] = str(qualification_id)
        retries = self.read_retries if method == "GET" else 0
        attempt, hash_renewed = 0, False
        while True:
            try:
                query = {**(params or {}), "hash": self.hash_for(url)}
                answer = read_answer(self._send(method, url, headers, query, json))
            except SupplierError as failure:
                self.pause.note(failure)
                if is_hash_refusal(failure) and not hash_renewed:
                    hash_renewed = True
                    self.forget_hash(url)
                    continue
                delay = (
                    retry_delay(failure, attempt, base=self.backoff_seconds, max_wait=self.max_retry_wait)
                    if attempt < retries
                    else None
                )
                if delay is None:
                    raise
                logger.warning(
                    "Audience-Align %s %s failed (%s); retrying in %.1fs", method, path, failure.status, delay
                )
                self.pause.rest(delay)
                attempt += 1
                continue
            return answer

    def _send(self, method, url, headers, params, json):
        self.pause.wait()
        self.request_count += 1
        try:
            return self.session.request(method, url, params=params, json=json, headers=headers, timeout=self.timeout)
        except TRANSPORT_EXCEPTIONS as exc:
            raise TransportError.from_exception(exc) from exc


# --- answers ----------------------------------------------------------------------------------


def parse_body(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text.strip()


def read_answer(response):
    """The `ApiResponse` of a usable answer; raise the shared error for an HTTP error or an error body."""
    body = parse_body(response)
    status = response.status_code
    if status >= 400:
        raise error_from_answer(status, body, response.headers)
    if status == 204:
        return ApiResponse(status=204, data=body, no_changes=True, headers=response.headers)
    if isinstance(body, dict):
        refusal = body_refusal_status(body)
        if refusal is not None:
            raise error_from_answer(refusal, body, response.headers)
        if body.get("status") == 204:
            return ApiResponse(status=status, data=body, no_changes=True, headers=response.headers)
    if not 200 <= status < 300:
        raise SupplierError(f"The supplier answered with an unexpected status ({status}).", status=status, body=body)
    return ApiResponse(status=status, data=body, headers=response.headers)


def body_refusal_status(body):
    """The HTTP status a 2xx answer's body refuses the call with, or None when it does not.

    The body's own ``status`` is not enough (a successful qualifications read says 422):
    an answer refuses when it carries an ``error``, or a ``false`` status.
    """
    said = body.get("status")
    if "error" not in body and said is not False:
        return None
    if isinstance(said, int) and not isinstance(said, bool) and said >= 400:
        return said
    if isinstance(said, str) and said.isdigit() and int(said) >= 400:
        return int(said)
    word = str(body.get("error") or "").strip().lower()
    return ERROR_WORDS.get(word, 422)


def error_from_answer(status, body, headers=None):
    """The shared error for a refused call, worded from Audience-Align's body."""
    text, details = error_words(body)
    return error_from_parts(status, text, details, body=body, headers=headers or {})


def error_words(body):
    """``(text, details)`` from ``{"status", "error", "message", …}`` (or a text body)."""
    if isinstance(body, str):
        return body[:500], []
    if not isinstance(body, dict):
        return "", []
    error = str(body.get("error") or "").strip()
    message = str(body.get("message") or "").strip()
    if error.lower() in ERROR_WORDS and message:
        text = message  # "Bad Request" + "An expected field is missing." says it with the message
    elif error and message and message != error:
        text = f"{error.rstrip('.!')}: {message}"
    else:
        text = error or message
    details = [
        {"name": name, "reason": value if isinstance(value, str) else repr(value)}
        for name, value in body.items()
        if name not in ANSWER_KEYS and value not in (None, "", [], {})
    ]
    return text, details


def is_hash_refusal(error):
    return isinstance(error, ValidationFailed) and error.status == 400 and "hash" in (error.text or "").lower()


def hash_from(data):
    """The hash in ``getHashData``'s answer: the body itself, or a JSON string or object holding it."""
    if isinstance(data, dict):
        data = data.get("hash") or data.get("data")
    value = str(data or "").strip().strip('"')
    return value if HASH_PATTERN.match(value) else ""
