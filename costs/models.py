"""What target groups cost: the CPI in force over time, the figures the lists sort on, and budgets.

A CPI change reaches the mirror by many paths (a sync's list row or full read, a webhook, an applied
change of the cockpit's own, Audience-Align's panel), several of them through ``QuerySet.update``, which
no signal or ``save`` sees. So a CPI's period is not written where the CPI is saved: the cost step after
each history snapshot (`costs.recording`) compares every target group's CPI with its latest period in one
query and opens a period where it differs. Whatever path moved it, the cockpit knows from which recording
interval the new CPI was in force, as precisely as it knows when completes came; no path pays for it.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from quotas.history.pace import Verdict


class CpiPeriod(models.Model):
    """A CPI in force from `from_at` (the start of the recording interval it was first seen in) until the
    next period. `completes_before`: the target group's completes at the end of the previous interval (its
    latest history point before `from_at`), so spend never depends on points that pruning removes."""

    target_group = models.ForeignKey("projects.TargetGroup", on_delete=models.CASCADE, related_name="cpi_periods")
    from_at = models.DateTimeField()
    cpi = models.DecimalField("CPI", max_digits=10, decimal_places=4)
    currency = models.CharField(max_length=3, blank=True)
    completes_before = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["target_group", "from_at"]
        constraints = [models.UniqueConstraint(fields=["target_group", "from_at"], name="unique_cpi_period")]

    def __str__(self):
        return f"{self.cpi:.2f} {self.currency} from {self.from_at:%Y-%m-%d %H:%M}"


class TargetGroupFigures(models.Model):
    """A target group's spend, pace and finish as of `computed_at`, stored so the dashboard sorts and pages
    on them in the database. The inputs they were computed from are kept beside them: a target group whose
    inputs moved is computed again at the next recording interval (`costs.recording.refresh_figures`)."""

    target_group = models.OneToOneField("projects.TargetGroup", on_delete=models.CASCADE, related_name="figures")
    computed_at = models.DateTimeField()
    # The inputs.
    completes = models.PositiveIntegerField(default=0)
    goal = models.PositiveIntegerField(default=0)
    end_at = models.DateTimeField(null=True, blank=True)
    cpi = models.DecimalField("CPI", max_digits=10, decimal_places=4, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # The figures. Spend is in `currency` (completes priced in another currency before a change of it are
    # left out, and said so on the target group's page).
    spend = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    projected_spend = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    per_day = models.FloatField(null=True, blank=True)
    finish_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name_plural = "target group figures"
        indexes = [
            models.Index(fields=["spend"], name="figures_spend"),
            models.Index(fields=["per_day"], name="figures_per_day"),
            models.Index(fields=["finish_at"], name="figures_finish_at"),
            models.Index(fields=["computed_at"], name="figures_computed_at"),
        ]

    def __str__(self):
        return f"Figures of {self.target_group_id} at {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def verdict_text(self):
        return Verdict(self.verdict).label if self.verdict else ""


class TargetGroupBudget(models.Model):
    """What the PM means to spend on a target group, in its CPI currency; local to the cockpit."""

    target_group = models.OneToOneField("projects.TargetGroup", on_delete=models.CASCADE, related_name="budget")
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Budget {self.amount} of {self.target_group}"


class ProjectBudget(models.Model):
    """What the PM means to spend on a whole project, compared with its target groups' spend in `currency`."""

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="budget")
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Budget {self.amount} {self.currency} of {self.project}"
