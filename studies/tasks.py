from celery import shared_task

from . import advancing, guard


@shared_task(ignore_result=True)
def guard_studies(study_pks):
    """Right after fills were applied: the guard looks at these studies."""
    guard.guard_studies(study_pks)


@shared_task(ignore_result=True)
def advance_plans():
    """Beat, every minute: send the raises of plan changes whose lowerings all settled (a lost signal)."""
    return advancing.advance_waiting()
