"""Fielding runs of launched target groups, the supplier's asynchronous jobs, the
account's reference data cached for the draft forms (users, business units, study
types and industries, the question library, profiling templates), and one-off
supplier look-ups (feasibility, generated interlocks) that the pages poll."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from projects.models import Project, SupplierConnection, TargetGroup


class RunAction(models.TextChoices):
    """What a PM can do to a fielding run; `allowed_from` says when."""

    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    COMPLETE = "complete", "Complete"
    RELAUNCH = "relaunch", "Relaunch"
    LAUNCH_NOW = "launch_now", "Launch now"
    CHANGE_END = "change_end", "Change end date"


class FieldingRun(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "Scheduled", "Scheduled"
        LIVE = "Live", "Live"
        PAUSED = "Paused", "Paused"
        COMPLETED = "Completed", "Completed"

    # Which states each action starts from, and the state it leads to (None: unchanged).
    TRANSITIONS = {
        RunAction.PAUSE: ({Status.LIVE}, Status.PAUSED),
        RunAction.RESUME: ({Status.PAUSED}, Status.LIVE),
        RunAction.COMPLETE: ({Status.LIVE, Status.PAUSED}, Status.COMPLETED),
        RunAction.RELAUNCH: ({Status.COMPLETED}, Status.LIVE),
        RunAction.LAUNCH_NOW: ({Status.SCHEDULED}, Status.LIVE),
        RunAction.CHANGE_END: ({Status.SCHEDULED, Status.LIVE, Status.PAUSED}, None),
    }
    # The target group's status while its run is in each state.
    TARGET_GROUP_STATUS = {
        Status.SCHEDULED: TargetGroup.Status.SCHEDULED,
        Status.LIVE: TargetGroup.Status.LIVE,
        Status.PAUSED: TargetGroup.Status.PAUSED,
        Status.COMPLETED: TargetGroup.Status.COMPLETED,
    }

    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="fielding_runs")
    remote_id = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    start_fielding_at = models.DateTimeField(null=True, blank=True)
    end_fielding_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_changed_by = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_group", "-start_fielding_at"]
        constraints = [models.UniqueConstraint(fields=["target_group", "remote_id"], name="unique_fielding_run_remote")]

    def __str__(self):
        return f"{self.target_group} run {self.remote_id} ({self.status})"

    def allows(self, action) -> bool:
        sources, _ = self.TRANSITIONS[RunAction(action)]
        return self.status in sources

    @property
    def allowed_actions(self):
        return [action for action in RunAction if self.allows(action)]

    @classmethod
    def status_after(cls, action, current):
        _, target = cls.TRANSITIONS[RunAction(action)]
        return target or current


class FieldingJob(models.Model):
    """An asynchronous supplier job: launch/schedule from draft, or a batch job."""

    class Kind(models.TextChoices):
        LAUNCH_FROM_DRAFT = "launch_from_draft", "Launch from draft"
        SCHEDULE_FROM_DRAFT = "schedule_from_draft", "Schedule from draft"
        BATCH_LAUNCH = "batch_launch", "Launch (bulk)"
        BATCH_PAUSE = "batch_pause", "Pause (bulk)"
        BATCH_RESUME = "batch_resume", "Resume (bulk)"
        BATCH_COMPLETE = "batch_complete", "Complete (bulk)"
        BATCH_RELAUNCH = "batch_relaunch", "Relaunch (bulk)"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROCESSING = "Processing", "Processing"
        COMPLETED = "Completed", "Completed"
        FAILED = "Failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fielding_jobs")
    # Set for a single-TG job; a batch job lists its TGs in `target_groups`.
    target_group = models.ForeignKey(
        TargetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="fielding_jobs"
    )
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="batch_jobs")
    # The outbox change that starts the job at the supplier (its retries, its refusal).
    change = models.ForeignKey(
        "sync.RemoteChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="fielding_jobs"
    )
    remote_job_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    request = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    failure_reason = models.TextField(blank=True)
    polls = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    BATCH_ACTIONS = {
        Kind.BATCH_LAUNCH: "launch",
        Kind.BATCH_PAUSE: "pause",
        Kind.BATCH_RESUME: "resume",
        Kind.BATCH_COMPLETE: "complete",
        Kind.BATCH_RELAUNCH: "relaunch",
    }

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.remote_job_id or '(not sent)'}: {self.status}"

    def get_absolute_url(self):
        return reverse("fielding:job", args=[self.pk])

    @property
    def is_settled(self):
        return self.status in (self.Status.COMPLETED, self.Status.FAILED)

    @property
    def reason(self):
        """Why the job failed, in words: the supplier's, or the refusal of the request that starts it."""
        if self.failure_reason:
            return self.failure_reason
        if self.change_id and self.change.message:
            return self.change.message
        return "The supplier could not do this."

    @property
    def state_words(self):
        """The job's state for its badge, in words that cannot be read as the target group's status."""
        return {self.Status.COMPLETED: "Done", self.Status.FAILED: "Failed"}.get(self.status, "Working")

    @property
    def outcome(self):
        """What a finished launch or schedule did, and where the target group stands now, in one sentence."""
        tg = self.target_group
        if tg is None:
            return ""
        now = tg.get_status_display().lower()
        if self.kind == self.Kind.SCHEDULE_FROM_DRAFT:
            text, then = "The launch was scheduled", TargetGroup.Status.SCHEDULED
        else:
            text, then = "The target group went live", TargetGroup.Status.LIVE
        return f"{text}; it is {now} now." if tg.status != then else f"{text}."

    @property
    def is_batch(self):
        return self.kind in self.BATCH_ACTIONS

    @property
    def batch_action(self):
        return self.BATCH_ACTIONS.get(self.kind, "")

    def outcomes(self):
        """For a batch job: one row per target group, `(tg, state, text)`; state is ok/failed/skipped/waiting."""
        by_remote = {row["target_group_id"]: row for row in self.result.get("failed", [])}
        updated = set(self.result.get("updated", []))
        skipped = {int(pk): reason for pk, reason in self.request.get("skipped", {}).items()}
        rows = []
        for tg in self.target_groups.order_by("name"):
            if tg.pk in skipped:
                rows.append((tg, "skipped", skipped[tg.pk]))
            elif tg.remote_id in by_remote:
                rows.append((tg, "failed", by_remote[tg.remote_id]["reason"]))
            elif tg.remote_id in updated:
                rows.append((tg, "ok", "Done."))
            elif self.is_settled:
                rows.append((tg, "failed", "The supplier did not report on this target group."))
            else:
                rows.append((tg, "waiting", "Waiting for the supplier."))
        return rows


# --- The account's reference data, cached for the forms ---------------------------------


class BusinessUnit(models.Model):
    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="business_units")
    remote_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    currency_code = models.CharField(max_length=3)
    pricing_models = models.JSONField(default=list, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["connection", "remote_id"], name="unique_business_unit")]

    def __str__(self):
        return f"{self.name} ({self.currency_code})"


class AccountUser(models.Model):
    """A user of the supplier account that projects and target groups can be assigned to."""

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="account_users")
    remote_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["connection", "remote_id"], name="unique_account_user")]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name


class Question(models.Model):
    """One question of the supplier's profiling library in one locale."""

    class OptionsKind(models.TextChoices):
        SELECTION = "selection_options", "Options"
        RANGE = "range_options", "Range"
        REGION = "region_options", "Regions"

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="questions")
    locale = models.CharField(max_length=12)
    question_id = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    response_type = models.CharField(max_length=20, blank=True)
    scope = models.CharField(max_length=20, blank=True)
    category_id = models.PositiveIntegerField(null=True, blank=True)
    # Fetched when a PM first picks the question: [{"id", "name"}] for options,
    # [{"min", "max", "name"}] for a range question.
    options_kind = models.CharField(max_length=20, choices=OptionsKind.choices, blank=True)
    options = models.JSONField(default=list, blank=True)
    options_fetched_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["locale", "name"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "locale", "question_id"], name="unique_question_locale")
        ]

    def __str__(self):
        return f"{self.name} ({self.question_id}, {self.locale})"

    @property
    def is_range(self):
        return self.options_kind == self.OptionsKind.RANGE or self.response_type == "range"

    @property
    def range_bounds(self):
        """(min, max) a range question accepts, or (None, None)."""
        if self.is_range and self.options:
            return self.options[0].get("min"), self.options[0].get("max")
        return None, None


class ProfilingTemplate(models.Model):
    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="profiling_templates")
    remote_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    label = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    scope = models.CharField(max_length=10, blank=True)
    locales = models.JSONField(default=list, blank=True)
    # The template's profiles, fetched when first applied: draft-profile shaped.
    profiles = models.JSONField(default=list, blank=True)
    profiles_fetched_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["connection", "remote_id"], name="unique_profiling_template")]

    def __str__(self):
        return self.label or self.name


class Definition(models.Model):
    """One entry of the supplier's definitions lists (``/study-types``, ``/industries``,
    ``/industry-lockouts``): the code a target group carries and the name a PM reads."""

    class Kind(models.TextChoices):
        STUDY_TYPE = "study_type", "Study type"
        INDUSTRY = "industry", "Industry"
        INDUSTRY_LOCKOUT = "industry_lockout", "Industry lock-out"

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="definitions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)  # the supplier's order (lock-outs by length)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["connection", "kind", "code"], name="unique_definition")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class SupplierLookup(models.Model):
    """A question put to the supplier for a page (feasibility, a generated interlock); the page polls it."""

    class Kind(models.TextChoices):
        FEASIBILITY = "feasibility", "Feasibility"
        INTERLOCK = "interlock", "Generated interlock"

    class State(models.TextChoices):
        PENDING = "pending", "Asking the supplier"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="supplier_lookups")
    # What was asked (shown with the answer, so the PM sees what it was computed for).
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.target_group} ({self.state})"

    @property
    def is_settled(self):
        return self.state != self.State.PENDING


from fielding.models_audience_align import AudienceAlignFeasibility, AudienceAlignMasterData  # noqa: E402, F401
