"""Build a Cint client for a supplier connection from the settings, with Django's cache for tokens."""

from django.conf import settings
from django.core.cache import cache

from suppliers.cint import CintClient, CintTransport


class DjangoTokenCache:
    """The transport's token cache on Django's default cache, so every process shares one token."""

    def get(self, key):
        return cache.get(key)

    def set(self, key, value, timeout):
        cache.set(key, value, timeout)


def client_for(connection, *, session=None):
    """A ``CintClient`` for ``connection`` (a ``projects.SupplierConnection``)."""
    transport = CintTransport(
        base_url=settings.CINT_BASE_URL,
        auth_url=settings.CINT_AUTH_URL,
        client_id=settings.CINT_CLIENT_ID,
        client_secret=settings.CINT_CLIENT_SECRET,
        api_version=settings.CINT_API_VERSION,
        audience=settings.CINT_AUDIENCE,
        token_cache=DjangoTokenCache(),
        timeout=settings.CINT_TIMEOUT_SECONDS,
        session=session,
    )
    return CintClient(transport, connection.account_id)
