"""Fielding runs, the asynchronous jobs that create them, and batch jobs."""

from django.db import models
from django.db.models import F
from django.utils import timezone

from ..ids import new_ulid


class RunStatus(models.TextChoices):
    SCHEDULED = "Scheduled"
    LIVE = "Live"
    PAUSED = "Paused"
    COMPLETED = "Completed"


class JobStatus(models.TextChoices):
    PROCESSING = "Processing"
    COMPLETED = "Completed"
    FAILED = "Failed"


class FieldingRun(models.Model):
    Status = RunStatus

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    target_group = models.ForeignKey("sandbox.TargetGroup", on_delete=models.CASCADE, related_name="fielding_runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    last_changed_at = models.DateTimeField(default=timezone.now)
    last_changed_by = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.id} {self.status}"

    @property
    def etag(self):
        return f'W/"{self.version}"'

    def bump(self):
        FieldingRun.objects.filter(pk=self.pk).update(version=F("version") + 1, last_changed_at=timezone.now())
        self.refresh_from_db(fields=["version", "last_changed_at"])


class FieldingJob(models.Model):
    """A launch-from-draft or schedule-from-draft job: Processing for
    SANDBOX_JOB_SECONDS, then Completed (a run exists) or Failed (with reasons)."""

    class Kind(models.TextChoices):
        LAUNCH = "launch-from-draft"
        SCHEDULE = "schedule-from-draft"

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    target_group = models.ForeignKey("sandbox.TargetGroup", on_delete=models.CASCADE, related_name="fielding_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PROCESSING)
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField()
    created_by = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(help_text="When the job may be resolved.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_fielding_run = models.ForeignKey(FieldingRun, null=True, blank=True, on_delete=models.SET_NULL)
    failure_reason = models.JSONField(null=True, blank=True)
    trace_id = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.id} {self.status}"


class BatchJob(models.Model):
    """A bulk launch/pause/resume/complete/relaunch over target group ids."""

    class Action(models.TextChoices):
        LAUNCH = "launch"
        PAUSE = "pause"
        RESUME = "resume"
        COMPLETE = "complete"
        RELAUNCH = "relaunch"

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    project = models.ForeignKey("sandbox.Project", on_delete=models.CASCADE, related_name="batch_jobs")
    action = models.CharField(max_length=10, choices=Action.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PROCESSING)
    target_group_ids = models.JSONField(default=list)
    updated = models.JSONField(default=list, blank=True)
    failed = models.JSONField(default=list, blank=True)
    created_by = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.action} x{len(self.target_group_ids)} {self.status}"
