"""Every page asks for a login; only the login page and the webhook receiver do not."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Routes reached without a login on purpose: the login page itself, the
# supplier's webhook receiver (authenticated by its HMAC signature), and the
# sandbox, which imitates the supplier's API and checks bearer tokens instead.
PUBLIC_PREFIXES = ("login/", "webhooks/", "sandbox/", "static/")


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _example_path(route):
    """Turn a route such as `projects/<int:pk>/` into `/projects/1/`."""
    import re

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in ("int", None) else "x", route)
    path = re.sub(r"^\^|\$$|\\Z$", "", path)  # admin's regex routes
    return "/" + path.replace("(?P<app_label>auth|projects|quotas|fielding|sync|sandbox|django_celery_beat)", "auth")


def _routes():
    for route, _ in _patterns(get_resolver()):
        if route.startswith(PUBLIC_PREFIXES) or route.startswith("admin/"):
            continue
        yield route


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(set(_routes())))
def test_anonymous_request_is_sent_to_login(client, route):
    path = _example_path(route)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 302, f"{method.upper()} {path} answered {response.status_code}"
        assert response["Location"].startswith(reverse("login")), response["Location"]


@pytest.mark.django_db
def test_admin_asks_for_a_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_every_app_route_is_covered():
    """The parametrized test above must see the app's pages, not an empty list."""
    routes = set(_routes())
    assert "" in routes and "projects/<int:pk>/" in routes and "target-groups/<int:pk>/" in routes
