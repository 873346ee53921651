"""What every call of the imitated API goes through: bearer-token auth, the
required version header, injected faults, idempotency replay, If-Match checks,
error bodies in the contract's shape, and cursor pagination."""

import hashlib
import json
import re
import time
import uuid
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REPLAYED_HEADERS = ("Content-Type", "ETag", "Location", "idempotency-key", "Retry-After")


class ApiError(Exception):
    """An error answered in the contract's `Error` shape: {id, object, detail}."""

    def __init__(self, status, object_, detail, *, headers=None, extra=None, after=None):
        super().__init__(detail)
        self.status = status
        self.object = object_
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}
        # Callbacks run after the transaction rolled back (e.g. a stale-ETag fault's bump).
        self.after = after or []

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

    def response(self):
        response = JsonResponse(self.body(), status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


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


def read_json(request, *, expect=dict):
    """The request's JSON body (an empty body reads as an empty object)."""
    if not request.body:
        return expect()
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError.bad_request(f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(data, expect):
        raise ApiError.bad_request(f"The request body must be a JSON {'object' if expect is dict else 'array'}.")
    return data


# --- auth and version ---------------------------------------------------------------


def authenticate(request):
    from .models import AccessToken

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


def raise_injected_fault(faults):
    from .faults import pick_server_error, roll

    if roll(faults.rate_limit_rate):
        detail = "Too many requests; retry after the delay in Retry-After."
        raise ApiError(
            429,
            "too_many_requests_problem_details",
            detail,
            headers={"Retry-After": str(faults.retry_after_seconds)},
            extra={"details": detail},
        )
    if roll(faults.error_rate):
        raise ApiError(
            pick_server_error(),
            "unexpected_internal_error",
            "an internal error has led to the failure of this operation",
        )


# --- the decorator ------------------------------------------------------------------


class _Unapplied(Exception):
    def __init__(self, response):
        self.response = response


def api(*, mutation=False, idempotency="optional"):
    """Wrap a view of the imitated API.

    `mutation=True` runs the view in a transaction, logs it as applied and, with an
    `idempotency-key`, stores the response for replay; the lost-response fault may then,
    after the commit, answer 503 instead. `idempotency="required"` answers 400 when the
    key is missing (as the contract marks it for that call).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from .faults import fault_settings

            faults = fault_settings()
            if faults.latency_ms:
                time.sleep(faults.latency_ms / 1000)
            try:
                authenticate(request)
                require_version(request)
                raise_injected_fault(faults)
                if mutation:
                    return _run_mutation(view, request, args, kwargs, idempotency, faults)
                return view(request, *args, **kwargs)
            except ApiError as error:
                for callback in error.after:
                    callback()
                return error.response()

        return wrapper

    return decorator


def _run_mutation(view, request, args, kwargs, idempotency, faults):
    from .faults import roll
    from .models import AppliedRequest, IdempotencyRecord

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
    body_hash = hashlib.sha256(request.body).hexdigest()
    if key and (replay := _replay(key, request.method, path, body_hash)):
        return replay  # a replay is never "lost": the retry gets the first answer
    try:
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                raise _Unapplied(response)
            if key:
                response["idempotency-key"] = key
            account_id = kwargs.get("account_id")
            answer_lost = roll(faults.lost_response_rate)
            AppliedRequest.objects.create(
                method=request.method,
                path=path,
                idempotency_key=key,
                status=response.status_code,
                account_id=account_id if isinstance(account_id, int) else None,
                answer_lost=answer_lost,
            )
            if key:
                IdempotencyRecord.objects.create(
                    key=key,
                    method=request.method,
                    path=path,
                    body_hash=body_hash,
                    status=response.status_code,
                    body=response.content.decode(),
                    headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
                )
    except _Unapplied as unapplied:
        return unapplied.response
    except IntegrityError:
        # Another request with the same key won the race; answer what it stored.
        if key and (replay := _replay(key, request.method, path, body_hash)):
            return replay
        raise
    if answer_lost:
        # Applied, committed and (with a key) stored: only the answer is lost on the way back.
        raise lost_response_error()
    return response


def lost_response_error():
    """The 503 a caller gets when the lost-response fault drops the answer of an applied mutation.

    Indistinguishable from a 503 thrown before the mutation (`error_rate`): the caller cannot tell
    whether the change was applied, which is what idempotency keys are for.
    """
    return ApiError(503, "unexpected_internal_error", "an internal error has led to the failure of this operation")


def _replay(key, method, path, body_hash):
    from .models import IdempotencyRecord

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
    from .faults import fault_settings, roll

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


def now():
    return timezone.now()
