from celery import shared_task

from . import outbox


@shared_task(ignore_result=True)
def send_change(change_id):
    """Send one outbox change; a no-op if it is settled, taken, or waiting its turn."""
    outbox.process_change(change_id)


@shared_task(ignore_result=True)
def recover_stuck_changes():
    """Beat: re-enqueue changes a dead worker left behind."""
    return outbox.recover_stuck()
