"""The webhook receiver: no login, no CSRF; the HMAC signature is the authentication."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from projects.models import SupplierConnection

from . import webhooks


@csrf_exempt
@login_not_required
@require_POST
def cint_webhook(request, connection_id):
    """Verify, store once and apply a CloudEvent; a replay answers 200 and changes nothing."""
    connection = SupplierConnection.objects.filter(pk=connection_id).first()
    body = request.body
    try:
        # An unknown connection has no secret, so it fails like a wrong signature (and says nothing more).
        secret = connection.webhook_secret if connection is not None else ""
        webhooks.verify_signature(secret, request.headers.get(webhooks.SIGNATURE_HEADER), body)
    except webhooks.BadSignature as exc:
        return HttpResponse(f"Rejected: {exc}.", status=401, content_type="text/plain")
    try:
        event = webhooks.parse_event(body, request.headers)
    except webhooks.BadEvent as exc:
        return HttpResponseBadRequest(f"Rejected: {exc}.", content_type="text/plain")
    row, created = webhooks.ingest(connection, event)
    return JsonResponse({"id": row.event_id, "received": created, "outcome": row.outcome})
