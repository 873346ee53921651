"""Seeding the sandbox: each supplier part's demo data, and the simulation's schedule.

`ensure_account` and `user_id` are the Cint part's (`sandbox.cint.seed`), kept here
because the app's demo seed, benches and tests import them from this path.
"""

from .cint.seed import ensure_account, ensure_default_account, ensure_reference_data, user_id

__all__ = [
    "SCHEDULE_NAME",
    "ensure_account",
    "ensure_default_account",
    "ensure_reference_data",
    "ensure_schedule",
    "user_id",
]

SCHEDULE_NAME = "sandbox: simulate respondents"


def ensure_schedule(every_seconds=10):
    """The django-celery-beat entry that runs the respondent simulation."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    schedule, _ = IntervalSchedule.objects.get_or_create(every=every_seconds, period=IntervalSchedule.SECONDS)
    task, _ = PeriodicTask.objects.update_or_create(
        name=SCHEDULE_NAME, defaults={"interval": schedule, "task": "sandbox.tasks.simulate_traffic", "enabled": True}
    )
    return task
