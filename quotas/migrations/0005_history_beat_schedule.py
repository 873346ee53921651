"""The history's beat entries: the snapshot every HISTORY_INTERVAL_SECONDS (as set when migrating), the
pruning daily (both editable in the admin)."""

from django.conf import settings
from django.db import migrations

SNAPSHOT = "Record the history of achieved counts"
PRUNING = "Prune the history of finished fieldwork"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    tasks = [
        (SNAPSHOT, "quotas.tasks.record_history", settings.HISTORY_INTERVAL_SECONDS, "seconds"),
        (PRUNING, "quotas.tasks.prune_history", 1, "days"),
    ]
    for name, task, every, period in tasks:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval, "enabled": True})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SNAPSHOT, PRUNING]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quotas", "0004_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
