"""Notification webhooks: events, list, create, read, update, delete, new secret."""

import base64
import secrets
from urllib.parse import urlparse

from django.utils import timezone

from ...ids import iso
from ...models import Webhook
from ...wire import empty_response, json_response
from ..events import EVENT_TYPES
from ..validation import Validator
from ..wire import ApiError, api, check_if_match, paginate, read_json
from .common import get_account


def new_secret():
    """32 random bytes, Base64-encoded, as the contract describes webhook secrets."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _shape(webhook, *, with_secret=False):
    data = {
        "id": webhook.id,
        "url": webhook.url,
        "events": list(webhook.events),
        "created_at": iso(webhook.created_at),
        "updated_at": iso(webhook.updated_at),
    }
    if with_secret:
        data["secret"] = webhook.secret
    return data


def _validated(body, *, partial):
    check = Validator(body)
    url = check.string("url", required=not partial, max_length=1000)
    events = check.array("events", required=not partial, min_items=1)
    if url is not None and urlparse(url).scheme not in ("http", "https"):
        check.error("url", "must be an http(s) URL")
    if events is not None and not all(event in EVENT_TYPES for event in events):
        check.error("events", f"each must be one of {', '.join(EVENT_TYPES)}")
    check.check()
    return url, events


def _get(account, webhook_id, *, for_update=False):
    queryset = Webhook.objects.filter(account=account, pk=webhook_id)
    webhook = (queryset.select_for_update() if for_update else queryset).first()
    if webhook is None:
        raise ApiError.not_found(f"Webhook {webhook_id} does not exist in account {account.id}.")
    return webhook


@api()
def events(request, account_id):
    get_account(account_id)
    return json_response({"events": list(EVENT_TYPES)})


@api()
def list_webhooks(request, account_id):
    account = get_account(account_id)
    items, has_more, _ = paginate(account.webhooks.all(), request)
    return json_response({"webhooks": [_shape(w) for w in items], "has_more": has_more})


@api(mutation=True)
def create_webhook(request, account_id):
    account = get_account(account_id)
    url, events_ = _validated(read_json(request), partial=False)
    webhook = Webhook.objects.create(account=account, url=url, events=list(dict.fromkeys(events_)), secret=new_secret())
    return json_response(_shape(webhook, with_secret=True), status=201, headers={"ETag": webhook.etag})


@api()
def get_webhook(request, account_id, webhook_id):
    webhook = _get(get_account(account_id), webhook_id)
    return json_response(_shape(webhook), headers={"ETag": webhook.etag})


@api(mutation=True)
def update_webhook(request, account_id, webhook_id):
    webhook = _get(get_account(account_id), webhook_id, for_update=True)
    check_if_match(request, webhook.version, on_stale_fault=webhook.bump)
    url, events_ = _validated(read_json(request), partial=True)
    if url is not None:
        webhook.url = url
    if events_ is not None:
        webhook.events = list(dict.fromkeys(events_))
    webhook.updated_at = timezone.now()
    webhook.save()
    webhook.bump()
    return json_response(_shape(webhook), headers={"ETag": webhook.etag})


@api(mutation=True)
def delete_webhook(request, account_id, webhook_id):
    webhook = _get(get_account(account_id), webhook_id, for_update=True)
    check_if_match(request, webhook.version, on_stale_fault=webhook.bump)
    webhook.delete()
    return empty_response(204)


@api(mutation=True)
def regenerate_secret(request, account_id, webhook_id):
    webhook = _get(get_account(account_id), webhook_id, for_update=True)
    check_if_match(request, webhook.version, on_stale_fault=webhook.bump)
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret"])
    webhook.bump()
    return json_response(_shape(webhook, with_secret=True), headers={"ETag": webhook.etag})
