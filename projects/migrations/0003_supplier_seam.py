from django.db import migrations, models


class Migration(migrations.Migration):
    """The ETag becomes the supplier's version; statuses a supplier words its own way."""

    dependencies = [("projects", "0002_roles")]

    operations = [
        migrations.RenameField("project", "etag", "version"),
        migrations.RenameField("targetgroup", "etag", "version"),
        migrations.AddField(
            model_name="targetgroup", name="status_label", field=models.CharField(blank=True, max_length=40)
        ),
        migrations.AddField(
            model_name="targetgroup", name="status_reason", field=models.CharField(blank=True, max_length=300)
        ),
        migrations.AlterField(
            model_name="targetgroup",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("scheduled", "Scheduled"),
                    ("live", "Live"),
                    ("paused", "Paused"),
                    ("completed", "Completed"),
                    ("closed", "Closed"),
                    ("archived", "Archived"),
                ],
                db_index=True,
                default="draft",
                max_length=10,
            ),
        ),
    ]
