"""Cint Exchange Demand API client (plain Python; the Django glue is ``sync.cint``)."""

from .client import CintClient
from .errors import (
    AuthFailed,
    CintError,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
)
from .transport import ApiResponse, CintTransport, MemoryTokenCache, job_id_from_location, paginate

__all__ = [
    "ApiResponse",
    "AuthFailed",
    "CintClient",
    "CintError",
    "CintTransport",
    "MemoryTokenCache",
    "NotFound",
    "PreconditionFailed",
    "RateLimited",
    "ServerError",
    "TransportError",
    "ValidationFailed",
    "job_id_from_location",
    "paginate",
]
