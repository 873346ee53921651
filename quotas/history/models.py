"""Points of history: an owner's achieved count at a moment, written only when it changed.

A point's `at` is the start of the recording interval it was taken in (`HISTORY_INTERVAL_SECONDS`),
so an owner has at most one point per interval: a second change in the same interval updates that
interval's point. The unique index on (owner, at) is also the one "points of one owner in a time
range" reads. Imported from ``quotas.models`` so Django finds them; foreign keys are named as
strings so this module imports no model module back.
"""

from django.db import models


class Source(models.TextChoices):
    SNAPSHOT = "snapshot", "The cockpit's mirror"
    SUPPLIER = "supplier", "The supplier's own series"


class Point(models.Model):
    at = models.DateTimeField()
    completes = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SNAPSHOT)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.completes} at {self.at:%Y-%m-%d %H:%M}"


class QuotaPoint(Point):
    quota = models.ForeignKey("quotas.Quota", on_delete=models.CASCADE, related_name="history")

    class Meta:
        ordering = ["quota", "at"]
        constraints = [models.UniqueConstraint(fields=["quota", "at"], name="unique_quota_point")]


class CellPoint(Point):
    cell = models.ForeignKey("quotas.InterlockCell", on_delete=models.CASCADE, related_name="history")

    class Meta:
        ordering = ["cell", "at"]
        constraints = [models.UniqueConstraint(fields=["cell", "at"], name="unique_cell_point")]


class TargetGroupPoint(Point):
    """A target group's completes and prescreens (what the completes chart draws)."""

    target_group = models.ForeignKey("projects.TargetGroup", on_delete=models.CASCADE, related_name="history")
    prescreens = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["target_group", "at"]
        constraints = [models.UniqueConstraint(fields=["target_group", "at"], name="unique_target_group_point")]
