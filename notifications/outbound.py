"""The one client that posts to addresses users give (Slack-compatible incoming webhooks).

A user types the URL, so it must never make the cockpit call its own network: https only, and every
address the host resolves to must be a public one (`check_url`). The check is made right before each try
and after each redirect (followed by hand, at most `MAX_REDIRECTS`), and the connection goes to the address
that was checked, so a name that resolves elsewhere a moment later reaches nothing it should not.
Tries: a 5xx, a timeout or a dropped connection is tried again after a backoff; a 4xx is the receiver's
final word. Each post is kept as a `Delivery`: what was sent, the answer, the error.
"""

import ipaddress
import json
import socket
import time
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter

from suppliers.backoff import backoff_seconds

from .models import Delivery

MAX_REDIRECTS = 3
KEPT_ANSWER = 2000  # characters of the receiver's answer kept on the delivery


class Refused(Exception):
    """The URL may not be called; `message` says why, in words for the user who typed it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _why_not(address):
    """Why the cockpit must not call `address`, or "" when it is a public address."""
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    for test, words in (
        ("is_loopback", "this server itself"),
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address (such as a cloud's metadata service)"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private network"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, test):
            return words
    return "" if address.is_global else "an address that is not public"


def check_url(url):
    """The addresses `url` may be posted to (its host resolved now), or `Refused` with the reason."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise Refused("This is not a web address the cockpit can post to.") from None
    if parts.scheme != "https":
        raise Refused("The address must start with https:// (the cockpit sends notifications encrypted only).")
    host = parts.hostname
    if not host:
        raise Refused("The address has no host name.")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"The host “{host}” could not be found.") from None
    addresses = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        why = _why_not(address)
        if why:
            raise Refused(f"The address “{host}” leads to {why}; the cockpit only posts to public addresses.")
        addresses.append(str(address))
    if not addresses:
        raise Refused(f"The host “{host}” could not be found.")
    return addresses


def _pinned_connection(address):
    """An HTTPS connection class that connects to `address` while TLS still checks the host's name."""

    class Pinned(urllib3.connection.HTTPSConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._dns_host = address

    return Pinned


class _PinnedAdapter(HTTPAdapter):
    def __init__(self, address):
        self.address = address
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        pool = super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        pool.ConnectionCls = _pinned_connection(self.address)
        return pool


def _post_once(url, body):
    """POST `body` to `url`, redirects followed by hand and each one checked; returns the final response."""
    for _ in range(MAX_REDIRECTS + 1):
        address = check_url(url)[0]
        with requests.Session() as session:
            session.trust_env = False  # no proxy from the environment: the connection goes where it was checked
            session.mount("https://", _PinnedAdapter(address))
            response = session.post(
                url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=(settings.NOTIFY_WEBHOOK_CONNECT_TIMEOUT, settings.NOTIFY_WEBHOOK_READ_TIMEOUT),
                allow_redirects=False,
            )
        if not response.is_redirect:
            return response
        url = urljoin(url, response.headers["Location"])
    raise Refused(f"The address redirected more than {MAX_REDIRECTS} times; the cockpit stopped following.")


def post_webhook(url, payload, *, user, notification=None, digest=None):
    """Post `payload` (JSON) to `url` for `user`, tried again on a 5xx or a timeout; returns the `Delivery`."""
    body = json.dumps(payload)
    delivery = Delivery.objects.create(
        user=user, notification=notification, digest=digest, channel=Delivery.Channel.WEBHOOK, address=url, body=body
    )
    tries = max(1, settings.NOTIFY_WEBHOOK_TRIES)
    for attempt in range(1, tries + 1):
        delivery.attempts = attempt
        try:
            response = _post_once(url, body)
        except Refused as exc:
            return _finish(delivery, Delivery.State.REFUSED, error=exc.message)
        except requests.RequestException as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
            delivery.response_status, delivery.response_body = None, ""
        else:
            delivery.response_status, delivery.response_body = response.status_code, response.text[:KEPT_ANSWER]
            if response.status_code < 400:
                return _finish(delivery, Delivery.State.SENT, error="")
            delivery.error = f"The receiver answered {response.status_code}."
            if response.status_code < 500:
                break  # the receiver refuses this post; sending it again would not change its mind
        if attempt < tries:
            time.sleep(backoff_seconds(attempt, base=settings.NOTIFY_WEBHOOK_BACKOFF_SECONDS, cap=60))
    return _finish(delivery, Delivery.State.FAILED, error=delivery.error)


def _finish(delivery, state, *, error):
    delivery.state, delivery.error, delivery.finished_at = state, error, timezone.now()
    delivery.save()
    return delivery
