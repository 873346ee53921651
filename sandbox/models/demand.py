"""Projects and target groups as the supplier keeps them."""

from django.db import models
from django.db.models import F
from django.utils import timezone

from ..ids import human_readable_id, new_ulid


def _project_hrid():
    return human_readable_id(6)


def _target_group_hrid():
    return human_readable_id(7)


class Project(models.Model):
    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    account = models.ForeignKey("sandbox.Account", on_delete=models.CASCADE, related_name="projects")
    human_readable_id = models.CharField(max_length=6, unique=True, default=_project_hrid)
    name = models.CharField(max_length=128)
    project_manager_id = models.UUIDField()
    purchase_order_number = models.CharField(max_length=128, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.human_readable_id} {self.name}"

    def bump(self):
        Project.objects.filter(pk=self.pk).update(version=F("version") + 1, updated_at=timezone.now())
        self.refresh_from_db(fields=["version", "updated_at"])


class TargetGroupStatus(models.TextChoices):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    PAUSED = "paused"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class TargetGroup(models.Model):
    Status = TargetGroupStatus

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="target_groups")
    human_readable_id = models.CharField(max_length=7, unique=True, default=_target_group_hrid)
    name = models.CharField(max_length=128)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    business_unit = models.ForeignKey("sandbox.BusinessUnit", on_delete=models.PROTECT)
    locale = models.CharField(max_length=10)
    collects_pii = models.BooleanField(default=False)
    study_type_code = models.CharField(max_length=50, default="adhoc")
    industry_code = models.CharField(max_length=50, default="other")
    industry_lockout_code = models.CharField(max_length=50, blank=True, default="no_lock_out")
    pricing_model = models.CharField(max_length=10, default="dynamic")
    cost_per_interview = models.JSONField(null=True, blank=True)
    client_cost_per_interview_note = models.JSONField(null=True, blank=True)
    client_id = models.IntegerField(null=True, blank=True)
    project_manager_id = models.UUIDField()
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    filling_goal = models.PositiveIntegerField(default=0)
    filling_strategy = models.CharField(max_length=12, default="completes")
    expected_length_of_interview_minutes = models.PositiveSmallIntegerField(default=10)
    expected_incidence_rate = models.FloatField(default=0.5)
    live_url = models.TextField(blank=True)
    test_url = models.TextField(blank=True)
    fielding_assistant = models.JSONField(default=dict, blank=True)
    exclusion = models.JSONField(null=True, blank=True)
    supply_allocations = models.JSONField(default=list, blank=True)
    # Running totals the simulation keeps (respondents are the detail).
    entrants = models.PositiveIntegerField(default=0)
    prescreens = models.PositiveIntegerField(default=0)
    completes = models.PositiveIntegerField(default=0)
    # Bumped by every change to the target group, its profiles, interlocks or fielding runs.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.human_readable_id} {self.name} ({self.status})"

    @property
    def etag(self):
        return f'W/"{self.version}"'

    @property
    def account_id(self):
        return self.project.account_id

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def prevent_overfill(self):
        overlay = (self.fielding_assistant or {}).get("quota_overlay") or {}
        return overlay.get("prevent_overfill", True)

    @property
    def currency_code(self):
        return self.business_unit.currency_code

    def bump(self):
        """Record that something about this target group changed: a new ETag."""
        now = timezone.now()
        TargetGroup.objects.filter(pk=self.pk).update(version=F("version") + 1, updated_at=now)
        self.refresh_from_db(fields=["version", "updated_at"])


class ChangelogEntry(models.Model):
    """One batch of changes to a target group, as its changelog endpoint and the
    `target-group-updated` webhook report them."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="changelog")
    occurred_at = models.DateTimeField(default=timezone.now)
    user_id = models.UUIDField(null=True, blank=True, help_text="Empty: changed by the system.")
    changes = models.JSONField(default=list, help_text="[{object, old_value, new_value}]")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "changelog entries"

    def __str__(self):
        return ", ".join(change["object"] for change in self.changes)
