"""The wire layer every supplier part shares.

`supplier_api` wraps a view of an imitated API: it adds the injected latency, answers
the injected 429 (with Retry-After) and 5xx faults in the supplier's own error shape,
and runs writes through `apply_write`, which logs each applied write in
`AppliedRequest` and may lose its answer after the commit (the lost-answer fault).
A supplier part brings its own rules on top (authentication, required headers,
idempotency keys, ETags, its error body): see `sandbox.cint.wire`.
"""

import hashlib
import json
import time
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .faults import fault_settings, pick_server_error, roll
from .models import AppliedRequest

# What an error body is asked for: `error_body(status, fault)` returns the JSON body.
RATE_LIMITED = "rate_limited"  # a 429; Retry-After is added to the answer
SERVER_ERROR = "server_error"  # a 500, 502 or 503, also the 503 of a lost answer


class WireError(Exception):
    """An error answer that ends a call: raise it anywhere in a view under `supplier_api`.

    A supplier part subclasses it for its own error shape (overriding `body()`) or
    gives the body ready-made. `after` callbacks run once the call's transaction has
    rolled back (e.g. the version bump of a stale-ETag fault).
    """

    def __init__(self, status, body=None, *, headers=None, after=None, message=None):
        super().__init__(message or f"HTTP {status}")
        self.status = status
        self._body = body if body is not None else {}
        self.headers = headers or {}
        self.after = after or []

    def body(self):
        return self._body

    def response(self):
        response = JsonResponse(self.body(), status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


# --- JSON -----------------------------------------------------------------------------


def json_response(data, status=200, headers=None):
    response = JsonResponse(data, status=status, safe=False)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def empty_response(status=204, headers=None):
    response = HttpResponse(status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class InvalidJson(ValueError):
    """The request body is not the JSON asked for; the message says why."""


def parse_json(request, *, expect=dict):
    """The request's JSON body (an empty body reads as an empty object or array)."""
    if not request.body:
        return expect()
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidJson(f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(data, expect):
        raise InvalidJson(f"The request body must be a JSON {'object' if expect is dict else 'array'}.")
    return data


def body_hash(request):
    """The SHA-256 of the raw request body: tells one write from another with the same path."""
    return hashlib.sha256(request.body).hexdigest()


# --- faults ---------------------------------------------------------------------------


def inject_faults(faults, error_body):
    """Raise the 429 or 5xx the dice give this call, its body shaped by `error_body(status, fault)`."""
    if roll(faults.rate_limit_rate):
        raise WireError(429, error_body(429, RATE_LIMITED), headers={"Retry-After": str(faults.retry_after_seconds)})
    if roll(faults.error_rate):
        status = pick_server_error()
        raise WireError(status, error_body(status, SERVER_ERROR))


def lost_answer(error_body):
    """The 503 a caller gets when the lost-answer fault drops the answer of an applied write.

    Shaped like an injected 5xx, so the caller cannot tell whether the change was applied.
    """
    return WireError(503, error_body(503, SERVER_ERROR))


class _Unapplied(Exception):
    def __init__(self, response):
        self.response = response


def apply_write(view, request, args, kwargs, *, supplier, faults, error_body, idempotency_key="", on_applied=None):
    """Run a write in a transaction; log it in `AppliedRequest` when it applied (2xx).

    Any other answer rolls the write back and is not logged. `on_applied(response)` runs
    inside the transaction after the log row (Cint stores the idempotent answer there).
    After the commit the lost-answer fault may raise the 503 of `lost_answer` instead.
    """
    try:
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                raise _Unapplied(response)
            account_id = kwargs.get("account_id")
            answer_lost = roll(faults.lost_response_rate)
            AppliedRequest.objects.create(
                supplier=supplier,
                method=request.method,
                path=request.get_full_path(),
                body_hash=body_hash(request),
                idempotency_key=idempotency_key,
                status=response.status_code,
                account_id=account_id if isinstance(account_id, int) else None,
                answer_lost=answer_lost,
            )
            if on_applied is not None:
                on_applied(response)
    except _Unapplied as unapplied:
        return unapplied.response
    if answer_lost:
        # Applied and committed: only the answer is lost on the way back.
        raise lost_answer(error_body)
    return response


def supplier_api(*, supplier, error_body, checks=(), write=False, apply=apply_write):
    """Wrap a view of a supplier part's API with the shared faults and the applied-write log.

    `supplier` names the part in `AppliedRequest` ("cint"); `error_body(status, fault)`
    returns the JSON body of an injected fault (`RATE_LIMITED` or `SERVER_ERROR`);
    `checks` run first, each `check(request)` raising a `WireError` to refuse the call
    (authentication, required headers), so a refused call is never faulted. `write=True`
    runs the view through `apply` (`apply_write`, or a supplier's wrapper of it). The
    wrapped view needs no login and no CSRF token: callers bring the supplier's credentials.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            faults = fault_settings()
            if faults.latency_ms:
                time.sleep(faults.latency_ms / 1000)
            try:
                for check in checks:
                    check(request)
                inject_faults(faults, error_body)
                if write:
                    return apply(view, request, args, kwargs, supplier=supplier, faults=faults, error_body=error_body)
                return view(request, *args, **kwargs)
            except WireError as error:
                for callback in error.after:
                    callback()
                return error.response()

        return login_not_required(csrf_exempt(wrapper))

    return decorator
