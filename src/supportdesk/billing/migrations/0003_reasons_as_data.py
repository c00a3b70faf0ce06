"""A line's reason becomes data put into words in the reader's language; the words of
lines written before stay in the same column, read as ``legacy_reason``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_statements")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("statementline", "reason", "legacy_reason"),
                migrations.AlterField(
                    "statementline",
                    "legacy_reason",
                    models.TextField(blank=True, default="", db_column="reason"),
                ),
            ],
        ),
        migrations.AddField(
            "statementline",
            "reason_data",
            models.JSONField(blank=True, default=dict, verbose_name="reason"),
        ),
    ]
