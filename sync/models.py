"""The outbox of changes to send to the supplier, webhook events, and sync runs."""

import uuid

from django.conf import settings
from django.db import models

from projects.models import SupplierConnection, TargetGroup


class RemoteChange(models.Model):
    """One change a PM asked for, recorded before it is sent.

    The idempotency key is generated once, so every retry of this row reaches
    the supplier as the same request.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        APPLIED = "applied", "Applied"
        CONFLICT = "conflict", "Conflict"
        FAILED = "failed", "Failed"

    SETTLED_STATES = (State.APPLIED, State.CONFLICT, State.FAILED)

    kind = models.CharField(max_length=40, db_index=True)
    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="changes")
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    profile = models.ForeignKey(
        "quotas.Profile", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    payload = models.JSONField(default=dict, blank=True)
    # The change in words as it was asked ("Disable quotas on “AGE”"), so lists need no lookups.
    summary = models.CharField(max_length=300, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Plain words for the PM: why it failed, or why it was a conflict.
    message = models.TextField(blank=True)
    response = models.JSONField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The Celery worker node that took the change to send it ("celery@host/pid"), so the same
    # node, restarted after a crash, knows at once which `sending` rows its dead self left.
    claimed_by = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_group", "state", "created_at"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_settled(self):
        return self.state in self.SETTLED_STATES


class WebhookEvent(models.Model):
    """A CloudEvent received from a supplier, stored once per event id."""

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="webhook_events")
    event_id = models.CharField(max_length=200)
    type = models.CharField(max_length=200, db_index=True)
    source = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    time = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # What the receiver read the event to say (`suppliers.records.payload_to_json`), applied as it was read;
    # None for an event the cockpit does not use.
    payload = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["connection", "event_id"], name="unique_webhook_event")]
        indexes = [
            # The events stored but not applied yet (a handful at any time, among millions).
            models.Index(fields=["time"], condition=models.Q(processed_at__isnull=True), name="webhook_event_unapplied")
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class SyncRun(models.Model):
    """One pull sync of a connection (or of one target group)."""

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="sync_runs")
    target_group = models.ForeignKey(TargetGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requests_made = models.PositiveIntegerField(default=0)
    objects_created = models.PositiveIntegerField(default=0)
    objects_updated = models.PositiveIntegerField(default=0)
    target_groups_unchanged = models.PositiveIntegerField(default=0)
    # Whether the lists held every target group, or only those that can still move.
    listed_everything = models.BooleanField(default=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # The target groups are synced in parts of a few projects each, spread over the workers: how far it is.
    parts_total = models.PositiveIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    projects_total = models.PositiveIntegerField(default=0)
    projects_done = models.PositiveIntegerField(default=0)
    # When a part of it last ended: a run that stops moving for long is taken for dead.
    progressed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Two syncs of a whole connection never overlap: starting one is one INSERT.
            models.UniqueConstraint(
                fields=["connection"],
                condition=models.Q(finished_at__isnull=True, target_group__isnull=True),
                name="one_unfinished_sync_per_connection",
            )
        ]

    def __str__(self):
        return f"Sync of {self.connection} at {self.started_at:%Y-%m-%d %H:%M:%S}"
