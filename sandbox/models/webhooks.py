"""Registered webhooks and every delivery attempt to them."""

import uuid

from django.db import models
from django.db.models import F
from django.utils import timezone

from ..ids import new_ulid


class Webhook(models.Model):
    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    account = models.ForeignKey("sandbox.Account", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=1000)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.url} ({', '.join(self.events)})"

    @property
    def etag(self):
        return f'W/"{self.version}"'

    def bump(self):
        Webhook.objects.filter(pk=self.pk).update(version=F("version") + 1, updated_at=timezone.now())
        self.refresh_from_db(fields=["version", "updated_at"])


class WebhookDelivery(models.Model):
    """One CloudEvent for one webhook: recorded first, then sent, then the outcome saved."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    MAX_ATTEMPTS = 3

    webhook = models.ForeignKey(Webhook, null=True, on_delete=models.SET_NULL, related_name="deliveries")
    url = models.URLField(max_length=1000)
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=50)
    subject = models.CharField(max_length=100, blank=True)
    body = models.TextField(help_text="The exact JSON body sent (and signed).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    signature = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event_type} -> {self.url} ({self.status})"
