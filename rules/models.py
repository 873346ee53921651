"""Rules that act while the PM is away, and each episode of a rule's condition.

A rule watches one figure of a target group (or of every target group of a connection) against two
thresholds: it fires past the first and re-arms only once the figure is back past the second, so a figure
that wobbles around the first fires once. Each time it fires opens an episode, which records the figure and
the threshold that fired it and the change it asked of the supplier; the episode ends when the condition
clears. Only one episode of a rule is open per target group (and quota row) at a time: the database says so,
whatever number of beats evaluate the rule at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from projects.models import SupplierConnection, TargetGroup


class Rule(models.Model):
    class Action(models.TextChoices):
        NOTIFY = "notify", "Notify only"
        PAUSE = "pause", "Pause fielding"
        CLOSE_QUOTA = "close_quota", "Close the quota (no more respondents)"
        SET_TARGET = "set_target", "Set the quota's current target"
        COMPLETE = "complete", "Complete (close) fielding"
        # On a study.
        CLOSE_CELL = "close_cell", "Close the cell at every supplier"
        PAUSE_STUDY = "pause_study", "Pause every target group of the study"

    TARGET_GROUP_ACTIONS = (Action.NOTIFY, Action.PAUSE, Action.CLOSE_QUOTA, Action.SET_TARGET, Action.COMPLETE)
    STUDY_ACTIONS = (Action.NOTIFY, Action.CLOSE_CELL, Action.PAUSE_STUDY)

    name = models.CharField(max_length=120)
    # On one target group, on every target group of a connection, or on a study (exactly one of the three).
    target_group = models.ForeignKey(TargetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    connection = models.ForeignKey(
        SupplierConnection, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    study = models.ForeignKey("studies.Study", null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    # What it watches (`rules.conditions.CONDITIONS`), over the last `hours` where the figure is a count.
    condition = models.CharField(max_length=40)
    hours = models.PositiveSmallIntegerField(null=True, blank=True)
    # Fires past `fire_at` (below it for a figure that should stay up, above it for one that should stay
    # down); re-arms once the figure is back at `clear_at` or beyond.
    fire_at = models.DecimalField(max_digits=12, decimal_places=2)
    clear_at = models.DecimalField(max_digits=12, decimal_places=2)
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.NOTIFY)
    # The current target `set_target` sets.
    action_value = models.PositiveIntegerField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # The ready-made rule it was switched on from (`rules.presets`), if any.
    preset = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_group__isnull=False, connection__isnull=True, study__isnull=True)
                | Q(target_group__isnull=True, connection__isnull=False, study__isnull=True)
                | Q(target_group__isnull=True, connection__isnull=True, study__isnull=False),
                name="rule_on_a_target_group_a_connection_or_a_study",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def spec(self):
        from .study_conditions import spec_of

        return spec_of(self)

    @property
    def hysteresis(self):
        """ "fires below 1 start in 24 h, re-arms at 5 or more" """
        return self.spec.hysteresis(self)

    @property
    def scope_words(self):
        if self.connection_id:
            return f"every target group of {self.connection}"
        if self.study_id:
            return f"the study “{self.study.name}”"
        return f"“{self.target_group.name}”"


class RuleEpisode(models.Model):
    """One firing of a rule on one target group (and quota row), or on its study (and cell), until its
    condition clears."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="episodes")
    # Empty for a rule on a study: the rule names its study.
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="rule_episodes"
    )
    # The quota row it fired on ("quota-12", "cell-3"), the study's cell ("study-cell-4"), or "" for a figure
    # of the whole target group or study.
    row = models.CharField(max_length=30, blank=True)
    row_label = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField()
    figure = models.DecimalField(max_digits=14, decimal_places=2)
    threshold = models.DecimalField(max_digits=12, decimal_places=2)
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_figure = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    change = models.ForeignKey("sync.RemoteChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What was done, or why nothing was sent, in words.
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "target_group", "row"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_episode_per_rule_and_row",
            ),
            models.UniqueConstraint(
                fields=["rule", "row"],
                condition=Q(cleared_at__isnull=True, target_group__isnull=True),
                name="one_open_study_episode_per_rule_and_row",
            ),
        ]

    def __str__(self):
        on = self.target_group_id or "its study"
        return f"{self.rule} on {on} at {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self):
        return self.cleared_at is None

    @property
    def fired_words(self):
        """ "0 starts in 24 h < 1" """
        return self.rule.spec.comparison(self.figure, self.rule)

    @property
    def cleared_words(self):
        return "" if self.clear_figure is None else self.rule.spec.figure_words(self.clear_figure, self.rule)


class StatusSeen(models.Model):
    """Since when the cockpit has seen a target group in its status (the suppliers give no such date):
    "paused for 10 days" counts from here."""

    target_group = models.OneToOneField(TargetGroup, on_delete=models.CASCADE, related_name="status_seen")
    status = models.CharField(max_length=10)
    since = models.DateTimeField()

    class Meta:
        verbose_name_plural = "statuses seen"

    def __str__(self):
        return f"{self.target_group_id} {self.status} since {self.since:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """An event told about a target group that must not be told again until it clears (pace turned behind)
    or ever again for its `key` (the reconciliation deadline of a month)."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    key = models.CharField(max_length=20, blank=True)
    opened_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_group", "event", "key"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_reminder_per_event",
            )
        ]

    def __str__(self):
        return f"{self.event} {self.key} on {self.target_group_id}"
