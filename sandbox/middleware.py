"""The imitated supplier APIs are called by machines, as the real ones are from their own servers."""

from django.http import JsonResponse
from django.urls import Resolver404, get_urlconf, resolve

# No database stores a NUL character: a call with one in its path or query is refused before a view reads it.
NUL_REFUSED = {"detail": "A NUL character (\\x00) is not accepted in a path or a query parameter."}


class SupplierApiMiddleware:
    """A call of an imitated supplier API goes straight to its view, past the middleware a person's request
    needs (sessions, login, messages, CSRF, time zone, login throttling): the caller brings the supplier's
    own credentials, which the view checks, and every view there is exempt from the rest. Placed right after
    SecurityMiddleware; a path under the prefix that names no view (the sandbox is off) goes the usual way."""

    PREFIX = "/sandbox/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(self.PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info, get_urlconf())
        except Resolver404:
            return self.get_response(request)
        query = request.GET.lists()
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values) for key, values in query):
            return JsonResponse(NUL_REFUSED, status=400)
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)
