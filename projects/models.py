"""Supplier connections, projects and target groups mirrored from the supplier.

Remote fields are written by the pull sync and by webhooks; a PM changes them
only through the outbox (``sync.RemoteChange``), never by editing these rows.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from suppliers.records import TargetGroupRef
from suppliers.registry import capabilities_of


class SupplierKind(models.TextChoices):
    CINT = "cint", "Cint Exchange"
    PURESPECTRUM = "purespectrum", "PureSpectrum"
    AUDIENCE_ALIGN = "audience_align", "Audience-Align"


class SupplierConnection(models.Model):
    """One supplier account the cockpit works on. Credentials stay in the environment."""

    kind = models.CharField(max_length=20, choices=SupplierKind.choices, default=SupplierKind.CINT)
    account_id = models.CharField(max_length=64, help_text="The supplier's account id.")
    label = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True, help_text="Inactive connections are not synced.")
    # Set by `register_webhook`: the supplier's id of our webhook and the secret it
    # signs events with (issued by the supplier, so it cannot live in the environment).
    webhook_id = models.CharField(max_length=64, blank=True)
    webhook_secret = models.CharField(max_length=200, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "account_id"], name="unique_connection_account")]

    def __str__(self):
        return f"{self.label} ({self.get_kind_display()} {self.account_id})"

    @property
    def capabilities(self):
        """What this connection's supplier can do (`suppliers.adapter.Capabilities`)."""
        return capabilities_of(self.kind)


# The remote id of a row asked for in the cockpit that the supplier has not created yet.
PENDING_PREFIX = "pending-"
# The largest count (completes, goals, targets) the cockpit stores: a PositiveIntegerField on every database.
MAX_COUNT = 2**31 - 1


class RemoteMixin(models.Model):
    """Bookkeeping shared by every row mirrored from a supplier."""

    remote_id = models.CharField(max_length=64, db_index=True)
    # The supplier's version of the row (an ETag), sent back in If-Match; empty where
    # the supplier keeps no versions.
    version = models.CharField(max_length=200, blank=True)
    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    # Set when a sync no longer finds the row at the supplier; the row is kept.
    vanished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self):
        """Asked for in the cockpit, not yet created at the supplier."""
        return self.remote_id.startswith(PENDING_PREFIX)


class Project(RemoteMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    connection = models.ForeignKey(SupplierConnection, on_delete=models.CASCADE, related_name="projects")
    human_readable_id = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    project_manager_id = models.CharField(max_length=64, blank=True)
    purchase_order_number = models.CharField(max_length=100, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["connection", "remote_id"], name="unique_project_remote")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project", args=[self.pk])


def _largest_count(owner, rows, count, *extra_group):
    """The largest total of `count` over the rows of one profile (by quota kind) or one interlock of
    the outer target group: each respondent is counted once in each, so the target group has at
    least that many. Through the reverse relations, so projects/ needs no import of quotas/."""
    totals = (
        TargetGroup.objects.filter(pk=OuterRef("pk"), **{f"{owner}__vanished_at__isnull": True})
        .values(f"{owner}__pk", *(f"{owner}__{rows}__{name}" for name in extra_group))
        .annotate(total=Sum(f"{owner}__{rows}__{count}"))
        .order_by("-total")
        .values("total")[:1]
    )
    return Coalesce(Subquery(totals), 0)


def _known_count(count):
    return Greatest(
        _largest_count("profiles", "quotas", count, "kind"), _largest_count("interlocked_profiles", "cells", count)
    )


class TargetGroupQuerySet(models.QuerySet):
    def with_quota_counts(self):
        """Annotate `quota_completes` / `quota_prescreens`: the least the quota counts say each target group has."""
        return self.annotate(quota_completes=_known_count("completes"), quota_prescreens=_known_count("prescreens"))

    def align_counts(self):
        """Raise each target group's completes and prescreens to what its quota counts already show.

        Quota fills arrive by webhook between two reads of the target group, and a list row can lag
        behind them: the target group's own counts are never lower than one of its profiles' (or
        interlocks') totals, so the header, the quotas and the tables say one number. Returns how
        many target groups moved.
        """
        moved = 0
        for field, count in (("current_completes", "completes"), ("current_prescreens", "prescreens")):
            known = _known_count(count)
            moved = max(moved, self.filter(**{f"{field}__lt": known}).update(**{field: known}))
        return moved


class TargetGroup(RemoteMixin):
    """A target group, draft or launched. Field names follow the Cint contract."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

    class PricingModel(models.TextChoices):
        DYNAMIC = "dynamic", "Dynamic"
        RATE_CARD = "rate_card", "Rate card"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="target_groups")
    human_readable_id = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The supplier's own word for the status where it reads differently ("Inactive"), and
    # why the supplier changed it by itself ("goal met"), when it says.
    status_label = models.CharField(max_length=40, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    locale = models.CharField(max_length=12, help_text="Cint locale code, e.g. eng_us.")
    business_unit_id = models.CharField(max_length=64, blank=True)
    project_manager_id = models.CharField(max_length=64, blank=True)
    study_type_code = models.CharField(max_length=40, blank=True)
    industry_code = models.CharField(max_length=40, blank=True)
    industry_lockout_code = models.CharField(max_length=40, blank=True)
    collects_pii = models.BooleanField(default=False)
    filling_goal = models.PositiveIntegerField(default=0)
    current_completes = models.PositiveIntegerField(default=0)
    current_prescreens = models.PositiveIntegerField(default=0)
    expected_length_of_interview_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    expected_incidence_rate = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    median_length_of_interview_seconds = models.PositiveIntegerField(null=True, blank=True)
    incidence_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    conversion_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    drop_off_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    pricing_model = models.CharField(max_length=20, choices=PricingModel.choices, blank=True)
    cpi = models.DecimalField("CPI", max_digits=10, decimal_places=4, null=True, blank=True)
    cpi_currency = models.CharField("CPI currency", max_length=3, blank=True)
    fielding_start_at = models.DateTimeField(null=True, blank=True)
    fielding_end_at = models.DateTimeField(null=True, blank=True)
    live_url = models.URLField(max_length=2000, blank=True)
    test_url = models.URLField(max_length=2000, blank=True)
    # Everything else the supplier returns (fielding assistant, allocations,
    # exclusions, the draft body) as last read, for the pages that need it.
    details = models.JSONField(default=dict, blank=True)
    # The last supplier error met while syncing this TG, in plain words.
    sync_error = models.TextField(blank=True)
    sync_error_at = models.DateTimeField(null=True, blank=True)
    # The last successful read of this target group from the supplier: a full read, a version
    # check, its row in the list (which confirms it unchanged) or its statistics. `synced_at` is
    # the last full read, which decides when the next one is due.
    last_read_at = models.DateTimeField(null=True, blank=True)
    # When a read first found the target group live, and its completes then: where the supplier gives no
    # start (or fielding began before it), its pace runs from then, over the completes since.
    seen_live_at = models.DateTimeField(null=True, blank=True)
    completes_when_seen_live = models.PositiveIntegerField(default=0)

    objects = TargetGroupQuerySet.as_manager()

    class Meta:
        ordering = ["project__name", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "remote_id"], name="unique_target_group_remote")]
        indexes = [models.Index(fields=["status", "locale"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("quotas:target_group", args=[self.pk])

    @property
    def page_url(self):
        """Where a PM looks at it: Cint's draft editor page for a Cint draft, the cockpit page otherwise."""
        if self.status == self.Status.DRAFT and self.capabilities.drafts:
            return reverse("fielding:draft", args=[self.pk])
        return self.get_absolute_url()

    @property
    def progress_percent(self):
        if not self.filling_goal:
            return 0
        return min(100, round(100 * self.current_completes / self.filling_goal))

    @property
    def is_launched(self):
        return self.status not in (self.Status.DRAFT,)

    # A supplier may report a rate before anyone has answered (its expectation, or 0): a figure
    # is an actual one only once respondents have measured it.
    @property
    def measured_incidence_rate(self):
        """The incidence rate respondents have shown, or None before any prescreen or complete."""
        if not self.is_launched or not (self.current_prescreens or self.current_completes):
            return None
        return self.incidence_rate

    @property
    def measured_median_loi_seconds(self):
        """The median length of interview of the completes, or None before the first one."""
        if not self.is_launched or not self.current_completes:
            return None
        return self.median_length_of_interview_seconds or None

    @property
    def ref(self):
        """Where the supplier keeps this target group (`suppliers.records.TargetGroupRef`)."""
        return TargetGroupRef(self.project.remote_id, self.remote_id)

    @property
    def capabilities(self):
        return self.project.connection.capabilities

    @property
    def status_text(self):
        """The status in the supplier's word where it has its own, else the cockpit's."""
        return self.status_label or self.get_status_display()

    def take_version(self, version):
        """Keep the supplier's newest version of this target group (what the next change sends in If-Match)."""
        if version and version != self.version:
            self.version = version
            TargetGroup.objects.filter(pk=self.pk).update(version=version)

    def needs_full_read(self):
        """Make the next pull read this target group in full, whatever its version says."""
        self.synced_at = None
        TargetGroup.objects.filter(pk=self.pk).update(synced_at=None)

    def take_counts(self, *, completes=None, prescreens=None, at=None):
        """Counts the supplier reported in a read of its own (the statistics): the target group's
        counts move up to them, and the read counts as the last one. Returns whether a count moved."""
        at = at or timezone.now()
        values = {}
        if completes is not None and completes > self.current_completes:
            values["current_completes"] = completes
        if prescreens is not None and prescreens > self.current_prescreens:
            values["current_prescreens"] = prescreens
        moved = bool(values)
        if self.last_read_at is None or at > self.last_read_at:
            values["last_read_at"] = at
        if values:
            for name, value in values.items():
                setattr(self, name, value)
            TargetGroup.objects.filter(pk=self.pk).update(**values)
        return moved

    @property
    def read_at(self):
        """When the supplier was last read about this target group (what the page calls "last synced")."""
        return self.last_read_at or self.synced_at

    def record_sync_error(self, message):
        self.sync_error = message
        self.sync_error_at = timezone.now()
        self.save(update_fields=["sync_error", "sync_error_at"])


class Role:
    """The two groups the data migration creates."""

    PROJECT_MANAGERS = "Project managers"
    VIEWERS = "Viewers"

    @staticmethod
    def can_change(user) -> bool:
        """Whether `user` may change supplier data (cached on the user for the request)."""
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if not hasattr(user, "_cockpit_can_change"):
            user._cockpit_can_change = user.groups.filter(name=Role.PROJECT_MANAGERS).exists()
        return user._cockpit_can_change

    @staticmethod
    def grant(user, name):
        """Put `user` in the group `name`, creating it if a flush removed what the migration made."""
        user.groups.add(Group.objects.get_or_create(name=name)[0])
