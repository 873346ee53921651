"""Webhook delivery, kept at this path for the app's tests: the Cint part's
CloudEvents webhooks live in `sandbox.cint.events`."""

from .cint.events import deliver_pending

__all__ = ["deliver_pending"]
