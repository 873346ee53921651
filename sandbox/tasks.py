"""Celery tasks: the respondent simulation and webhook delivery."""

from celery import shared_task

from .cint.events import deliver_pending
from .simulation import simulate_step


@shared_task(ignore_result=True)
def simulate_traffic():
    """One simulation step (scheduled every 10 s by `sandbox.seed.ensure_schedule`)."""
    summary = simulate_step()
    return {key: value for key, value in summary.items() if key != "target_groups"}


@shared_task(ignore_result=True)
def deliver_webhooks(delivery_ids=None):
    """Send recorded webhook deliveries; failures are kept on the rows, never raised."""
    return deliver_pending(delivery_ids)
