"""The change badge every app shows, and the webhook receiver.

The receiver needs no login and no CSRF token: the supplier's signature is the authentication.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, trigger_client_event

from projects.models import SupplierConnection
from suppliers.errors import BadEvent, BadSignature
from suppliers.registry import adapter_class

from . import webhooks
from .blocks import render_touched
from .models import RemoteChange
from .outbox import describe


@require_GET
def change_badge(request, change_pk):
    """The badge of one change. Once settled it stops polling, the blocks the change touched come
    back from fresh data (out of band), and the page hears ``change-settled`` (the changes panel)."""
    change = get_object_or_404(
        RemoteChange.objects.select_related("target_group__project__connection", "profile"), pk=change_pk
    )
    change.description = describe(change)
    badge = render_to_string("_change_badge.html", {"change": change}, request)
    if not (change.is_settled and request.htmx):
        return HttpResponse(badge)
    blocks = render_touched(request, change)
    # The badge is inside the first block touched: the blocks replace it along with the rest.
    response = reswap(HttpResponse(blocks), "none") if blocks else HttpResponse(badge)
    return trigger_client_event(response, "change-settled", {"id": change.pk, "state": change.state})


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
    media_type = request.content_type.lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        return _rejected(415, f"events are JSON (application/json or application/cloudevents+json), not {media_type}")
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
