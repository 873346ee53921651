"""The app's way to a supplier: the adapter of a connection's kind, configured from the settings.

`adapter_for(connection)` picks the adapter class by ``connection.kind``
(``suppliers.registry.ADAPTERS``) and builds it from the settings named after the kind
(``CINT_*``, ``PURESPECTRUM_*``, ``AUDIENCE_ALIGN_*``), read at call time, with Django's
cache for what the suppliers let us keep (Cint's token, Audience-Align's hashes).
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from suppliers.adapter import Unsupported
from suppliers.registry import adapter_class, capabilities_of

__all__ = [
    "DjangoCache",
    "Unsupported",
    "adapter_for",
    "capabilities_of",
    "open_adapter",
    "supplier_config",
]


class DjangoCache:
    """The adapters' cache interface (get/set) on Django's default cache, shared by every process."""

    def get(self, key):
        return cache.get(key)

    def set(self, key, value, timeout):
        cache.set(key, value, timeout)


def supplier_config(kind, account_id=""):
    """{key: setting} for `kind`'s adapter: each of its `config_keys` from ``<KIND>_<KEY>``."""
    cls = adapter_class(kind)
    prefix = kind.upper() + "_"
    config = {key: getattr(settings, prefix + key.upper()) for key in cls.config_keys}
    config["account_id"] = account_id
    return config


def adapter_for(connection, *, session=None):
    """The adapter for `connection` (a ``projects.SupplierConnection``); Unsupported for a kind without one."""
    cls = adapter_class(connection.kind)
    if cls is None:
        raise Unsupported(
            f"The cockpit cannot talk to {connection.get_kind_display()} yet, so nothing was sent. "
            "Use the supplier's own site for this connection."
        )
    return cls.from_config(
        supplier_config(connection.kind, connection.account_id), cache=DjangoCache(), session=session
    )


@contextmanager
def open_adapter(connection):
    """The adapter for a few calls (its features too, e.g. ``adapter.launched``), its HTTP connections
    let go of afterwards."""
    adapter = adapter_for(connection)
    try:
        yield adapter
    finally:
        adapter.close()
