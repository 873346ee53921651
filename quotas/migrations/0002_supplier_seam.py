from django.db import migrations, models


class Migration(migrations.Migration):
    """The ETag becomes the supplier's version; quotas may carry a traffic cap and the supplier's extras."""

    dependencies = [("quotas", "0001_initial")]

    operations = [
        migrations.RenameField("interlockedprofile", "etag", "version"),
        migrations.RenameField("profile", "etag", "version"),
        migrations.AddField("interlockcell", "extra", models.JSONField(blank=True, default=dict)),
        migrations.AddField("interlockcell", "traffic_cap", models.PositiveIntegerField(blank=True, null=True)),
        migrations.AddField("quota", "extra", models.JSONField(blank=True, default=dict)),
        migrations.AddField("quota", "traffic_cap", models.PositiveIntegerField(blank=True, null=True)),
    ]
