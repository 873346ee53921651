"""Audience-Align Demand API client (plain Python): hash-based transport, resource methods, adapter."""

from .client import AudienceAlignClient
from .transport import ApiResponse, AudienceAlignTransport, MemoryCache

__all__ = ["ApiResponse", "AudienceAlignClient", "AudienceAlignTransport", "MemoryCache"]
