"""History is kept for the life of the fieldwork plus `HISTORY_KEEP_DAYS`: then a target group's points, and
its quotas' and cells', go."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from projects.models import TargetGroup

from .models import CellPoint, QuotaPoint, TargetGroupPoint

FINISHED = (TargetGroup.Status.COMPLETED, TargetGroup.Status.CLOSED, TargetGroup.Status.ARCHIVED)


def ended_before(cutoff):
    """Target groups whose fieldwork ended before `cutoff`: finished (or gone from the supplier), with their
    end date, their disappearance and their last recorded count all before it."""
    return (
        TargetGroup.objects.filter(Q(status__in=FINISHED) | Q(vanished_at__isnull=False))
        .filter(Q(fielding_end_at__isnull=True) | Q(fielding_end_at__lt=cutoff))
        .filter(Q(vanished_at__isnull=True) | Q(vanished_at__lt=cutoff))
        .exclude(history__at__gte=cutoff)
    )


def prune_history(now=None):
    """Delete the points of target groups whose fieldwork ended more than `HISTORY_KEEP_DAYS` before `now`.
    Returns how many points went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.HISTORY_KEEP_DAYS)
    ended = ended_before(cutoff).values("pk")
    with transaction.atomic():
        deleted = QuotaPoint.objects.filter(quota__profile__target_group__in=ended).delete()[0]
        deleted += CellPoint.objects.filter(cell__interlocked_profile__target_group__in=ended).delete()[0]
        deleted += TargetGroupPoint.objects.filter(target_group__in=ended).delete()[0]
    return deleted
