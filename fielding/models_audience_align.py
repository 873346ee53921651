"""Audience-Align's master data (cached per connection, refreshed daily) and feasibility checks
asked from the new-survey form."""

from django.conf import settings
from django.db import models

from projects.models import SupplierConnection


class AudienceAlignMasterData(models.Model):
    """One list of Audience-Align's master data, as last read: countries, languages, study categories,
    verticals, or the standard qualifications of one country and language (`key` "229/5")."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Countries"
        LANGUAGE = "language", "Languages"
        STUDY_CATEGORY = "study_category", "Study categories"
        VERTICAL = "vertical", "Verticals"
        QUALIFICATIONS = "qualifications", "Standard qualifications"

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="aa_master_data")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=40, blank=True, help_text="For qualifications: country id / language id.")
    data = models.JSONField(default=list)
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = "Audience-Align master data"
        verbose_name_plural = "Audience-Align master data"
        constraints = [models.UniqueConstraint(fields=["connection", "kind", "key"], name="unique_aa_master_data")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}".strip()


class AudienceAlignFeasibility(models.Model):
    """A feasibility question put to Audience-Align from the new-survey form; the form polls it."""

    class State(models.TextChoices):
        PENDING = "pending", "Asking the supplier"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="+")
    inputs = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "Audience-Align feasibility check"

    def __str__(self):
        return f"Feasibility {self.inputs.get('locale', '')} ({self.state})"

    @property
    def is_settled(self):
        return self.state != self.State.PENDING
