"""Input no field can take is refused before any view reads it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django_htmx.http import reswap

NUL_REFUSED = (
    "Nothing was changed: what you sent contains a NUL character (\\x00), which no field of the cockpit takes. "
    "It usually comes with text pasted from a binary file; type or paste the value again without it."
)


def _has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class NulCharacterMiddleware:
    """A NUL character in a query string or a form is refused in words (no database stores one): in the
    page's message area for htmx, on a page of its own (400) otherwise. Placed after HtmxMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        if getattr(request, "htmx", False):
            html = format_html(
                '<div id="messages" class="messages" hx-swap-oob="true">'
                '<p class="message error" role="alert">{}</p></div>',
                NUL_REFUSED,
            )
            return reswap(HttpResponse(html), "none")
        messages.error(request, NUL_REFUSED)
        return render(request, "400.html", status=400)
