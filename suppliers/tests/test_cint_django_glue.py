"""``sync.adapters``: an adapter per supplier connection, built from settings, tokens in Django's cache."""

import pytest
import requests
from django.core.cache import cache

from projects.models import SupplierConnection, SupplierKind
from sync.adapters import DjangoCache, adapter_for

from .fake_cint import token_body, token_calls


@pytest.fixture(autouse=True)
def _cint_settings(settings):
    settings.CINT_BASE_URL = "https://cint.test/v1"
    settings.CINT_AUTH_URL = "https://auth.cint.test/oauth/token"
    settings.CINT_CLIENT_ID = "cockpit"
    settings.CINT_CLIENT_SECRET = "s3cret"
    settings.CINT_API_VERSION = "2025-02-17"
    settings.CINT_AUDIENCE = "https://api.luc.id"
    settings.CINT_TIMEOUT_SECONDS = 7.5
    cache.clear()
    yield
    cache.clear()


def cint(account_id="2428"):
    return SupplierConnection(kind=SupplierKind.CINT, account_id=account_id)


def test_the_cint_adapter_is_built_from_settings_at_call_time(settings):
    settings.CINT_API_VERSION = "2025-12-18"

    adapter = adapter_for(cint())

    assert adapter.kind == "cint"
    transport = adapter.client.transport
    assert adapter.client.account_id == "2428"
    assert (transport.base_url, transport.auth_url) == ("https://cint.test/v1", "https://auth.cint.test/oauth/token")
    assert (transport.client_id, transport.client_secret) == ("cockpit", "s3cret")
    assert (transport.api_version, transport.audience, transport.timeout) == ("2025-12-18", "https://api.luc.id", 7.5)
    assert isinstance(transport.token_cache, DjangoCache)


def test_adapters_share_the_token_through_djangos_cache(wire):
    wire.post("https://auth.cint.test/oauth/token", json=token_body("shared"))
    wire.get("https://cint.test/v1/accounts", json={"accounts": []})

    adapter_for(cint()).client.list_accounts()
    adapter_for(cint()).client.list_accounts()

    assert len(token_calls(wire, "https://auth.cint.test")) == 1
    assert [call.request.headers["Authorization"] for call in wire.calls[1:]] == ["Bearer shared"] * 2


def test_session_is_passed_through():
    session = requests.Session()

    assert adapter_for(cint(), session=session).client.transport.session is session


def test_django_cache_forgets_with_a_zero_timeout():
    tokens = DjangoCache()
    tokens.set("cint-token:x", {"access_token": "t"}, 60)
    assert tokens.get("cint-token:x") == {"access_token": "t"}

    tokens.set("cint-token:x", None, 0)

    assert tokens.get("cint-token:x") is None
