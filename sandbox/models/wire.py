"""What the shared wire layer keeps: the log of applied writes (every supplier part)
and the fault-injection knobs."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppliedRequest(models.Model):
    """The sandbox's own log: one row per write that changed (or created) something,
    at every supplier part (`supplier`), so tests can count applied writes.

    Cint replays are not applied again, so each idempotency key appears here at most
    once. Suppliers without idempotency keys log every applied write too: the same
    method, path and `body_hash` twice is the same write applied twice.
    `answer_lost` marks a write applied here whose answer the caller never got (the
    lost-response fault answered 503 instead): only a retry with the same key is safe.
    """

    supplier = models.CharField(max_length=30, default="cint", help_text="The supplier part that applied it.")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the request body.")
    idempotency_key = models.CharField(max_length=255, blank=True, db_index=True)
    status = models.PositiveSmallIntegerField()
    account_id = models.PositiveIntegerField(null=True, blank=True)
    answer_lost = models.BooleanField(
        default=False, help_text="Applied, but the caller was answered 503 instead (lost-response fault)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.supplier}: {self.method} {self.path} -> {self.status}"


class FaultSettings(models.Model):
    """A singleton (pk=1): the faults injected into API calls, editable in the admin."""

    error_rate = models.FloatField(default=0.0, help_text="Share of calls answered 500/502/503 (0 to 1).")
    rate_limit_rate = models.FloatField(default=0.0, help_text="Share of calls answered 429 (0 to 1).")
    retry_after_seconds = models.PositiveIntegerField(default=2, help_text="Retry-After sent with a 429.")
    stale_etag_rate = models.FloatField(
        default=0.0, help_text="Share of If-Match mutations answered 412 as if someone had just changed the resource."
    )
    lost_response_rate = models.FloatField(
        default=0.0,
        help_text="Share of successful mutations applied and stored, then answered 503 as if the connection had "
        "dropped: a retry with the same idempotency-key gets the stored answer, a new key applies again.",
    )
    latency_ms = models.PositiveIntegerField(default=0, help_text="Delay added to every API call.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fault settings"
        verbose_name_plural = "fault settings"

    def __str__(self):
        return (
            f"errors {self.error_rate:.0%}, 429 {self.rate_limit_rate:.0%}, "
            f"stale ETag {self.stale_etag_rate:.0%}, lost answers {self.lost_response_rate:.0%}, "
            f"latency {self.latency_ms} ms"
        )

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        settings_obj, _ = cls.objects.get_or_create(
            pk=1,
            defaults={
                "error_rate": settings.SANDBOX_ERROR_RATE,
                "rate_limit_rate": settings.SANDBOX_RATE_LIMIT_RATE,
                "stale_etag_rate": settings.SANDBOX_STALE_ETAG_RATE,
                # Read here, at call time: the setting is newer than the others and may be absent.
                "lost_response_rate": getattr(settings, "SANDBOX_LOST_RESPONSE_RATE", 0.0),
                "latency_ms": settings.SANDBOX_LATENCY_MS,
            },
        )
        return settings_obj
