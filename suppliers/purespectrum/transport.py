"""HTTP transport for the PureSpectrum Buy API (``/buyers/v2``).

Everything every call shares: the ``access-token`` header, timeouts, retries of reads
(never of writes: PureSpectrum has no idempotency keys, so the outbox re-reads before it
re-sends), and PureSpectrum's error bodies (``ps_api_response_code`` /
``ps_api_response_message``, or ``msg`` on a 401) read into the shared error family.
"""

import logging
import time
from urllib.parse import quote

import requests

from suppliers.backoff import retry_delay
from suppliers.errors import SupplierError, TransportError, error_from_parts
from suppliers.transport import TRANSPORT_EXCEPTIONS, ApiResponse, SharedPause

logger = logging.getLogger(__name__)

SUCCESS = (200, 201, 202, 204)


class PureSpectrumTransport:
    """One ``requests.Session`` that talks to PureSpectrum.

    GETs are retried on 429 (as ``Retry-After`` says), 5xx and connection errors; writes
    are sent once. ``request_count`` counts the calls sent, retries included.
    """

    backoff_seconds = 0.5  # first wait between read retries, doubled each time
    max_retry_wait = 30.0  # don't sleep longer than this for one retry; raise instead

    def __init__(
        self, base_url, access_token, *, cache=None, timeout=20.0, session=None, read_retries=2, sleep=time.sleep
    ):
        self.base_url = base_url.rstrip("/")
        self.pause = SharedPause(
            cache, "purespectrum", self.base_url, access_token, max_wait=self.max_retry_wait, sleep=sleep
        )
        self.access_token = access_token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.read_retries = read_retries
        self.sleep = sleep
        self.request_count = 0

    def url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method, path, *, params=None, json=None, expected=SUCCESS):
        """Send one call and return an ``ApiResponse``, or raise a ``SupplierError``."""
        method = method.upper()
        headers = {"access-token": self.access_token, "Accept": "application/json"}
        retries = self.read_retries if method == "GET" else 0
        attempt = 0
        while True:
            try:
                response = self._send(method, self.url(path), headers, params, json)
            except SupplierError as error:
                failure = error
            else:
                if response.status_code in expected:
                    return ApiResponse(response.status_code, parse_body(response), headers=response.headers)
                failure = error_from_response(response.status_code, parse_body(response), response.headers)
            self.pause.note(failure)
            delay = (
                retry_delay(failure, attempt, base=self.backoff_seconds, max_wait=self.max_retry_wait)
                if attempt < retries
                else None
            )
            if delay is None:
                raise failure
            logger.warning("PureSpectrum %s %s failed (%s); retrying in %.1fs", method, path, failure.status, delay)
            self.pause.rest(delay)
            attempt += 1

    def _send(self, method, url, headers, params, json):
        self.pause.wait()
        self.request_count += 1
        try:
            return self.session.request(method, url, params=params, json=json, headers=headers, timeout=self.timeout)
        except TRANSPORT_EXCEPTIONS as exc:
            raise TransportError.from_exception(exc) from exc


def segment(value):
    """One path segment, escaped so an id can never change the path."""
    return quote(str(value), safe="")


def parse_body(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def parse_error_body(body):
    """``(text, details)`` from PureSpectrum's error shapes."""
    if isinstance(body, str):
        return body.strip()[:500], []
    if not isinstance(body, dict):
        return "", []
    text = body.get("ps_api_response_message") or body.get("msg") or body.get("message") or ""
    details = []
    code = body.get("ps_api_response_code")
    if code is not None:
        details = [{"name": "PureSpectrum code", "reason": str(code)}]
    return str(text).strip(), details


def error_from_response(status, body, headers=None):
    """The shared error for a failed PureSpectrum answer, worded from its body."""
    text, details = parse_error_body(body)
    if status < 400:
        return SupplierError(
            f"PureSpectrum answered with an unexpected status ({status}).", status=status, body=body, text=text
        )
    return error_from_parts(status, text, details, body=body, headers=headers or {})
