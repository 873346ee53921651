"""The Audience-Align part's models: API clients, surveys with their qualifications, quotas and
interlocking, exclusions, simulated respondents and reconciliations."""

import secrets
import string

from django.db import models
from django.utils import timezone

_ID_ALPHABET = string.ascii_letters + string.digits


def new_project_id():
    """A survey's id, 16 letters and digits like ``SqoY6lyRbxIdGDoL``."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


def new_salt():
    return secrets.token_hex(16)


class AaClient(models.Model):
    """A buyer's API access: the client id sent in ``X-Client-Id`` and the key hashes are asked for with."""

    client_id = models.CharField(max_length=64, unique=True)
    key = models.CharField(max_length=128)
    # What the sandbox's own hash function mixes in; never shown to a client.
    salt = models.CharField(max_length=64, default=new_salt)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Audience-Align client"

    def __str__(self):
        return self.client_id


class AaSurvey(models.Model):
    class Status(models.IntegerChoices):
        ACTIVE = 1, "Active"
        INACTIVE = 2, "Inactive"
        COMPLETED = 4, "Completed"
        CLOSED = 5, "Closed"

    client = models.ForeignKey(AaClient, on_delete=models.CASCADE, related_name="surveys")
    project_id = models.CharField(max_length=16, unique=True, default=new_project_id)
    project_code = models.CharField(max_length=12)
    name = models.CharField(max_length=255)
    country = models.CharField(max_length=10)
    language = models.CharField(max_length=10)
    currency = models.CharField(max_length=4, default="2")
    study_category = models.CharField(max_length=10, blank=True)
    vertical = models.CharField(max_length=10, blank=True)
    audience_type = models.CharField(max_length=2)
    pii_collection = models.CharField(max_length=3, default="No")
    ir = models.PositiveSmallIntegerField()
    loi = models.PositiveSmallIntegerField()
    cpi = models.DecimalField(max_digits=8, decimal_places=2)
    complete_needed = models.PositiveIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    live_link = models.URLField(max_length=1000)
    test_link = models.URLField(max_length=1000)
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.INACTIVE)
    entrants = models.PositiveIntegerField(default=0)
    completes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "Audience-Align survey"

    def __str__(self):
        return f"{self.project_id} {self.name}"

    @property
    def remaining(self):
        return max(0, self.complete_needed - self.completes)


class AaQualification(models.Model):
    """A qualification of a survey: options (``conditions``), age-like ranges, or postal codes."""

    class Kind(models.TextChoices):
        CONDITIONS = "conditions"
        RANGES = "range_sets"
        ZIPCODES = "zipcodes"

    survey = models.ForeignKey(AaSurvey, on_delete=models.CASCADE, related_name="qualifications")
    code = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    question_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # conditions: [{"code": "1", "name": "Male"}]; ranges: [{"from": 18, "to": 24}]; zipcodes: ["200301", …]
    targets = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="unique_aa_qualification")]

    def __str__(self):
        return f"{self.survey.project_id} {self.name}"

    def target_keys(self):
        """The criterion key of each target: "1", "18-24", or a postal code."""
        if self.kind == self.Kind.RANGES:
            return [f"{t['from']}-{t['to']}" for t in self.targets]
        if self.kind == self.Kind.ZIPCODES:
            return [str(t) for t in self.targets]
        return [str(t["code"]) for t in self.targets]

    def meets(self, key, answer):
        """Whether a respondent's answer (one target key) meets a quota criterion `key`: the same
        option or range, or one of a group of postal codes."""
        if answer in (None, ""):
            return False
        if self.kind == self.Kind.ZIPCODES:
            return str(answer) in key.split(",")
        return str(answer) == key

    def label(self, key):
        """A target's words: the option's name, or the range or code itself."""
        if self.kind == self.Kind.CONDITIONS:
            return next((t["name"] for t in self.targets if str(t["code"]) == key), key)
        return key


class AaQuota(models.Model):
    """A quota criterion of a qualification: one option, range or group of postal codes (``key``)."""

    qualification = models.ForeignKey(AaQualification, on_delete=models.CASCADE, related_name="quotas")
    key = models.CharField(max_length=1000, help_text='"1", "25-34" or "200301,200302".')
    required_count = models.PositiveIntegerField()
    completes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["qualification", "id"]

    def __str__(self):
        return f"{self.qualification} {self.key}: {self.required_count}"


class AaInterlocking(models.Model):
    survey = models.OneToOneField(AaSurvey, on_delete=models.CASCADE, related_name="interlocking")
    qualification_codes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Audience-Align interlocking"

    def __str__(self):
        return f"{self.survey.project_id} interlocking"


class AaCombination(models.Model):
    interlocking = models.ForeignKey(AaInterlocking, on_delete=models.CASCADE, related_name="combinations")
    combination_id = models.CharField(max_length=32, unique=True)
    option = models.CharField(max_length=1000)
    # The criterion key of each member qualification, in the interlocking's order.
    keys = models.JSONField(default=list)
    quota = models.PositiveIntegerField()
    completes = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["interlocking", "position"]

    def __str__(self):
        return f"{self.combination_id} {self.option}"


class AaExclusion(models.Model):
    """Respondents of `excluded` are kept out of `survey`."""

    survey = models.ForeignKey(AaSurvey, on_delete=models.CASCADE, related_name="exclusions")
    excluded = models.ForeignKey(AaSurvey, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "excluded"], name="unique_aa_exclusion")]

    def __str__(self):
        return f"{self.survey.project_id} excludes {self.excluded.project_id}"


class AaRespondent(models.Model):
    class Status(models.TextChoices):
        COMPLETE = "complete"
        TERMINATE = "terminate"
        OVERQUOTA = "overquota"
        DROP = "drop"

    survey = models.ForeignKey(AaSurvey, on_delete=models.CASCADE, related_name="respondents")
    uid = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    # {qualification code: criterion key}
    answers = models.JSONField(default=dict)
    entered_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self):
        return f"{self.uid} {self.status}"


class AaReconciliation(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "Processing"
        COMPLETED = "Completed"

    survey = models.ForeignKey(AaSurvey, on_delete=models.CASCADE, related_name="reconciliations")
    contact_email = models.EmailField()
    request_uids = models.JSONField(default=list)
    accepted_uids = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    needs_review = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.survey.project_id}: {len(self.request_uids)} UIDs ({self.status})"
