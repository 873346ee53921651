"""What every call of the imitated Cint API goes through, on top of the shared wire
layer (`sandbox.wire`: latency, 429/5xx faults, the applied-write log, lost answers):
bearer-token auth, the required version header, idempotency replay, If-Match checks,
error bodies in the contract's shape, and cursor pagination."""

import re
import uuid
from functools import partial

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ..faults import fault_settings, roll
from ..models import AccessToken, IdempotencyRecord
from ..wire import RATE_LIMITED, InvalidJson, WireError, apply_write, body_hash, parse_json, supplier_api

SUPPLIER = "cint"
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REPLAYED_HEADERS = ("Content-Type", "ETag", "Location", "idempotency-key", "Retry-After")


class ApiError(WireError):
    """An error answered in the contract's `Error` shape: {id, object, detail}."""

    def __init__(self, status, object_, detail, *, headers=None, extra=None, after=None):
        super().__init__(status, headers=headers, after=after, message=detail)
        self.object = object_
        self.detail = detail
        self.extra = extra or {}

    @classmethod
    def bad_request(cls, detail, *, invalid_params=None):
        extra = {"invalid_params": invalid_params} if invalid_params else None
        return cls(400, "bad_request_error", detail, extra=extra)

    @classmethod
    def not_found(cls, detail="resource not found"):
        return cls(404, "not_found_error", detail)

    @classmethod
    def invalid_state(cls, detail):
        return cls(422, "invalid_state_error", detail)

    @classmethod
    def precondition_failed(cls, detail="resource could not be modified due to wrong expected version", *, after=None):
        return cls(412, "precondition_failed_error", detail, after=after)

    def body(self):
        return {"id": str(uuid.uuid4()), "object": self.object, "detail": self.detail, **self.extra}


def fault_body(status, fault):
    """The contract's body for an injected fault: 429 problem details, or an internal error."""
    if fault == RATE_LIMITED:
        detail = "Too many requests; retry after the delay in Retry-After."
        return ApiError(status, "too_many_requests_problem_details", detail, extra={"details": detail}).body()
    return ApiError(
        status, "unexpected_internal_error", "an internal error has led to the failure of this operation"
    ).body()


def read_json(request, *, expect=dict):
    """The request's JSON body (an empty body reads as an empty object)."""
    try:
        return parse_json(request, expect=expect)
    except InvalidJson as exc:
        raise ApiError.bad_request(str(exc)) from exc


# --- auth and version ---------------------------------------------------------------


def authenticate(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "authorization_error", "A bearer token is required: Authorization: Bearer <token>.")
    access = AccessToken.objects.filter(token=token.strip()).first()
    if access is None:
        raise ApiError(401, "authorization_error", "The bearer token is not known.")
    if not access.is_valid():
        raise ApiError(401, "authorization_error", "The bearer token has expired; request a new one.")
    request.sandbox_client_id = access.client_id


def require_version(request):
    version = request.headers.get("Cint-API-Version")
    if not version:
        raise ApiError.bad_request(
            "The Cint-API-Version header is required, e.g. Cint-API-Version: 2025-02-17.",
            invalid_params=[{"name": "Cint-API-Version", "reason": "is required"}],
        )
    if not VERSION_PATTERN.match(version):
        raise ApiError.bad_request(
            "The Cint-API-Version header must be a date such as 2025-02-17.",
            invalid_params=[{"name": "Cint-API-Version", "reason": "must match YYYY-MM-DD"}],
        )


# --- the decorator ------------------------------------------------------------------


def api(*, mutation=False, idempotency="optional"):
    """Wrap a view of the imitated API.

    `mutation=True` runs the view in a transaction, logs it as applied and, with an
    `idempotency-key`, stores the response for replay; the lost-response fault may then,
    after the commit, answer 503 instead. `idempotency="required"` answers 400 when the
    key is missing (as the contract marks it for that call).
    """
    return supplier_api(
        supplier=SUPPLIER,
        error_body=fault_body,
        checks=(authenticate, require_version),
        write=mutation,
        apply=partial(_apply_idempotent, idempotency=idempotency),
    )


def _apply_idempotent(view, request, args, kwargs, *, idempotency, **apply_options):
    """`apply_write` with Cint's idempotency keys: a retry with the key replays the stored answer."""
    key = request.headers.get("idempotency-key", "").strip()
    if len(key) > 255:
        raise ApiError.bad_request(
            "The idempotency-key header is too long.",
            invalid_params=[{"name": "idempotency-key", "reason": "must be at most 255 characters"}],
        )
    if not key and idempotency == "required":
        raise ApiError.bad_request(
            "The idempotency-key header is required for this request; send a new UUID per intended change.",
            invalid_params=[{"name": "idempotency-key", "reason": "is required"}],
        )
    path = request.get_full_path()
    digest = body_hash(request)
    if key and (replay := _replay(key, request.method, path, digest)):
        return replay  # a replay is never "lost": the retry gets the first answer

    def store(response):
        if not key:
            return
        response["idempotency-key"] = key
        IdempotencyRecord.objects.create(
            key=key,
            method=request.method,
            path=path,
            body_hash=digest,
            status=response.status_code,
            body=response.content.decode(),
            headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
        )

    try:
        return apply_write(view, request, args, kwargs, idempotency_key=key, on_applied=store, **apply_options)
    except IntegrityError:
        # Another request with the same key won the race; answer what it stored.
        if key and (replay := _replay(key, request.method, path, digest)):
            return replay
        raise


def _replay(key, method, path, body_hash):
    record = IdempotencyRecord.objects.filter(key=key).first()
    if record is None:
        return None
    if (record.method, record.path, record.body_hash) != (method, path, body_hash):
        raise ApiError.bad_request(
            "This idempotency-key was already used for a different request "
            f"({record.method} {record.path} with another body); use a new key for a new change.",
            invalid_params=[{"name": "idempotency-key", "reason": "already used with a different request"}],
        )
    IdempotencyRecord.objects.filter(pk=record.pk).update(replays=F("replays") + 1)
    response = HttpResponse(record.body, status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def methods(**handlers):
    """One URL, one handler per HTTP method (each already wrapped by `api`)."""

    @login_not_required
    @csrf_exempt
    def dispatch(request, *args, **kwargs):
        handler = handlers.get(request.method)
        if handler is None:
            allowed = ", ".join(sorted(handlers))
            error = ApiError(405, "method_not_allowed_error", f"{request.method} is not allowed here; use {allowed}.")
            return error.response()
        return handler(request, *args, **kwargs)

    return dispatch


# --- ETags --------------------------------------------------------------------------


def etag_version(header):
    """The version number in an ETag such as `W/"12"` or `"12"`; None when unreadable."""
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    return int(value) if value.isdigit() else None


def check_if_match(request, version, *, on_stale_fault):
    """Refuse a mutation whose If-Match names an older version (412).

    Without If-Match the change is accepted. With the stale-ETag fault, answer 412 as
    if someone else had just changed the resource: `on_stale_fault` bumps its version
    after the transaction rolled back, so a re-read gets a new ETag.
    """
    header = request.headers.get("If-Match")
    if not header:
        return
    if roll(fault_settings().stale_etag_rate):
        raise ApiError.precondition_failed(after=[on_stale_fault])
    if header.strip() == "*":
        return
    if etag_version(header) != version:
        raise ApiError.precondition_failed(
            f"resource could not be modified due to wrong expected version: If-Match {header} but the current "
            f'ETag is W/"{version}"; read the resource again and retry with its ETag'
        )


# --- pagination ---------------------------------------------------------------------


def page_size(request, default=10):
    raw = request.GET.get("page_size")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise ApiError.bad_request(
            "page_size must be between 1 and 100.", invalid_params=[{"name": "page_size", "reason": "1 to 100"}]
        )
    return int(raw)


def paginate(queryset, request, *, key="id", default_size=10):
    """Cursor pagination on `key`: returns (items, has_more, next_cursor)."""
    size = page_size(request, default_size)
    after = request.GET.get("start_after") or request.GET.get("next_cursor")
    before = request.GET.get("end_before")
    if before:
        items = list(queryset.filter(**{f"{key}__lt": before}).order_by(f"-{key}")[: size + 1])
        has_more = len(items) > size
        items = list(reversed(items[:size]))
    else:
        if after:
            queryset = queryset.filter(**{f"{key}__gt": after})
        items = list(queryset.order_by(key)[: size + 1])
        has_more = len(items) > size
        items = items[:size]
    next_cursor = str(getattr(items[-1], key)) if has_more and items else None
    return items, has_more, next_cursor
