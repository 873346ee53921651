"""The PureSpectrum part's own model of the Buy API: buyers (by access token), surveys,
their quotas, respondents' transactions and adjustments. Nothing here knows the app."""

import time
import uuid

from django.db import models
from django.utils import timezone


def now_ms():
    return int(time.time() * 1000)


def new_uuid():
    return str(uuid.uuid4())


def new_object_id():
    """A 24-hex id like the `_id` PureSpectrum's quotas carry."""
    return uuid.uuid4().hex[:24]


class PsBuyer(models.Model):
    """A buyer account, known by its access token (one token per environment)."""

    name = models.CharField(max_length=100)
    access_token = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name = "PureSpectrum buyer"

    def __str__(self):
        return self.name


class PsSurvey(models.Model):
    """A survey; `pk` is its `ps_survey_id`."""

    class Status(models.IntegerChoices):
        DRAFT = 11, "Draft"
        LIVE = 22, "Live"
        PAUSED = 33, "Paused"
        CLOSED = 44, "Closed"

    buyer = models.ForeignKey(PsBuyer, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=255)
    localization = models.CharField(max_length=10, default="en_US")
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.DRAFT)
    # Why PureSpectrum paused or closed it by itself ("" when the buyer did).
    status_reason = models.CharField(max_length=200, blank=True)
    completes_required = models.PositiveIntegerField()
    expected_ir = models.PositiveSmallIntegerField(help_text="Expected incidence, in %.")
    expected_loi = models.PositiveSmallIntegerField(help_text="Expected length of interview, in minutes.")
    live_url = models.URLField(max_length=2000)
    test_url = models.URLField(max_length=2000)
    field_time = models.PositiveSmallIntegerField(help_text="Days in field.")
    offer_price = models.DecimalField(max_digits=8, decimal_places=2, help_text="CPI, USD.")
    qualifications = models.JSONField(default=list, blank=True)
    completes = models.PositiveIntegerField(default=0)
    starts = models.PositiveIntegerField(default=0)
    terminations = models.PositiveIntegerField(default=0)
    overquotas = models.PositiveIntegerField(default=0)
    drops = models.PositiveIntegerField(default=0)
    interview_seconds = models.PositiveBigIntegerField(default=0, help_text="Summed over completes (for the LOI).")
    last_start_at = models.DateTimeField(null=True, blank=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    crtd_on = models.BigIntegerField(default=now_ms)
    mod_on = models.BigIntegerField(default=now_ms)

    class Meta:
        verbose_name = "PureSpectrum survey"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.pk} {self.title}"

    def touch(self):
        """A change to the survey or its quotas: `mod_on` moves on (strictly)."""
        self.mod_on = max(now_ms(), self.mod_on + 1)


class PsQuota(models.Model):
    survey = models.ForeignKey(PsSurvey, on_delete=models.CASCADE, related_name="quotas")
    buyer_quota_id = models.CharField(max_length=64)
    title = models.CharField(max_length=200, blank=True)
    quota_id = models.CharField(max_length=36, default=new_uuid)
    object_id = models.CharField(max_length=24, default=new_object_id)
    required_count = models.PositiveIntegerField()
    current_target = models.PositiveIntegerField()
    criteria = models.JSONField(default=list)
    achieved = models.PositiveIntegerField(default=0)
    starts = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    crtd_on = models.BigIntegerField(default=now_ms)
    mod_on = models.BigIntegerField(default=now_ms)

    class Meta:
        verbose_name = "PureSpectrum quota"
        ordering = ["survey", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "buyer_quota_id"], name="unique_ps_quota")]

    def __str__(self):
        return f"{self.survey_id}/{self.buyer_quota_id}"

    @property
    def room(self):
        """Completes the quota still takes: up to its current target (never above its quantity)."""
        return max(0, min(self.current_target, self.required_count) - self.achieved)


class PsTransaction(models.Model):
    """One respondent's visit, by the `transaction_id` PureSpectrum gives it."""

    class Outcome(models.TextChoices):
        COMPLETE = "complete", "Complete"
        TERMINATE = "terminate", "Terminate"
        OVERQUOTA = "overquota", "Over quota"
        DROP = "drop", "Drop"
        REJECTED = "rejected", "Rejected by an adjustment"

    survey = models.ForeignKey(PsSurvey, on_delete=models.CASCADE, related_name="transactions")
    transaction_id = models.CharField(max_length=64, unique=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # The quotas (pks) the respondent fell in: a complete counts in each, and so does its reversal.
    quota_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "PureSpectrum transaction"

    def __str__(self):
        return self.transaction_id


class PsAdjustment(models.Model):
    """A reconciliation: the survey's final list of valid completes, resolved after a few seconds."""

    class Status(models.IntegerChoices):
        PENDING = 1, "Pending"
        COMPLETED = 2, "Completed"

    survey = models.ForeignKey(PsSurvey, on_delete=models.CASCADE, related_name="adjustments")
    adjustment_id = models.CharField(max_length=36, unique=True, default=new_uuid)
    transaction_ids = models.JSONField(default=list)
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.PENDING)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    resolve_at = models.DateTimeField()

    class Meta:
        verbose_name = "PureSpectrum adjustment"
        ordering = ["pk"]

    def __str__(self):
        return self.adjustment_id
