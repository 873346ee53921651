"""Cint's idempotency keys: the stored first answer to each keyed write."""

from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The first successful response to a request carrying an `idempotency-key`.

    A retry with the same key and the same method, path and body gets this response
    back, byte for byte, and changes nothing.
    """

    key = models.CharField(max_length=255, unique=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    replays = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.key} {self.method} {self.path}"
