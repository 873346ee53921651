"""A change the connection's supplier cannot take is answered in words, wherever it was asked."""

from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import reswap

from suppliers.adapter import Unsupported


class UnsupportedChangeMiddleware:
    """`Unsupported` from `request_change` (nothing was recorded) becomes a message for the PM:
    in the page's message area for htmx, or on the page the PM came from otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Unsupported):
            return None
        if getattr(request, "htmx", False):
            html = format_html(
                '<div id="messages" class="messages" hx-swap-oob="true">'
                '<p class="message error" role="alert">{}</p></div>',
                str(exception),
            )
            return reswap(HttpResponse(html), "none")
        messages.error(request, str(exception))
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return redirect(back)


class WebhookFastPathMiddleware:
    """The supplier's webhook deliveries go straight to the receiver, past the middleware a person's
    request needs (sessions, login, messages, CSRF, login throttling): a delivery carries none of
    that, and it authenticates by its signature. Placed right after SecurityMiddleware."""

    PREFIX = "/webhooks/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.PREFIX):
            try:
                match = _route(request.path_info, get_urlconf() or settings.ROOT_URLCONF)
            except Resolver404:
                return self.get_response(request)
            return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)


@lru_cache(maxsize=256)
def _route(path, urlconf):
    """The receiver's match for a delivery's path: a connection's deliveries all come to one path, so it is
    resolved once, not once per event (a path that matches nothing raises each time and is not kept)."""
    return resolve(path, urlconf)
