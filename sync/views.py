"""The webhook receiver: no login, no CSRF; the supplier's signature is the authentication."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from projects.models import SupplierConnection
from suppliers.errors import BadEvent, BadSignature
from suppliers.registry import adapter_class

from . import webhooks


def _rejected(status, reason):
    return HttpResponse(f"Rejected: {reason}.", status=status, content_type="text/plain")


@csrf_exempt
@login_not_required
@require_POST
def receive_webhook(request, kind, connection_id):
    """Verify, store once and apply an event; a replay answers 200 and changes nothing."""
    connection = SupplierConnection.objects.filter(pk=connection_id, kind=kind).first()
    adapter = adapter_class(kind)
    if adapter is None or not adapter.capabilities.webhooks:
        return _rejected(404, "this supplier sends no webhooks to the cockpit")
    try:
        # An unknown connection has no secret, so it fails like a wrong signature (and says nothing more).
        secret = connection.webhook_secret if connection is not None else ""
        adapter.verify_webhook(secret, request.headers, request.body)
    except BadSignature as exc:
        return _rejected(401, exc)
    try:
        event = adapter.parse_webhook(request.body, request.headers)
    except BadEvent as exc:
        return HttpResponseBadRequest(f"Rejected: {exc}.", content_type="text/plain")
    row, created = webhooks.ingest(connection, event)
    return JsonResponse({"id": row.event_id, "received": created, "outcome": row.outcome})
