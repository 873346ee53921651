"""How Cint words its errors: the contract's error bodies read into the shared error family.

The classes themselves are the shared ones (``suppliers.errors``); this module only knows
Cint's shapes, so the rest of the cockpit never needs to.
"""

from suppliers.errors import (
    AuthFailed,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    SupplierError,
    TransportError,
    ValidationFailed,
    describe_details,
    error_for_status,
    error_from_parts,
    parse_retry_after,
)

# The Cint package's name for the family's base class.
CintError = SupplierError

__all__ = [
    "AuthFailed",
    "CintError",
    "NotFound",
    "PreconditionFailed",
    "RateLimited",
    "ServerError",
    "TransportError",
    "ValidationFailed",
    "describe_details",
    "error_for_status",
    "error_from_response",
    "parse_error_body",
    "parse_retry_after",
]


def error_from_response(status, body, headers=None):
    """The shared error for a failed Cint answer, worded from its body."""
    text, details = parse_error_body(body)
    return error_from_parts(status, text, details, body=body, headers=headers or {})


def parse_error_body(body):
    """Return ``(text, details)`` from any of the contract's error shapes.

    The contract uses several: ``Error`` (``detail``), ``InvalidParamsBadRequestError`` and
    ``ClientErrorDemandAPI`` (``detail`` + ``invalid_params``), the ``*ErrorResponseDemographics``
    and ``InternalErrorDemandAPI`` schemas (``detail`` + ``errors``) and
    ``TooManyRequestsProblemDetails`` (``details`` as a string).
    """
    if isinstance(body, str):
        return body.strip()[:500], []
    if not isinstance(body, dict):
        return "", []
    text = ""
    for key in ("detail", "details", "title", "message", "error_description", "error"):
        if isinstance(body.get(key), str) and body[key].strip():
            text = body[key].strip()
            break
    details = []
    for key in ("invalid_params", "errors", "details"):
        if isinstance(body.get(key), list | dict) and body[key]:
            details = body[key]
            break
    return text, details
