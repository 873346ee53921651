"""What every call of the imitated Audience-Align API goes through, on top of the shared wire
layer (`sandbox.wire`: latency, 429/5xx faults, the applied-write log, lost answers): the
``X-Client-Id`` check, the per-endpoint ``hash`` (a function of the endpoint URL and the
client's key that only this sandbox knows), and error bodies in seed 004's shapes:
``{"status": 422, "error": "…"}``, and ``{"status": false, "error": "Not Found", "message": "…"}``
on the reconciliation endpoints."""

import hashlib
import hmac

from django.conf import settings

from ..models import AaClient, AaSurvey
from ..wire import RATE_LIMITED, InvalidJson, WireError, json_response, parse_json, supplier_api

SUPPLIER = "audience_align"
HASH_MISMATCH = "Hash data mismatch. Please verify the integrity of the request."
CLIENT_MISMATCH = "Client ID mismatch. Please verify and try again."
CLOSED = "The project has been closed and cannot be modified."
# The reconciliation endpoints' error words by HTTP status, and their messages.
RECONCILIATION_ERRORS = {
    400: ("Bad Request", "An expected field is missing."),
    401: ("Unauthorized", "No valid authorisation for this operation."),
    403: ("Unauthorized", "No valid authorisation for this operation."),
    404: ("Not Found", "The requested resource was not found."),
    409: ("Conflict", "The entity does not meet the required state."),
    410: ("Gone", "The requested resource is no longer available."),
    422: ("Unprocessable Entity", "The entity does not meet the required state."),
    429: ("Too Many Requests", "Too many requests; retry after the delay in Retry-After."),
    500: ("Internal Server Error", "An internal error occurred."),
}


class AaError(WireError):
    """An error answered as ``{"status": <code>, "error": "…", …}`` with that HTTP status."""

    def __init__(self, status, error, **extra):
        super().__init__(status, {"status": status, "error": error, **extra}, message=error)


class ReconciliationError(WireError):
    """An error of the reconciliation endpoints: ``{"status": false, "error": word, "message": …}``."""

    def __init__(self, status, message=None):
        word, default = RECONCILIATION_ERRORS.get(status, RECONCILIATION_ERRORS[500])
        super().__init__(status, {"status": False, "error": word, "message": message or default}, message=word)


def fault_body(status, fault):
    if fault == RATE_LIMITED:
        return {"status": 429, "error": "Too many requests. Please slow down and try again."}
    return {"status": status, "error": "Internal server error"}


def reconciliation_fault_body(status, fault):
    return ReconciliationError(429 if fault == RATE_LIMITED else 500).body()


# --- the hash ---------------------------------------------------------------------------


def hash_of(url, key, salt):
    """The sandbox's own hash of an endpoint URL and a key (its salt is never given out)."""
    secret = hashlib.sha256(f"{salt}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(secret, f"{url.strip()}\n{key.strip()}".encode(), hashlib.sha256).hexdigest()


def default_client():
    """The client of the cockpit's settings (AUDIENCE_ALIGN_CLIENT_ID and _KEY), made on first use."""
    client_id = getattr(settings, "AUDIENCE_ALIGN_CLIENT_ID", "")
    key = getattr(settings, "AUDIENCE_ALIGN_KEY", "")
    if not client_id or not key:
        return None
    return AaClient.objects.get_or_create(client_id=client_id, defaults={"key": key})[0]


def ensure_client(client_id, key):
    client, created = AaClient.objects.get_or_create(client_id=client_id, defaults={"key": key})
    if not created and client.key != key:
        client.key = key
        client.save(update_fields=["key"])
    return client


def salt_for_key(key):
    """A key's hash is the same for whoever asks: the salt of the client with that key, else a global one."""
    client = AaClient.objects.filter(key=key).first()
    if client is None and key == getattr(settings, "AUDIENCE_ALIGN_KEY", None):
        client = default_client()
    return client.salt if client else "unknown-key"


def endpoint_url(request):
    return request.build_absolute_uri(request.path)


def authenticate(request):
    """The ``X-Client-Id`` must be a client's, and ``hash`` the hash of this endpoint with its key."""
    client_id = request.headers.get("X-Client-Id", "").strip()
    client = AaClient.objects.filter(client_id=client_id).first()
    if client is None and client_id == getattr(settings, "AUDIENCE_ALIGN_CLIENT_ID", None):
        client = default_client()
    given = request.GET.get("hash", "").strip()
    if client is None:
        if not given:
            raise AaError(400, HASH_MISMATCH)
        raise AaError(403, CLIENT_MISMATCH)
    if not hmac.compare_digest(given, hash_of(endpoint_url(request), client.key, client.salt)):
        raise AaError(400, HASH_MISMATCH)
    request.aa_client = client


def authenticate_reconciliation(request):
    try:
        authenticate(request)
    except AaError as exc:
        raise ReconciliationError(403 if exc.status == 403 else 401) from exc


def api(*, write=False):
    """Wrap a view of the imitated API (`write=True`: applied in a transaction and logged)."""
    return supplier_api(supplier=SUPPLIER, error_body=fault_body, checks=(authenticate,), write=write)


def reconciliation_api(*, write=False):
    return supplier_api(
        supplier=SUPPLIER,
        error_body=reconciliation_fault_body,
        checks=(authenticate_reconciliation,),
        write=write,
    )


# --- bodies and answers --------------------------------------------------------------------


def read_json(request, *, error=None):
    try:
        return parse_json(request)
    except InvalidJson as exc:
        raise (error or AaError(400, "Invalid request parameters", message=str(exc))) from exc


def ok(message, **data):
    return json_response({"status": 200, "message": message, **data})


FOUND = "Great news — we’ve found the data you were looking for."


def no_changes(message="No changes made or survey not found."):
    """The "204" of a status update: nothing changed, so nothing is logged as applied."""
    return WireError(200, {"status": 204, "message": message})


def survey_of(request, project_id, *, missing="Survey data not found!", status=422):
    """The client's survey `project_id`, or the seed's "not found" answer."""
    survey = AaSurvey.objects.filter(client=request.aa_client, project_id=str(project_id or "").strip()).first()
    if survey is None:
        raise AaError(status, missing)
    return survey


def writable(survey, message=CLOSED):
    if survey.status == AaSurvey.Status.CLOSED:
        raise AaError(422, message)
    return survey


def methods(**handlers):
    """One URL, one handler per HTTP method (each already wrapped by `api`)."""
    from django.contrib.auth.decorators import login_not_required
    from django.views.decorators.csrf import csrf_exempt

    @login_not_required
    @csrf_exempt
    def dispatch(request, *args, **kwargs):
        handler = handlers.get(request.method)
        if handler is None:
            return AaError(405, f"{request.method} is not allowed here.").response()
        return handler(request, *args, **kwargs)

    return dispatch
