"""Profiles (questions with conditions), their quotas, and interlocks (cells)."""

from django.db import models
from django.utils import timezone

from ..ids import new_ulid


class Interlock(models.Model):
    """An interlocked profile: the cartesian product of 2–6 profiles' conditions."""

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    target_group = models.ForeignKey("sandbox.TargetGroup", on_delete=models.CASCADE, related_name="interlocks")
    name = models.CharField(max_length=300)
    quotas_enabled = models.BooleanField(default=True)
    depends_on_questions = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.name


class Profile(models.Model):
    class Kind(models.TextChoices):
        SELECTION = "selection"
        RANGE = "range"
        ZIP = "zip"

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    target_group = models.ForeignKey("sandbox.TargetGroup", on_delete=models.CASCADE, related_name="profiles")
    question_id = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quotas_enabled = models.BooleanField(default=True)
    interlock = models.ForeignKey(
        Interlock, null=True, blank=True, on_delete=models.SET_NULL, related_name="participants"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.name} ({self.question_id})"


class Condition(models.Model):
    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=200)
    option = models.CharField(max_length=20, blank=True)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    zip_codes = models.JSONField(null=True, blank=True)
    allow_all_zip = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.text


class Quota(models.Model):
    """A quota on one condition (ungrouped), several (grouped), or an interlock cell."""

    class Kind(models.TextChoices):
        UNGROUPED = "ungrouped"
        GROUPED = "grouped"
        CELL = "cell"

    id = models.CharField(max_length=26, primary_key=True, default=new_ulid)
    target_group = models.ForeignKey("sandbox.TargetGroup", on_delete=models.CASCADE, related_name="quotas")
    profile = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.CASCADE, related_name="quotas")
    interlock = models.ForeignKey(Interlock, null=True, blank=True, on_delete=models.CASCADE, related_name="cells")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UNGROUPED)
    name = models.CharField(max_length=300, blank=True, help_text="Grouped quota name or cell text.")
    condition_ids = models.JSONField(default=list, help_text="Conditions covered (a cell: one per profile).")
    quota_percentage = models.PositiveIntegerField(default=0)
    completes_goal = models.PositiveIntegerField(default=0)
    completes = models.PositiveIntegerField(default=0)
    prescreens = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.name or self.id}: {self.completes}/{self.completes_goal}"

    @property
    def room(self):
        return max(0, self.completes_goal - self.completes)

    @property
    def is_enabled(self):
        if self.interlock_id:
            return self.interlock.quotas_enabled
        return bool(self.profile and self.profile.quotas_enabled and not self.profile.interlock_id)
