"""Simulated respondents (RIDs), reconciliations of them, and generated reports."""

import uuid

from django.db import models
from django.utils import timezone

from ..ids import new_ulid


class Respondent(models.Model):
    class Status(models.TextChoices):
        IN_SURVEY = "in_survey"
        COMPLETE = "complete"
        TERMINATE = "terminate"
        OVERQUOTA = "overquota"
        SECURITY_TERMINATE = "security_terminate"
        DROP = "drop"

    rid = models.CharField(max_length=36, unique=True, default=uuid.uuid4)
    target_group = models.ForeignKey("sandbox.TargetGroup", on_delete=models.CASCADE, related_name="respondents")
    status = models.CharField(max_length=20, choices=Status.choices)
    answers = models.JSONField(default=dict, help_text="{question_id: condition_id}")
    quota_ids = models.JSONField(default=list, help_text="Enabled quotas the respondent counted in.")
    supplier_id = models.PositiveIntegerField(default=0)
    entered_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    reconciled_status = models.CharField(max_length=20, blank=True, help_text="Status after a reconciliation.")
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["target_group", "status"])]

    def __str__(self):
        return f"{self.rid} {self.status}"

    @property
    def effective_status(self):
        return self.reconciled_status or self.status


class Reconciliation(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing"
        COMPLETE = "complete"

    request_id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    account = models.ForeignKey("sandbox.Account", on_delete=models.CASCADE, related_name="reconciliations")
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROCESSING)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.UUIDField(null=True, blank=True)
    ready_at = models.DateTimeField()
    csv = models.TextField()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.name} ({self.status})"


class ReconciliationItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending"
        INVALID = "invalid"
        EXPIRED = "expired"
        POSITIVE_REVERSED = "positive_reversed"
        NEGATIVE_REVERSED = "negative_reversed"

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="items")
    line_no = models.PositiveIntegerField()
    rid = models.CharField(max_length=100)
    reason_code = models.CharField(max_length=20)
    respondent = models.ForeignKey(Respondent, null=True, blank=True, on_delete=models.SET_NULL)
    target_group = models.ForeignKey("sandbox.TargetGroup", null=True, blank=True, on_delete=models.SET_NULL)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["reconciliation", "line_no"]

    def __str__(self):
        return f"{self.rid},{self.reason_code} -> {self.outcome}"


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        COMPLETED = "completed"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    account = models.ForeignKey("sandbox.Account", on_delete=models.CASCADE, related_name="reports")
    report_type = models.CharField(max_length=40)
    filter = models.CharField(max_length=20, blank=True)
    filter_ids = models.JSONField(default=list, blank=True)
    start_date = models.CharField(max_length=40, blank=True)
    end_date = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    content = models.TextField(blank=True)
    requestor_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.report_type} {self.id} ({self.status})"

    @property
    def file_name(self):
        return f"{self.id}.csv"
