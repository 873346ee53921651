import pytest
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_the_raises_of_plan_changes_are_looked_for_every_minute():
    task = PeriodicTask.objects.select_related("interval").get(task="studies.tasks.advance_plans")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
