"""Accounts, their users and business units, credentials, and the reference data
(question library, profiling templates, reconciliation reason codes)."""

import uuid

from django.db import models
from django.utils import timezone


class Account(models.Model):
    id = models.PositiveIntegerField(primary_key=True, help_text="The Cint account id, e.g. 1001.")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} ({self.id})"

    def api_user(self):
        """The user that API calls act as (Cint's `created_by` / `last_changed_by`)."""
        return self.users.filter(is_api_user=True).first() or self.users.first()


class BusinessUnit(models.Model):
    id = models.PositiveIntegerField(primary_key=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="business_units")
    name = models.CharField(max_length=100)
    currency_code = models.CharField(max_length=3)
    pricing_models = models.JSONField(default=list)

    def __str__(self):
        return f"{self.name} ({self.currency_code})"


class SandboxUser(models.Model):
    """A user of the supplier account; project managers are chosen from these."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    name = models.CharField(max_length=100)
    email = models.EmailField()
    user_type = models.CharField(max_length=30, default="project_manager")
    is_api_user = models.BooleanField(default=False)
    business_unit = models.ForeignKey(BusinessUnit, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class ApiCredential(models.Model):
    """An OAuth client the token endpoint accepts."""

    client_id = models.CharField(max_length=100, unique=True)
    client_secret = models.CharField(max_length=200)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.client_id


class AccessToken(models.Model):
    token = models.CharField(max_length=1000, unique=True)
    client_id = models.CharField(max_length=100)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.client_id} until {self.expires_at:%Y-%m-%d %H:%M:%S}"

    def is_valid(self, now=None):
        return (now or timezone.now()) < self.expires_at


class Question(models.Model):
    """One question of the profile library in one locale."""

    class ResponseType(models.TextChoices):
        SINGLE_PUNCH = "single_punch"
        MULTI_PUNCH = "multi_punch"
        RANGE = "range"

    question_id = models.PositiveIntegerField()
    locale = models.CharField(max_length=10)
    name = models.CharField(max_length=100, help_text="Short name, e.g. AGE.")
    text = models.CharField(max_length=300, help_text="The question as asked.")
    response_type = models.CharField(max_length=20, choices=ResponseType.choices)
    category_id = models.PositiveIntegerField(default=1)
    scope = models.CharField(max_length=20, default="standard")
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["locale", "question_id"]
        constraints = [models.UniqueConstraint(fields=["question_id", "locale"], name="sandbox_question_locale")]

    def __str__(self):
        return f"{self.question_id} {self.name} ({self.locale})"

    @property
    def is_range(self):
        return self.response_type == self.ResponseType.RANGE


class QuestionOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    option_id = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "position"]

    def __str__(self):
        return f"{self.option_id}: {self.name}"


class ProfilingTemplate(models.Model):
    class Scope(models.TextChoices):
        GLOBAL = "global"
        ACCOUNT = "account"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="profiling_templates")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    label = models.CharField(max_length=100, blank=True)
    locales = models.JSONField(default=list)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ACCOUNT)
    profiles = models.JSONField(default=list, help_text="TemplateRegularProfiles, as the contract shapes them.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class ReasonCode(models.Model):
    """A reconciliation reason code (`RID,code` lines of a reconciliation file)."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"
