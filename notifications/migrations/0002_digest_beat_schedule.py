"""The digests' beat entry: every 15 minutes the beat sends the daily digests that are due (editable in the
admin). Each day's digest is sent once, so looking often only makes it arrive close to the chosen hour."""

from django.db import migrations

DIGESTS = "Send the daily notification digests"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=DIGESTS, defaults={"task": "notifications.tasks.send_digests", "interval": interval, "enabled": True}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DIGESTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
