"""Which adapter serves which kind of supplier connection (``SupplierConnection.kind``)."""

from .adapter import Capabilities
from .audience_align.adapter import AudienceAlignAdapter
from .cint.adapter import CintAdapter
from .purespectrum.adapter import PureSpectrumAdapter

ADAPTERS = {adapter.kind: adapter for adapter in (CintAdapter, PureSpectrumAdapter, AudienceAlignAdapter)}

# What a connection of a kind without an adapter can do: nothing.
NOTHING = Capabilities()


def adapter_class(kind):
    """The adapter class for `kind`, or None when the cockpit has none yet."""
    return ADAPTERS.get(kind)


def capabilities_of(kind):
    adapter = ADAPTERS.get(kind)
    return adapter.capabilities if adapter is not None else NOTHING
