import pytest
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_pull_sync_runs_every_minute_and_the_stuck_change_sweep_every_ten_seconds():
    tasks = {task.task: task for task in PeriodicTask.objects.select_related("interval")}

    expected = {"sync.tasks.sync_connections": (1, "minutes"), "sync.tasks.recover_stuck_changes": (10, "seconds")}
    for name, every in expected.items():
        assert tasks[name].enabled
        assert (tasks[name].interval.every, tasks[name].interval.period) == every
