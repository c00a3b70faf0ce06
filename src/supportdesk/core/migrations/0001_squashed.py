"""The audit trail, and the database cache table, made by ``migrate`` so no deployment
forgets it: sessions live in the database; without REDIS_URL the cache (login
throttling, the dashboard snapshot) does too."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    replaces = [('core', '0001_cache_table'), ('core', '0002_audit_trail')]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('actor_label', models.CharField(blank=True, max_length=254, verbose_name='who (as recorded)')),
                ('action', models.CharField(choices=[('created', 'created'), ('changed', 'changed'), ('deleted', 'deleted')], max_length=8, verbose_name='action')),
                ('model', models.CharField(db_index=True, max_length=100, verbose_name='what')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('object_repr', models.CharField(blank=True, max_length=300, verbose_name='object')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='changes')),
                ('via', models.CharField(blank=True, max_length=32, verbose_name='through')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit trail',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunPython(
            code=create_cache_table,
            reverse_code=migrations.RunPython.noop,
        ),
    ]
