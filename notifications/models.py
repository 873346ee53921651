"""What reaches a PM: notifications in the cockpit, what each user wants of them, and what was delivered."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    QUOTA_FULL = "quota_full", "A quota or cell is full"
    TARGET_GROUP_COMPLETE = "target_group_complete", "A target group is complete"
    PAUSED_BY_SUPPLIER = "paused_by_supplier", "The supplier paused a target group"
    CHANGE_FAILED = "change_failed", "A change failed"
    CHANGE_CONFLICT = "change_conflict", "A change was not applied (conflict)"
    SCHEDULED_DONE = "scheduled_done", "A scheduled change was done"
    SCHEDULED_FAILED = "scheduled_failed", "A scheduled change failed"
    RULE_FIRED = "rule_fired", "A rule fired"
    PACE_BEHIND = "pace_behind", "Pace turned behind"
    RECONCILIATION_RESULT = "reconciliation_result", "A reconciliation's result"
    RECONCILIATION_DEADLINE = "reconciliation_deadline", "A reconciliation deadline approaches"


def every_event():
    return list(Event.values)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=Event.choices)
    # Kept when the target group goes: the sentence still says what happened.
    target_group = models.ForeignKey(
        "projects.TargetGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
        ]

    def __str__(self):
        return f"{self.user}: {self.text[:60]}"

    def absolute_link(self):
        """The link as an address that works outside the cockpit (in an e-mail or a chat)."""
        if not self.link or "://" in self.link:
            return self.link
        return settings.SITE_URL.rstrip("/") + self.link


class NotificationSetting(models.Model):
    """What one user wants to hear about, and how. A user without one gets the defaults below."""

    class Scope(models.TextChoices):
        OWN = "own", "My own target groups (those I asked changes on)"
        ALL = "all", "Every target group"

    class Timing(models.TextChoices):
        AT_ONCE = "at_once", "At once"
        DIGEST = "digest", "A daily digest"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWN)
    kinds = models.JSONField(default=every_event, blank=True)
    timing = models.CharField(max_length=10, choices=Timing.choices, default=Timing.AT_ONCE)
    email = models.BooleanField(default=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    # The digest of a day goes out the next day at this hour, in the user's time zone.
    digest_hour = models.PositiveSmallIntegerField(default=8, validators=[MaxValueValidator(23)])

    def __str__(self):
        return f"{self.user}: {self.get_scope_display()}, {self.get_timing_display()}"

    def wants(self, kind):
        return kind in (self.kinds or [])


class Digest(models.Model):
    """One user's digest of one day (in their zone): made once, whoever runs the beat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day")]

    def __str__(self):
        return f"{self.user}: {self.day} ({self.count})"


class Delivery(models.Model):
    """One e-mail or webhook post: what was sent, where, and what came back."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEBHOOK = "webhook", "Webhook"

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        REFUSED = "refused", "Refused (address not allowed)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.ForeignKey(Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.get_channel_display()} to {self.address}: {self.state}"
