from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_consultant_last_assigned")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="takes_tickets",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "For staff who are not consultants: suggested for tickets that need one "
                    "of their skills."
                ),
                verbose_name="takes tickets",
            ),
        ),
    ]
