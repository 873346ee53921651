"""Fielding runs of launched target groups, and the supplier's asynchronous jobs."""

from django.conf import settings
from django.db import models

from projects.models import Project, TargetGroup


class FieldingRun(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "Scheduled", "Scheduled"
        LIVE = "Live", "Live"
        PAUSED = "Paused", "Paused"
        COMPLETED = "Completed", "Completed"

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="fielding_runs")
    remote_id = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    start_fielding_at = models.DateTimeField(null=True, blank=True)
    end_fielding_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_changed_by = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_group", "-start_fielding_at"]
        constraints = [models.UniqueConstraint(fields=["target_group", "remote_id"], name="unique_fielding_run_remote")]

    def __str__(self):
        return f"{self.target_group} run {self.remote_id} ({self.status})"


class FieldingJob(models.Model):
    """An asynchronous supplier job: launch/schedule from draft, or a batch job."""

    class Kind(models.TextChoices):
        LAUNCH_FROM_DRAFT = "launch_from_draft", "Launch from draft"
        SCHEDULE_FROM_DRAFT = "schedule_from_draft", "Schedule from draft"
        BATCH_LAUNCH = "batch_launch", "Launch (bulk)"
        BATCH_PAUSE = "batch_pause", "Pause (bulk)"
        BATCH_RESUME = "batch_resume", "Resume (bulk)"
        BATCH_COMPLETE = "batch_complete", "Complete (bulk)"
        BATCH_RELAUNCH = "batch_relaunch", "Relaunch (bulk)"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROCESSING = "Processing", "Processing"
        COMPLETED = "Completed", "Completed"
        FAILED = "Failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fielding_jobs")
    # Set for a single-TG job; a batch job lists its TGs in `target_groups`.
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="fielding_jobs"
    )
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="batch_jobs")
    remote_job_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    request = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    failure_reason = models.TextField(blank=True)
    polls = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.remote_job_id or '(not sent)'}: {self.status}"

    @property
    def is_settled(self):
        return self.status in (self.Status.COMPLETED, self.Status.FAILED)
