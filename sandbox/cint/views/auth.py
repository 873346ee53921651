"""The OAuth token endpoint (client-credentials grant)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ...models import AccessToken, ApiCredential


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(client_id, issued_at, expires_at):
    """A JWT-shaped token; the sandbox still checks it against its own table."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {
        "sub": client_id,
        "aud": settings.CINT_AUDIENCE,
        "scope": "app:api",
        "iat": int(issued_at.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_hex(8),
    }
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(settings.SECRET_KEY.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _credentials_valid(client_id, client_secret):
    if not client_id or not client_secret:
        return False
    if hmac.compare_digest(client_id, settings.CINT_CLIENT_ID) and hmac.compare_digest(
        client_secret, settings.CINT_CLIENT_SECRET
    ):
        return True
    credential = ApiCredential.objects.filter(client_id=client_id).first()
    return credential is not None and hmac.compare_digest(credential.client_secret, client_secret)


def _oauth_error(status, error, description):
    return JsonResponse({"error": error, "error_description": description}, status=status)


@login_not_required
@csrf_exempt
@require_POST
def token(request):
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return _oauth_error(400, "invalid_request", "The body is not valid JSON.")
    else:
        data = request.POST
    if not isinstance(data, dict) and not hasattr(data, "get"):
        return _oauth_error(400, "invalid_request", "The body must be a JSON object.")
    if data.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials.")
    client_id, client_secret = str(data.get("client_id") or ""), str(data.get("client_secret") or "")
    if not _credentials_valid(client_id, client_secret):
        return _oauth_error(401, "access_denied", "Unauthorized: unknown client_id or wrong client_secret.")
    from ..seed import ensure_default_account

    ensure_default_account()
    ttl = int(settings.SANDBOX_TOKEN_TTL_SECONDS)
    issued_at = timezone.now()
    expires_at = issued_at + dt.timedelta(seconds=ttl)
    access = AccessToken.objects.create(
        token=_jwt(client_id, issued_at, expires_at), client_id=client_id, issued_at=issued_at, expires_at=expires_at
    )
    return JsonResponse({"access_token": access.token, "token_type": "Bearer", "expires_in": ttl, "scope": "app:api"})
