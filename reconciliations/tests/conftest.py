"""Fixtures of the reconciliation tests: the supplier faked at the wire, reason codes, eligible RIDs."""

import pytest
import responses
from django.core.cache import cache

from .factories import ReasonCodeFactory

BASE = "https://cint.test/v1"
AUTH = "https://auth.cint.test/oauth/token"
DEMAND = f"{BASE}/demand/accounts/1001"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Tokens, reason-code guards and errors live in the cache: start every test without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cint(settings):
    """The supplier at the wire: every request not registered by the test fails it."""
    settings.CINT_BASE_URL = BASE
    settings.CINT_AUTH_URL = AUTH
    with responses.RequestsMock(assert_all_requests_are_fired=False) as wire:
        wire.post(AUTH, json={"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600})
        yield wire


@pytest.fixture
def reason_codes(connection):
    return [
        ReasonCodeFactory(connection=connection, code="11", name="Adjusted complete"),
        ReasonCodeFactory(connection=connection, code="12", name="Adjusted terminate"),
        ReasonCodeFactory(connection=connection, code="932", name="Speeder"),
    ]


def api_calls(wire, path_part=""):
    """The calls that reached the supplier's API (token calls left out)."""
    return [call for call in wire.calls if call.request.url.startswith(BASE) and path_part in call.request.url]
