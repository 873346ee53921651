"""Reconciliation of respondents with the supplier.

* `EligibleReport` / `EligibleRid`: the supplier's reconciliation-eligible-RIDs
  report for one project, generated, polled and downloaded in the background,
  its rows stored so a PM can search them and the CSV check can look RIDs up.
* `ReasonCode`: the supplier's reconciliation reason codes, cached per account.
* `Submission` / `SubmissionTargetGroup`: one reconciliation file sent through the
  outbox (`sync.RemoteChange`), the supplier's request id, and its results.
* `SurveyReconciliation`: for suppliers that reconcile one survey by a list of
  respondent ids (PureSpectrum's transaction ids, Audience-Align's UIDs), the list sent
  through the outbox and the supplier's verdict on it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, SupplierConnection, TargetGroup
from sync.models import RemoteChange

# How many times the worker checks a report or a submission before it stops by itself.
MAX_POLLS = 30


class ReasonCode(models.Model):
    """A reconciliation reason code as the supplier lists it (refreshed daily)."""

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="reason_codes")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["connection", "code"]
        constraints = [models.UniqueConstraint(fields=["connection", "code"], name="unique_reason_code")]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class EligibleReport(models.Model):
    """One reconciliation-eligible-RIDs report asked of the supplier for a project."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        GENERATING = "generating", "Generating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    SETTLED_STATES = (State.READY, State.FAILED)

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="eligible_reports")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="eligible_reports")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # Sent as the idempotency key of the generate call, so a retried task asks once.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True)
    report_id = models.CharField(max_length=64, blank=True)
    report_url = models.URLField(max_length=2000, blank=True)
    remote_status = models.CharField(max_length=40, blank=True)
    # Plain words for the PM: why it failed, or that checking will go on.
    message = models.TextField(blank=True)
    polls = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Eligible RIDs of {self.project} ({self.state})"

    @property
    def is_settled(self):
        return self.state in self.SETTLED_STATES


class EligibleRidQuerySet(models.QuerySet):
    def current(self, connection):
        """The rows of the latest ready report of each project of `connection`."""
        latest = (
            EligibleReport.objects.filter(connection=connection, state=EligibleReport.State.READY)
            .order_by("project_id", "-finished_at", "-id")
            .values_list("project_id", "id")
        )
        newest = {}
        for project_id, report_id in latest:
            newest.setdefault(project_id, report_id)
        return self.filter(report_id__in=newest.values())


class EligibleRid(models.Model):
    """One response id the supplier says may be reconciled, as the report listed it."""

    report = models.ForeignKey(EligibleReport, on_delete=models.CASCADE, related_name="rows")
    rid = models.CharField("RID", max_length=100)
    # Upper-cased RID, so a lookup does not depend on how a PM typed it.
    rid_key = models.CharField(max_length=100, db_index=True, editable=False)
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="eligible_rids"
    )
    target_group_remote_id = models.CharField(max_length=64, blank=True)
    target_group_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=60, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The whole row as the supplier wrote it, columns by header.
    raw = models.JSONField(default=dict, blank=True)

    objects = EligibleRidQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at", "rid"]
        constraints = [models.UniqueConstraint(fields=["report", "rid_key"], name="unique_eligible_rid")]

    def __str__(self):
        return self.rid

    def save(self, *args, **kwargs):
        self.rid_key = normalize_rid(self.rid)
        super().save(*args, **kwargs)

    @property
    def tg_label(self):
        if self.target_group_id:
            return self.target_group.name
        return self.target_group_name or self.target_group_remote_id


def normalize_rid(rid):
    return rid.strip().upper()


class Submission(models.Model):
    """One reconciliation file: recorded, sent by the outbox, then followed at the supplier.

    Until the outbox has sent it, its state is the outbox change's; afterwards the
    supplier's request id identifies it and polling records its results.
    """

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        PROCESSING = "processing", "Processing"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="reconciliations")
    change = models.OneToOneField(
        RemoteChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="reconciliation"
    )
    name = models.CharField("file name", max_length=255)
    # The CSV exactly as sent: `RID,reason code` lines, no header.
    csv = models.TextField()
    line_count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING, db_index=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    remote_status = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    submitted_count = models.PositiveIntegerField(null=True, blank=True)
    expired_count = models.PositiveIntegerField(null=True, blank=True)
    invalid_count = models.PositiveIntegerField(null=True, blank=True)
    positive_reversed_count = models.PositiveIntegerField(null=True, blank=True)
    negative_reversed_count = models.PositiveIntegerField(null=True, blank=True)
    polls = models.PositiveIntegerField(default=0)
    # Each target group's completes when the file was confirmed ({target group's supplier id: n}).
    completes_before = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Reconciliation {self.name} ({self.current_state})"

    def get_absolute_url(self):
        return reverse("reconciliations:submission", args=[self.pk])

    @property
    def current_state(self):
        """The state to show: an outbox failure counts even before this row learns of it."""
        change = self.change
        if (
            self.state == self.State.SENDING
            and change is not None
            and change.is_settled
            and change.state != RemoteChange.State.APPLIED
        ):
            return self.State.FAILED
        return self.state

    @property
    def current_state_label(self):
        return self.State(self.current_state).label

    @property
    def is_settled(self):
        return self.current_state in (self.State.COMPLETE, self.State.FAILED)

    @property
    def is_followed(self):
        """Whether the cockpit still follows it by itself (the page polls only then): not once
        the worker has given up on a processing file; the PM's “Check now” starts it again."""
        if self.current_state == self.State.PROCESSING:
            return self.polls < MAX_POLLS
        return not self.is_settled

    @property
    def explanation(self):
        """What a PM should read about this submission now, in plain words."""
        if self.message:
            return self.message
        if self.change is None:
            return ""
        return self.change.message


class SubmissionTargetGroup(models.Model):
    """The supplier's result of one submission for one target group."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="target_group_results")
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="reconciliation_results"
    )
    target_group_remote_id = models.CharField(max_length=64)
    status = models.CharField(max_length=40, blank=True)
    submitted_count = models.PositiveIntegerField(null=True, blank=True)
    expired_count = models.PositiveIntegerField(null=True, blank=True)
    invalid_count = models.PositiveIntegerField(null=True, blank=True)
    positive_reversed_count = models.PositiveIntegerField(null=True, blank=True)
    negative_reversed_count = models.PositiveIntegerField(null=True, blank=True)
    # The target group's completes when the file was confirmed (None: the cockpit did not know them).
    completes_before = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_group_remote_id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "target_group_remote_id"], name="unique_submission_tg")
        ]

    def __str__(self):
        return f"{self.target_group_remote_id} in {self.submission_id}"

    @property
    def tg_label(self):
        return self.target_group.name if self.target_group_id else self.target_group_remote_id


class SurveyReconciliation(models.Model):
    """One list of respondent ids submitted for a survey, followed until the supplier settles it."""

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        PROCESSING = "processing", "Processing"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    SETTLED = (State.COMPLETE, State.FAILED)

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="survey_reconciliations")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="reconciliations")
    change = models.OneToOneField(
        RemoteChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_reconciliation"
    )
    name = models.CharField(max_length=255, help_text="The uploaded file's name, or “pasted”.")
    ids = models.JSONField(default=list, help_text="The respondent ids exactly as sent, in order.")
    contact_email = models.EmailField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING, db_index=True)
    remote_id = models.CharField(max_length=100, blank=True, help_text="The supplier's id for this submission.")
    status_label = models.CharField(max_length=60, blank=True, help_text="The supplier's own word for its state.")
    summary = models.JSONField(default=dict, blank=True)
    accepted_ids = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(default=False, help_text="Accepted, but reviewed by a person first.")
    completes_before = models.PositiveIntegerField(
        null=True, blank=True, help_text="The survey's completes when the list was confirmed (empty: not known)."
    )
    rejected_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="The completes the supplier rejected (or did not approve) once it was done."
    )
    message = models.TextField(blank=True)
    polls = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.target_group}: {len(self.ids):,} ids ({self.current_state})"

    def get_absolute_url(self):
        return reverse("reconciliations:survey", args=[self.target_group_id])

    @property
    def current_state(self):
        """The state to show: an outbox failure counts even before this row learns of it."""
        change = self.change
        failed = change is not None and change.is_settled and change.state != RemoteChange.State.APPLIED
        return self.State.FAILED if self.state == self.State.SENDING and failed else self.state

    @property
    def is_settled(self):
        return self.current_state in self.SETTLED

    @property
    def is_followed(self):
        """Whether the page should keep polling it (not once the worker gave up checking)."""
        if self.current_state == self.State.PROCESSING:
            return self.polls < MAX_POLLS
        return not self.is_settled

    @property
    def explanation(self):
        if self.message:
            return self.message
        return self.change.message if self.change is not None else ""
