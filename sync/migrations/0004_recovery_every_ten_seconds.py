"""The stuck-change sweep runs every 10 seconds, so a queue a dead worker left stalls seconds, not minutes."""

from django.db import migrations

NAME = "Recover stuck outbox changes"


def every_ten_seconds(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=10, period="seconds")
    PeriodicTask.objects.filter(name=NAME).update(interval=interval)


def every_minute(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.filter(name=NAME).update(interval=interval)


class Migration(migrations.Migration):
    dependencies = [("sync", "0003_remotechange_summary")]

    operations = [migrations.RunPython(every_ten_seconds, every_minute)]
