from django.db import migrations, models
from django.utils import timezone

LEGACY = (
    "Not applied: stored before the cockpit kept what the receiver read of an event; "
    "the next sync reads the current counts."
)


def settle_legacy_events(apps, schema_editor):
    """Events stored before this migration and not applied yet carry no payload to apply: they are marked, in
    words, and the next sync reads what they said (a handful at most: events are applied within seconds)."""
    WebhookEvent = apps.get_model("sync", "WebhookEvent")
    WebhookEvent.objects.filter(processed_at__isnull=True).update(processed_at=timezone.now(), outcome=LEGACY)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0007_webhook_events_applied_in_batches"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookevent",
            name="payload",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(settle_legacy_events, migrations.RunPython.noop),
    ]
