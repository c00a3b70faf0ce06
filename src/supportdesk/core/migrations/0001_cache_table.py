"""The database cache table, made by ``migrate`` so no deployment forgets it.

Sessions live in the database; without REDIS_URL the cache (login throttling, the
dashboard snapshot) does too.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
