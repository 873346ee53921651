"""Events told once per turn, not at every refresh: a target group's pace turned behind (told again only once
it has been back on track), and the reconciliation deadline approaching (once per target group and month).

* Pace: the cost step refreshes each target group's stored figures (`costs.recording`) and hands the
  verdicts that moved to `pace_moved` by task name. Hysteresis as for rules: "behind" tells and opens a
  reminder; "at risk" keeps it as it is; only "on track" (or the goal reached) ends it.
* Deadline: completes of a month may be reconciled at Cint until the `DEADLINE_DAY` of the next month
  (`reconciliations.validation`). `NOTICE_DAYS` before it, every target group of a supplier reconciled by
  files that got completes in the month before and has no reconciliation file since is told, once.
"""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.send import notify
from projects.models import SupplierKind, TargetGroup
from quotas.history.models import TargetGroupPoint
from reconciliations.models import SubmissionTargetGroup
from reconciliations.validation import DEADLINE_DAY
from suppliers.registry import capabilities_of

from .models import Reminder

PACE_BEHIND = "pace_behind"
DEADLINE = "reconciliation_deadline"
BEHIND, BACK = "behind", ("on_track", "reached")
NOTICE_DAYS = 3


def _open(tg_pk, event, now, key=""):
    """Open the reminder; False when one is open already (told before, not cleared)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(target_group_id=tg_pk, event=event, key=key, opened_at=now)
    except IntegrityError:
        return False
    return True


def pace_moved(tg_pk, verdict, words="", now=None):
    """A target group's stored verdict moved to `verdict`: tell "behind" once per turn; clear on track."""
    now = now or timezone.now()
    if verdict in BACK:
        Reminder.objects.filter(target_group=tg_pk, event=PACE_BEHIND, cleared_at__isnull=True).update(cleared_at=now)
        return False
    if verdict != BEHIND:
        return False
    tg = TargetGroup.objects.filter(pk=tg_pk).first()
    if tg is None or not _open(tg_pk, PACE_BEHIND, now):
        return False
    notify(PACE_BEHIND, target_group=tg, text=f"The pace of “{tg.name}” turned behind. {words}".strip())
    return True


def deadline_of(today):
    """The deadline that falls this month (for the completes of the month before), and that month's start."""
    this_month = today.replace(day=1)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    return today.replace(day=DEADLINE_DAY), previous, this_month


def remind_deadlines(now=None):
    """Tell each target group with completes not reconciled that the deadline approaches; returns how many."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    deadline, month_start, month_end = deadline_of(today)
    if not 0 <= (deadline - today).days <= NOTICE_DAYS:
        return 0
    start = datetime.combine(month_start, datetime.min.time(), UTC)
    end = datetime.combine(month_end, datetime.min.time(), UTC)
    kinds = [kind for kind in SupplierKind.values if capabilities_of(kind).reconciliation_by_files]
    completed = TargetGroupPoint.objects.filter(at__gte=start, at__lt=end, completes__gt=0).values("target_group")
    reconciled = SubmissionTargetGroup.objects.filter(
        target_group__isnull=False, submission__created_at__gte=start
    ).values("target_group")
    told = 0
    key = f"{today:%Y-%m}"
    groups = TargetGroup.objects.filter(project__connection__kind__in=kinds, pk__in=completed).exclude(
        pk__in=reconciled
    )
    for tg in groups.exclude(pk__in=Reminder.objects.filter(event=DEADLINE, key=key).values("target_group")):
        if _open(tg.pk, DEADLINE, now, key):
            notify(
                DEADLINE,
                target_group=tg,
                text=f"Completes of {month_start:%B %Y} on “{tg.name}” can be reconciled until "
                f"{deadline:%d %B %Y}; no reconciliation file has been sent for it since.",
            )
            told += 1
    return told
