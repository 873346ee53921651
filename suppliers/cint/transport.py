"""HTTP transport for the Cint Exchange Demand API.

Everything that is the same for every call lives here: the OAuth token, the version,
idempotency and ``If-Match`` headers, timeouts, retries of reads, error mapping and
pagination. Resource methods (``client.py``) only say which path and body.
"""

import hashlib
import logging
import time
from urllib.parse import quote

import requests

from suppliers.backoff import retry_delay
from suppliers.transport import (  # noqa: F401 (re-exported)
    TRANSPORT_EXCEPTIONS,
    ApiResponse,
    MemoryCache,
    SharedPause,
    job_id_from_location,
)

from .errors import AuthFailed, CintError, TransportError, error_from_response

logger = logging.getLogger(__name__)

SUCCESS = (200, 201, 202, 204)
# The token cache when the caller gives none (the app gives Django's, shared by every process).
MemoryTokenCache = MemoryCache


class CintTransport:
    """One ``requests.Session`` that talks to Cint the way the contract asks.

    Reads (GET) are retried on 429, 5xx and connection errors, waiting as the supplier's
    ``Retry-After`` says; every transport of the account waits with it (`SharedPause`).
    Mutations are never retried here: the caller's outbox retries them with the same
    idempotency key, so the supplier can recognise the repeat.
    ``request_count`` counts API calls sent (retries included, token calls not).
    """

    token_margin_seconds = 300  # renew this long before expiry...
    token_margin_fraction = 0.1  # ...or this share of the lifetime, whichever is shorter
    backoff_seconds = 0.5  # first wait between read retries, doubled each time
    max_retry_wait = 30.0  # don't sleep longer than this for one retry; raise instead

    def __init__(
        self,
        base_url,
        auth_url,
        client_id,
        client_secret,
        api_version,
        audience="https://api.luc.id",
        scopes="app:api",
        token_cache=None,
        timeout=20.0,
        session=None,
        read_retries=2,
        sleep=time.sleep,
        clock=time.time,
    ):
        self.base_url = base_url.rstrip("/")
        self.auth_url = auth_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_version = api_version
        self.audience = audience
        self.scopes = scopes
        self.token_cache = token_cache if token_cache is not None else MemoryTokenCache()
        self.timeout = timeout
        self.session = session or requests.Session()
        self.read_retries = read_retries
        self.sleep = sleep
        self.clock = clock
        self.request_count = 0
        fingerprint = "|".join([auth_url, client_id, audience, scopes])
        self.token_cache_key = "cint-token:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
        self.pause = SharedPause(
            self.token_cache, "cint", self.base_url, client_id, max_wait=self.max_retry_wait, clock=clock, sleep=sleep
        )

    # --- OAuth ---------------------------------------------------------------------------

    def access_token(self):
        """A valid bearer token, from the cache unless it is close to expiry."""
        cached = self.token_cache.get(self.token_cache_key)
        if cached and self.clock() < cached["renew_at"]:
            return cached["access_token"]
        return self._fetch_token()

    def forget_token(self):
        self.token_cache.set(self.token_cache_key, None, 0)

    def _fetch_token(self):
        payload = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": "client_credentials",
            "lucid_scopes": self.scopes,
            "audience": self.audience,
        }
        try:
            response = self.session.post(
                self.auth_url, json=payload, headers={"Accept": "application/json"}, timeout=self.timeout
            )
        except TRANSPORT_EXCEPTIONS as exc:
            raise TransportError.from_exception(exc) from exc
        body = parse_body(response)
        if response.status_code != 200:
            raise error_from_response(response.status_code, body, response.headers)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthFailed.from_parts(response.status_code, "the token response had no access_token", [])
        lifetime = float(body.get("expires_in") or 3600)
        margin = min(self.token_margin_seconds, lifetime * self.token_margin_fraction)
        now = self.clock()
        cached = {"access_token": token, "renew_at": now + lifetime - margin}
        self.token_cache.set(self.token_cache_key, cached, max(1, int(lifetime - margin)))
        return token

    # --- API calls -----------------------------------------------------------------------

    def url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method,
        path,
        *,
        params=None,
        json=None,
        data=None,
        content_type=None,
        accept="application/json",
        idempotency_key=None,
        if_match=None,
        if_none_match=None,
        expected=SUCCESS,
    ):
        """Send one API call and return an ``ApiResponse``, or raise a ``CintError``."""
        method = method.upper()
        headers = {"Cint-API-Version": self.api_version, "Accept": accept}
        if idempotency_key is not None:
            headers["idempotency-key"] = check_idempotency_key(idempotency_key)
        if if_match is not None:
            headers["If-Match"] = quote_etag(if_match)
        if if_none_match is not None:
            headers["If-None-Match"] = quote_etag(if_none_match)
        if content_type:
            headers["Content-Type"] = content_type
        retries = self.read_retries if method == "GET" else 0
        attempt = 0
        token_refreshed = False
        while True:
            try:
                response = self._send(method, self.url(path), headers, query_params(params), json, data)
            except CintError as error:
                failure = error
            else:
                if response.status_code == 401 and not token_refreshed:
                    token_refreshed = True
                    self.forget_token()
                    continue
                if response.status_code in expected:
                    return to_api_response(response)
                failure = unexpected(response)
            self.pause.note(failure)
            delay = (
                retry_delay(failure, attempt, base=self.backoff_seconds, max_wait=self.max_retry_wait)
                if attempt < retries
                else None
            )
            if delay is None:
                raise failure
            logger.warning("Cint %s %s failed (%s); retrying in %.1fs", method, path, failure.status, delay)
            self.pause.rest(delay)
            attempt += 1

    def _send(self, method, url, headers, params, json, data):
        headers = {**headers, "Authorization": f"Bearer {self.access_token()}"}
        self.pause.wait()
        self.request_count += 1
        try:
            return self.session.request(
                method, url, params=params, json=json, data=data, headers=headers, timeout=self.timeout
            )
        except TRANSPORT_EXCEPTIONS as exc:
            raise TransportError.from_exception(exc) from exc

    # --- Lists ---------------------------------------------------------------------------

    def iter_pages(self, path, items_key, params=None, page_size=100):
        """Yield every item of a cursor-paginated list (``page_size`` + ``start_after``)."""
        base = {key: value for key, value in (params or {}).items() if value is not None}
        base["page_size"] = page_size

        def fetch_page(cursor):
            query = dict(base, start_after=cursor) if cursor else base
            return self.request("GET", path, params=query).data or {}

        return paginate(fetch_page, items_key)


def paginate(fetch_page, items_key, next_cursor=None):
    """Yield items from ``fetch_page(cursor)`` until the supplier says there are no more.

    The contract's lists say so with ``has_more`` and/or ``next_cursor`` (empty or null at
    the end). A list that has ``has_more`` but no cursor (webhooks) continues after the last
    item's ``id``. ``next_cursor(page, items)`` overrides how the next cursor is found.
    """
    cursor, seen = None, set()
    while True:
        page = fetch_page(cursor)
        items = page.get(items_key) or []
        yield from items
        if next_cursor is not None:
            cursor = next_cursor(page, items)
        else:
            cursor = page.get("next_cursor") or None
            if page.get("has_more") is False:
                cursor = None
            elif cursor is None and page.get("has_more") and items and isinstance(items[-1], dict):
                cursor = items[-1].get("id")
        if not cursor or not items or cursor in seen:
            return
        seen.add(cursor)


# --- Helpers ---------------------------------------------------------------------------


def segment(value):
    """One path segment, escaped so an id can never change the path."""
    return quote(str(value), safe="")


def query_params(params):
    """Drop unset filters; booleans as the contract spells them."""
    if not params:
        return None
    return {
        key: ("true" if value else "false") if isinstance(value, bool) else value
        for key, value in params.items()
        if value is not None
    }


def quote_etag(etag):
    """``12``, ``"12"``, ``W/12`` or ``W/"12"`` -> a properly quoted ``If-Match`` value."""
    value = str(etag).strip()
    if value == "*":
        return value
    weak = value[:2].upper() == "W/"
    if weak:
        value = value[2:].strip()
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    if not value or '"' in value:
        raise ValueError(f"not a usable ETag: {etag!r}")
    return f'{"W/" if weak else ""}"{value}"'


def check_idempotency_key(key):
    key = str(key)
    if not 0 < len(key) <= 255:
        raise ValueError("an idempotency key must be 1 to 255 characters")
    return key


def parse_body(response):
    """JSON as Python objects, text as ``str``, anything else (spreadsheets) as ``bytes``."""
    if not response.content:
        return None
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not content_type or content_type == "application/json" or content_type.endswith("+json"):
        try:
            return response.json()
        except ValueError:
            return response.text
    if content_type.startswith("text/"):
        return response.text
    return response.content


def to_api_response(response):
    return ApiResponse(
        status=response.status_code,
        data=parse_body(response),
        etag=response.headers.get("ETag"),
        location=response.headers.get("Location"),
        headers=response.headers,
    )


def unexpected(response):
    body = parse_body(response)
    if response.status_code >= 400:
        return error_from_response(response.status_code, body, response.headers)
    return CintError(
        f"The supplier answered with an unexpected status ({response.status_code}).",
        status=response.status_code,
        body=body,
    )
