from celery import shared_task

from .running import run_due as run_due_now


@shared_task
def run_due():
    """Every minute (beat): record the scheduled changes that are due in the outbox."""
    return run_due_now()
