"""What the console shows of the web server's requests: what a person needs to see, not the routine traffic.

`make run` prints the web server, the worker and the sandbox in one console. The supplier's webhook
deliveries and static files answered normally, and every answer of the sandbox but a server error (it is
the supplier: a 4xx is its answer, which the cockpit's client reads and handles) are routine, so they are
not printed. A refused request (a viewer's 403) is one line with its reason, not the traceback of the
exception that refused it.
"""

import logging

from django.http import HttpRequest

ROUTINE_WHEN_ANSWERED = ("/webhooks/", "/static/", "/favicon.ico")
SUPPLIER = "/sandbox/"


class RoutineRequests(logging.Filter):
    """For the `django.server` (one line per request) and `django.request` (4xx and 5xx) loggers."""

    def filter(self, record):
        status = getattr(record, "status_code", None) or 0
        path = _path(record)
        if path.startswith(SUPPLIER) and status < 500:
            return False
        if path.startswith(ROUTINE_WHEN_ANSWERED) and status < 400:
            return False
        if 400 <= status < 500 and record.exc_info:
            reason = str(record.exc_info[1] or "")
            record.msg, record.args = record.getMessage() + (f": {reason}" if reason else ""), ()
            record.exc_info = record.exc_text = None
        return True


def _path(record):
    request = getattr(record, "request", None)
    if isinstance(request, HttpRequest):  # django.request
        return request.path
    if record.name == "django.server" and record.args:  # '"GET /path HTTP/1.1" 200 79'
        words = str(record.args[0]).split()
        return words[1] if len(words) > 1 else ""
    return ""
