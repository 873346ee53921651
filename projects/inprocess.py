"""Reach this site's own WSGI application from `requests` without a running server.

The demo seed uses it to drive the sandbox through the real Cint client before
the web server starts: requests to `SITE_URL` are handed to Django in-process.
"""

from contextlib import contextmanager

import requests
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, reset_queries
from wsgiadapter import WSGIAdapter


class InProcessAdapter(WSGIAdapter):
    def _log(self, response):
        # The sandbox is the supplier: its 4xx are answers the client reads and handles, not faults to show.
        if response.status_code >= 500:
            super()._log(response)

    def send(self, request, *args, **kwargs):
        # Like Django's test client: finishing the inner request must not close the
        # caller's database connection (it may be inside a transaction).
        with _keep_connections():
            return super().send(request, *args, **kwargs)


@contextmanager
def _keep_connections():
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(reset_queries)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def in_process_session():
    """A `requests.Session` whose calls to SITE_URL run in this process."""
    session = requests.Session()
    session.mount(settings.SITE_URL.rstrip("/") + "/", InProcessAdapter(WSGIHandler()))
    return session
