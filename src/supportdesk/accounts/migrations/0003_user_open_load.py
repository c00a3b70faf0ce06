from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_consultant_last_assigned")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="open_load",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
