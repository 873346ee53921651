"""What every call of the imitated PureSpectrum Buy API goes through, on top of the shared
wire layer (`sandbox.wire`: latency, 429/5xx faults, the applied-write log, lost answers):
the `access-token` header and PureSpectrum's error body. No idempotency keys, no ETags."""

from django.contrib.auth.decorators import login_not_required
from django.views.decorators.csrf import csrf_exempt

from ..models import PsBuyer
from ..wire import RATE_LIMITED, InvalidJson, WireError, parse_json, supplier_api

SUPPLIER = "purespectrum"

# `ps_api_response_code`s: 1006 is PureSpectrum's own ("Survey not found"); the others are
# the sandbox's (see NOTES.md).
INVALID = 1001
SURVEY_NOT_FOUND = 1006
QUOTA_NOT_FOUND = 1007
BAD_STATUS = 1012
TARGET_ABOVE_QUANTITY = 1013
CLOSED = 1014
FORBIDDEN = 1020
TOO_MANY = 1029
INTERNAL = 1099


class PsError(WireError):
    """An error answered as ``{"ps_api_response_code": …, "ps_api_response_message": …}``."""

    def __init__(self, status, code, message, *, headers=None):
        super().__init__(status, headers=headers, message=message)
        self.code = code
        self.text = message

    def body(self):
        return {"ps_api_response_code": self.code, "ps_api_response_message": self.text}

    @classmethod
    def invalid(cls, message):
        return cls(400, INVALID, message)

    @classmethod
    def survey_not_found(cls):
        return cls(404, SURVEY_NOT_FOUND, "Survey not found")


def fault_body(status, fault):
    if fault == RATE_LIMITED:
        return PsError(status, TOO_MANY, "Too many requests; retry later.").body()
    return PsError(status, INTERNAL, "Internal server error").body()


def authenticate(request):
    token = request.headers.get("access-token", "").strip()
    buyer = PsBuyer.objects.filter(access_token=token).first() if token else None
    if buyer is None:
        raise WireError(401, {"msg": "Invalid or missing access-token"})
    request.ps_buyer = buyer


def api(*, write=False):
    """Wrap a view of the imitated Buy API (a write is logged as applied when it answers 2xx)."""
    return supplier_api(supplier=SUPPLIER, error_body=fault_body, checks=(authenticate,), write=write)


def methods(**handlers):
    """One URL, one handler per HTTP method (each already wrapped by `api`)."""

    @login_not_required
    @csrf_exempt
    def dispatch(request, *args, **kwargs):
        handler = handlers.get(request.method)
        if handler is None:
            allowed = ", ".join(sorted(handlers))
            return PsError(405, INVALID, f"{request.method} is not allowed here; use {allowed}.").response()
        return handler(request, *args, **kwargs)

    return dispatch


def read_json(request, *, expect=dict):
    try:
        return parse_json(request, expect=expect)
    except InvalidJson as exc:
        raise PsError.invalid(str(exc)) from exc
