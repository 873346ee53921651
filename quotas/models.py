"""Profiles, their quotas, and the interlocked profile of a target group.

Shapes follow the contract's v2 profiles (``GetAllProfilesResponse``): a TG has
regular profiles, each with conditions and quotas (ungrouped: one per condition;
grouped: one per group of conditions), and at most one interlocked profile whose
cells are the cartesian product of the profiles it joins.
"""

from django.db import models

from projects.models import RemoteMixin, TargetGroup


class QuotaKind(models.TextChoices):
    UNGROUPED = "ungrouped", "Ungrouped"
    GROUPED = "grouped", "Grouped"


class InterlockedProfile(RemoteMixin):
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="interlocked_profiles")
    name = models.CharField(max_length=255)
    quotas_enabled = models.BooleanField(default=True)
    depends_on_questions = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_group", "remote_id"], name="unique_interlocked_profile_remote")
        ]

    def __str__(self):
        return self.name


class Profile(RemoteMixin):
    """A regular profile: one profiling question with its conditions and quotas."""

    class ConditionsKind(models.TextChoices):
        SELECTION = "selection_conditions_details_template", "Options"
        RANGE = "range_conditions_details_template", "Ranges"
        ZIP = "zip_conditions_details_template", "Postal codes"

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="profiles")
    question_id = models.IntegerField()
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    quotas_enabled = models.BooleanField(default=True)
    conditions_kind = models.CharField(max_length=60, choices=ConditionsKind.choices, blank=True)
    # The supplier's condition list as read: [{"id", "text", "option"|"min"/"max"|...}].
    conditions = models.JSONField(default=list, blank=True)
    interlocked_profile = models.ForeignKey(
        InterlockedProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target_group", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["target_group", "remote_id"], name="unique_profile_remote")]

    def __str__(self):
        return self.name

    @property
    def is_interlocked(self):
        return self.interlocked_profile_id is not None


class QuotaFields(models.Model):
    """Counts and goals common to a profile quota and an interlock cell."""

    remote_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=QuotaKind.choices, default=QuotaKind.UNGROUPED)
    text = models.CharField(max_length=500, help_text="The condition text, or the group's name.")
    # The contract's `quota` (the share of the TG this cell should take, in %)
    # and `completes_goal` (the nominal filling goal).
    quota = models.PositiveIntegerField(default=0, null=True, blank=True)
    completes_goal = models.PositiveIntegerField(default=0)
    # Null where the supplier does not count them for this quota (shown as unknown, never as 0).
    completes = models.PositiveIntegerField(default=0, null=True, blank=True)
    prescreens = models.PositiveIntegerField(default=0, null=True, blank=True)
    # A cap on traffic below the goal (PureSpectrum's current_target); null where there is none.
    traffic_cap = models.PositiveIntegerField(null=True, blank=True)
    # Anything else the supplier says about the quota (locked, currently open, criteria…).
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)
    # Its pace and where it leads, and a line of its last day, from its history: written by the beat after
    # each snapshot (`quotas.history.row_figures`), so the grid reads them with its rows.
    pace_per_day = models.FloatField(null=True, blank=True)
    finish_at = models.DateTimeField(null=True, blank=True)
    pace_verdict = models.CharField(max_length=10, blank=True)
    sparkline = models.TextField(blank=True)
    figures_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.text

    @property
    def is_full(self):
        return self.completes_goal > 0 and self.completes is not None and self.completes >= self.completes_goal

    @property
    def fill_percent(self):
        """How full the quota is, in % (None when its completes are not known)."""
        if self.completes is None:
            return None
        if not self.completes_goal:
            return 0
        return min(100, round(100 * self.completes / self.completes_goal))


class Quota(QuotaFields):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="quotas")
    # Condition ids this quota counts: one for an ungrouped quota, several for a group.
    condition_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["profile", "kind", "position"]
        constraints = [models.UniqueConstraint(fields=["profile", "remote_id"], name="unique_quota_remote")]


class InterlockCell(QuotaFields):
    """One cell of an interlocked profile, e.g. "18-24, Male"."""

    interlocked_profile = models.ForeignKey(InterlockedProfile, on_delete=models.CASCADE, related_name="cells")

    class Meta:
        ordering = ["interlocked_profile", "position"]
        constraints = [
            models.UniqueConstraint(fields=["interlocked_profile", "remote_id"], name="unique_interlock_cell_remote")
        ]


from .history.models import CellPoint, QuotaPoint, TargetGroupPoint  # noqa: E402, F401
