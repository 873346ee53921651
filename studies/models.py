"""A study: what the PM sells (a goal, field dates, a budget and a quota plan), fielded on target groups of any
suppliers. A study never talks to a supplier itself: its plan changes are parents of ordinary outbox changes.

* The **plan** is its dimensions (gender, age bands, region, any qualification), each with bands, and its
  cells, each a goal over one band of one dimension (single) or of several (interlocked: gender × age).
* **Attachments** put target groups of any supplier and connection in the study (a target group is in one
  study at most); **mappings** say which cell each of their quotas or interlock cells counts for. The
  cockpit proposes them from what the quotas mean and how sure it is; the PM confirms.
* A supplier's **allocation** of a cell is the goal of the quota mapped to it, as mirrored from the supplier:
  the cockpit keeps no second copy to drift.
* A **plan change** moves goals between suppliers as parts, one outbox change per target group; its state is
  the sum of its parts'. The **guard** closes a full cell at every supplier and says so (`GuardAct`).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from projects.models import TargetGroup
from sync.models import RemoteChange


class Study(models.Model):
    class WhenFull(models.TextChoices):
        PAUSE = "pause", "Pause every target group"
        COMPLETE = "complete", "Complete every target group"

    name = models.CharField(max_length=200)
    client = models.CharField(max_length=200, blank=True)
    goal = models.PositiveIntegerField(help_text="Completes the client buys, over every supplier.")
    field_start = models.DateTimeField()
    field_end = models.DateTimeField()
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    when_full = models.CharField(max_length=10, choices=WhenFull.choices, default=WhenFull.PAUSE)
    # The over-quota guard closes full cells at every supplier; a PM may switch it off for a study.
    guard_on = models.BooleanField(default=True)
    # When the guard paused or completed every target group (the study reached its goal); cleared when its
    # completes are below the goal again, so it acts once per time the study fills.
    guard_full_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "studies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("studies:detail", args=[self.pk])


class Dimension(models.Model):
    """One axis of the plan: gender, age, region, or any other qualification."""

    class Attribute(models.TextChoices):
        GENDER = "gender", "Gender"
        AGE = "age", "Age"
        REGION = "region", "Region"
        OTHER = "other", "Other qualification"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=100)
    attribute = models.CharField(max_length=10, choices=Attribute.choices)
    # For OTHER: the qualification as the suppliers name it (matched by name, case-insensitive).
    question = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["study", "position", "id"]

    def __str__(self):
        return self.name


class Band(models.Model):
    """One value of a dimension: "Male", "18–34", "Northeast".

    `value` says what it means, by attribute: gender ``"male"`` / ``"female"``; age ``{"min": 18, "max": 34}``
    (inclusive); region and other ``["answer", …]`` (answer texts, matched case-insensitively).
    """

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(max_length=100)
    value = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension", "position", "id"]

    def __str__(self):
        return self.label


class Cell(models.Model):
    """A goal over one band (a single cell) or one band of each of several dimensions (an interlocked cell)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="cells")
    label = models.CharField(max_length=300)
    goal = models.PositiveIntegerField(default=0)
    bands = models.ManyToManyField(Band, related_name="cells")
    position = models.PositiveIntegerField(default=0)
    # When the guard closed it at every supplier (its combined achieved reached its goal); cleared when the
    # combined achieved is below the goal again (its goal raised), which re-arms the guard for it.
    guard_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "position", "id"]

    def __str__(self):
        return self.label


class Attachment(models.Model):
    """A target group fielding the study (any supplier, any connection, a draft too)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="attachments")
    target_group = models.OneToOneField(TargetGroup, on_delete=models.CASCADE, related_name="study_attachment")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "added_at", "id"]

    def __str__(self):
        return f"{self.target_group} in {self.study}"


class Mapping(models.Model):
    """Which cell a supplier's quota (or interlock cell) counts for: proposed by the cockpit, confirmed by the PM.

    `cell` is empty for a quota that fits no cell, `reason` says why in words ("18–40 straddles 18–34 and
    35–54"). A quota has one mapping.
    """

    class Confidence(models.TextChoices):
        SURE = "sure", "Sure"
        LIKELY = "likely", "Likely"
        UNSURE = "unsure", "Unsure"
        NONE = "none", "Fits no cell"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="mappings")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="+")
    quota = models.OneToOneField(
        "quotas.Quota", null=True, blank=True, on_delete=models.CASCADE, related_name="study_mapping"
    )
    interlock_cell = models.OneToOneField(
        "quotas.InterlockCell", null=True, blank=True, on_delete=models.CASCADE, related_name="study_mapping"
    )
    cell = models.ForeignKey(Cell, null=True, blank=True, on_delete=models.SET_NULL, related_name="mappings")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.UNSURE)
    reason = models.CharField(max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["study", "target_group", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quota__isnull=False, interlock_cell__isnull=True)
                | models.Q(quota__isnull=True, interlock_cell__isnull=False),
                name="mapping_of_one_quota_or_cell",
            )
        ]

    def __str__(self):
        return f"{self.quota or self.interlock_cell} → {self.cell or '—'}"

    @property
    def source(self):
        """The supplier's quota or interlock cell this maps."""
        return self.quota or self.interlock_cell


class PlanChange(models.Model):
    """Goals moved between suppliers as one act: a parent of one outbox change per target group (`PlanPart`).

    Its state is the sum of its parts': pending until all settle; applied when all did; otherwise it says
    which part was refused and why, the others staying as applied.
    """

    class Origin(models.TextChoices):
        PM = "pm", "Asked by a PM"
        SUGGESTION = "suggestion", "The suggested split"
        GUARD = "guard", "The over-quota guard"
        SCHEDULE = "schedule", "A scheduled change"
        RULE = "rule", "A rule"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="plan_changes")
    summary = models.CharField(max_length=300)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.PM)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The plan change this one undoes or retries, if any.
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.summary


class PlanPart(models.Model):
    """One target group's share of a plan change: its new goals (and current targets) by quota remote id.

    Lowerings (step 0) are sent at once; raises (step 1) only once the lowerings they pay for are applied.
    `change` is the outbox change once sent; a part never sent says why in `held_reason`.
    """

    plan_change = models.ForeignKey(PlanChange, on_delete=models.CASCADE, related_name="parts")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(default=0)
    goals = models.JSONField(default=dict, blank=True)
    targets = models.JSONField(default=dict, blank=True)
    change = models.OneToOneField(
        RemoteChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_part"
    )
    held_reason = models.CharField(max_length=300, blank=True)
    # The goals before the change (by quota remote id), for an undo; the cell each quota counts for, for words.
    before = models.JSONField(default=dict, blank=True)
    cells = models.JSONField(default=dict, blank=True)
    # When a raise was taken to be sent (one conditional UPDATE, so it is never sent twice).
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan_change", "step", "id"]

    def __str__(self):
        return f"{self.plan_change} · {self.target_group}"


class GuardAct(models.Model):
    """What the over-quota guard did and why: a cell closed at every supplier, or the study paused or completed."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="guard_acts")
    cell = models.ForeignKey(Cell, null=True, blank=True, on_delete=models.SET_NULL, related_name="guard_acts")
    text = models.CharField(max_length=500)
    achieved = models.PositiveIntegerField(default=0)
    goal = models.PositiveIntegerField(default=0)
    changes = models.ManyToManyField(RemoteChange, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.text
