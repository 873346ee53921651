from celery import shared_task

from .running import run_due as run_due_now
from .telling import tell_ended_runs


@shared_task
def run_due():
    """Every minute (beat): record the scheduled changes that are due in the outbox; then tell the PMs how
    the runs that ended since ended."""
    ran = run_due_now()
    tell_ended_runs()
    return ran
