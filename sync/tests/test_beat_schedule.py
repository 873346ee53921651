import pytest
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_pull_sync_and_recovery_run_every_minute_by_default():
    tasks = {task.task: task for task in PeriodicTask.objects.select_related("interval")}

    for name in ("sync.tasks.sync_connections", "sync.tasks.recover_stuck_changes"):
        assert tasks[name].enabled
        assert (tasks[name].interval.every, tasks[name].interval.period) == (1, "minutes")
