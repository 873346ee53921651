"""Cost's background work. Idempotent: a second run in one interval finds nothing moved."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .recording import record_costs as record


@shared_task(ignore_result=True)
def record_costs(at=None):
    """After each history snapshot (`quotas.tasks.record_history`, which gives its moment as ISO 8601):
    the CPI periods and the stored figures of the target groups whose inputs moved."""
    return record(parse_datetime(at) if at else None)
