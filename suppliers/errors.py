"""One exception family for everything that can go wrong talking to any supplier.

Each supplier's transport maps its own error bodies into these classes (Cint's
``detail``/``invalid_params``, PureSpectrum's ``ps_api_response_message``,
Audience-Align's ``error``/``message``), so the app decides and words things once.

An error carries what a project manager reads (``message``: what happened, the
supplier's own words, and what to do next) and what code decides on (``status``,
``details``, ``retryable``, ``retry_after`` for 429s). ``said`` is the supplier's
words alone (its text and the field reasons), for messages the app frames itself.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class SupplierError(Exception):
    """The supplier did not do what we asked."""

    retryable = False
    summary = "The supplier could not process the request"
    advice = ""

    def __init__(self, message, *, status=None, details=None, body=None, text=""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details if details is not None else []
        self.body = body
        self.text = text

    def __str__(self):
        return self.message

    @property
    def said(self):
        """The supplier's own words: its text and the field reasons ("" when it gave none)."""
        listed = describe_details(self.details)
        text = (self.text or "").strip()
        if text and listed:
            return f"{text.rstrip('.')} ({listed})"
        return text or listed

    @classmethod
    def from_parts(cls, status, text, details, body=None, headers=None):
        """The error for a failed response whose body the transport already read into text and details."""
        advice = cls.advice_for(status)
        message = compose_message(cls.summary, text, details, advice)
        return cls(message, status=status, details=details, body=body, text=text)

    @classmethod
    def advice_for(cls, status):
        return cls.advice


class PreconditionFailed(SupplierError):
    """412: the version we sent in ``If-Match`` is no longer the current one."""

    summary = "Someone changed this on the supplier since the cockpit last loaded it"
    advice = "Refresh the page to load the current version, then make the change again."


class RateLimited(SupplierError):
    """429: the supplier asks us to slow down."""

    retryable = True
    summary = "The supplier is limiting how many requests we can send"

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    @classmethod
    def from_parts(cls, status, text, details, body=None, headers=None):
        retry_after = parse_retry_after((headers or {}).get("Retry-After"))
        if retry_after is None:
            advice = "It will be tried again shortly."
        else:
            advice = f"It will be tried again in {retry_after:g} seconds."
        message = compose_message(cls.summary, text, details, advice)
        return cls(message, status=status, details=details, body=body, text=text, retry_after=retry_after)


class NotFound(SupplierError):
    """404 (or a supplier's "not found" answer)."""

    summary = "The supplier could not find this item"
    advice = "It may have been deleted on the supplier's side; run a sync to bring the cockpit up to date."


class ValidationFailed(SupplierError):
    """400/422 (and 405/409): the supplier rejected the request; ``details`` lists the fields."""

    summary = "The supplier rejected the request"
    advice = "Correct the values and try again."
    state_advice = "Refresh the target group to see its current status, then try again if it still applies."

    @classmethod
    def advice_for(cls, status):
        return cls.state_advice if status in (405, 409, 422) else cls.advice


class AuthFailed(SupplierError):
    """401/403: our credentials or the account's permissions are not good enough."""

    summary = "The supplier refused our credentials or permissions"
    advice = "Ask an administrator to check this supplier's credentials in the environment and the account's roles."


class ServerError(SupplierError):
    """5xx: a problem on the supplier's side, usually temporary."""

    retryable = True
    summary = "The supplier had an internal problem"
    advice = "This is usually temporary; it will be tried again."


class TransportError(SupplierError):
    """No usable response at all: timeout, connection refused, broken stream."""

    retryable = True
    summary = "The cockpit could not reach the supplier"
    advice = "This is usually temporary; it will be tried again."

    @classmethod
    def from_exception(cls, exc):
        kind = "the request timed out" if "Timeout" in type(exc).__name__ else "the connection failed"
        message = f"{cls.summary} ({kind}). {cls.advice}"
        return cls(message, details={"exception": type(exc).__name__, "error": str(exc)})


def error_for_status(status):
    """The exception class for an HTTP status."""
    if status == 412:
        return PreconditionFailed
    if status == 429:
        return RateLimited
    if status == 404:
        return NotFound
    if status in (401, 403):
        return AuthFailed
    if status in (400, 405, 409, 410, 422):
        return ValidationFailed
    if status >= 500:
        return ServerError
    return SupplierError


def error_from_parts(status, text, details=None, body=None, headers=None):
    """The error a transport raises for a failed answer, once it has read the supplier's words."""
    return error_for_status(status).from_parts(status, text, details or [], body=body, headers=headers or {})


def describe_details(details):
    """``[{"name": "end_at", "reason": "is in the past"}]`` -> ``"end_at: is in the past"``."""
    if isinstance(details, dict):
        details = [{"name": key, "reason": value} for key, value in details.items()]
    parts = []
    for item in details or []:
        if isinstance(item, dict) and ("name" in item or "reason" in item):
            name, reason = item.get("name"), item.get("reason")
            parts.append(f"{name}: {reason}" if name and reason else str(name or reason))
        else:
            parts.append(str(item))
    return "; ".join(parts)


def compose_message(summary, text, details, advice=""):
    """Summary, the supplier's words and field reasons, then the advice, as one paragraph."""
    message = summary
    said = text
    listed = describe_details(details)
    if listed:
        said = f"{said} ({listed})" if said else listed
    if said:
        message = f"{message}: {said}"
    message = message if message.endswith(".") else f"{message}."
    return f"{message} {advice}".strip()


def parse_retry_after(value, *, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BadSignature(Exception):
    """A pushed event was not signed with the connection's secret, or too long ago."""


class BadEvent(Exception):
    """A pushed event's body is not one the cockpit can read; the message says why."""
