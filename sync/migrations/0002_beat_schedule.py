"""The beat schedule: pull sync and stuck-change recovery, every minute (editable in the admin)."""

from django.db import migrations

TASKS = [
    ("Pull sync from suppliers", "sync.tasks.sync_connections"),
    ("Recover stuck outbox changes", "sync.tasks.recover_stuck_changes"),
]


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, task in TASKS:
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every_minute, "enabled": True}
        )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
