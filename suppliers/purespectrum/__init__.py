"""PureSpectrum Buy API client and adapter (plain Python, no Django)."""

from .client import PureSpectrumClient
from .transport import ApiResponse, PureSpectrumTransport

__all__ = ["ApiResponse", "PureSpectrumClient", "PureSpectrumTransport"]
