"""The sandbox in the admin: the shared knobs (fault settings) and the applied-write
log here, each supplier part's models from its own admin module."""

from django.contrib import admin

from . import models
from .audience_align import admin as audience_align_admin  # noqa: F401  (registers the Audience-Align part's)
from .cint import admin as cint_admin  # noqa: F401  (registers the Cint part's models)
from .purespectrum import admin as purespectrum_admin  # noqa: F401  (and PureSpectrum's)


@admin.register(models.FaultSettings)
class FaultSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "error_rate",
        "rate_limit_rate",
        "retry_after_seconds",
        "stale_etag_rate",
        "lost_response_rate",
        "latency_ms",
        "updated_at",
    )

    def has_add_permission(self, request):
        return not models.FaultSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.AppliedRequest)
class AppliedRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "supplier", "method", "path", "status", "idempotency_key", "answer_lost")
    list_filter = ("supplier", "method", "status", "answer_lost")
    search_fields = ("idempotency_key", "path")
