from celery import shared_task
from django.utils.dateparse import parse_datetime

from .firing import evaluate_all
from .reminders import pace_moved as tell_pace_moved
from .reminders import remind_deadlines


@shared_task(name="rules.tasks.evaluate")
def evaluate():
    """Every minute (beat): evaluate the switched-on rules; then the reconciliation deadlines near."""
    fired = evaluate_all()
    remind_deadlines()
    return fired


@shared_task(name="rules.tasks.pace_moved")
def pace_moved(tg_pk, verdict, words="", at=None):
    """A target group's stored pace verdict moved (`costs.recording`): "behind" is told once per turn."""
    return tell_pace_moved(tg_pk, verdict, words, parse_datetime(at) if at else None)
