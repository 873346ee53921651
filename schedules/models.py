"""Changes a PM asks for at a later moment, or on a repeat, and each time one of them ran.

A schedule keeps the PM's wall-clock time and zone as they typed them, and the moment in UTC worked out
from them: a daily repeat at 08:00 in Europe/Berlin stays at 08:00 there across a daylight-saving change.
"""

from django.conf import settings
from django.db import models

from projects.models import TargetGroup


class ScheduledChange(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        # A repeat that has run at least once and runs again.
        RUNNING = "running", "Repeating"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Repeat(models.TextChoices):
        ONCE = "", "Once"
        DAILY = "daily", "Every day at the same time"
        HOURS = "hours", "Every few hours"

    WAITING_STATES = (State.SCHEDULED, State.RUNNING)

    # On a target group, or on a study (a plan change: close a cell, move goal between its target groups).
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="scheduled_changes"
    )
    study = models.ForeignKey(
        "studies.Study", null=True, blank=True, on_delete=models.CASCADE, related_name="scheduled_changes"
    )
    # What the PM chose (`schedules.actions.ACTIONS`), and the outbox change kind it records.
    action = models.CharField(max_length=40)
    kind = models.CharField(max_length=40)
    profile = models.ForeignKey("quotas.Profile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What `sync.intents.request_change` takes; a step (below) rewrites its value at each run.
    payload = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=300)
    # The next run as the PM sees it (their wall clock in their zone), and the same moment in UTC.
    local_date = models.DateField()
    local_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    run_at = models.DateTimeField()
    repeat = models.CharField(max_length=10, choices=Repeat.choices, blank=True, default=Repeat.ONCE)
    every_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    # "Raise by 50 … until 400": the figure moves by `step` from what the supplier last showed, up to `limit`.
    step = models.IntegerField(null=True, blank=True)
    limit = models.IntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    # Why it failed or stopped, for the PM.
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_at", "pk"]
        # The beat's question every minute: what is waiting and due.
        indexes = [models.Index(fields=["state", "run_at"], name="schedule_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_group__isnull=False, study__isnull=True)
                | models.Q(target_group__isnull=True, study__isnull=False),
                name="schedule_on_a_target_group_or_a_study",
            )
        ]

    def __str__(self):
        return f"{self.summary} ({self.get_state_display().lower()})"

    @property
    def is_waiting(self):
        return self.state in self.WAITING_STATES

    @property
    def is_editable(self):
        """Waiting for its first run: each run moves a schedule on from SCHEDULED (`schedules.running`)."""
        return self.state == self.State.SCHEDULED


class ScheduledRun(models.Model):
    """One run of a schedule, for one due time. Unique per (schedule, due time), and written in the same
    transaction as the outbox change it records: a due time runs once, whatever runs the beat twice or dies
    half-way."""

    schedule = models.ForeignKey(ScheduledChange, on_delete=models.CASCADE, related_name="runs")
    due_at = models.DateTimeField()
    ran_at = models.DateTimeField(auto_now_add=True)
    change = models.ForeignKey("sync.RemoteChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A study's schedule records a plan change (one outbox change per target group) instead.
    plan_change = models.ForeignKey(
        "studies.PlanChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why nothing was recorded (the supplier cannot take it now, the limit is reached …).
    message = models.TextField(blank=True)
    # When the PM who asked was told how it ended (`schedules.telling`).
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [models.UniqueConstraint(fields=["schedule", "due_at"], name="one_run_per_due_time")]

    def __str__(self):
        return f"{self.schedule_id} at {self.due_at:%Y-%m-%d %H:%M}"
