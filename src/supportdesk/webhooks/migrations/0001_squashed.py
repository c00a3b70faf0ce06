import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('webhooks', '0001_initial'), ('webhooks', '0002_screenshot_verbs'), ('webhooks', '0002_alter_delivery_verb'), ('webhooks', '0003_merge_0002_alter_delivery_verb_0002_screenshot_verbs')]

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Endpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('url', models.URLField(max_length=500, verbose_name='URL')),
                ('verbs', models.JSONField(blank=True, default=list, help_text='The events to send; none selected sends every event.', verbose_name='events')),
                ('secret_encrypted', models.TextField(blank=True, editable=False)),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('consecutive_failures', models.PositiveIntegerField(default=0, editable=False)),
                ('disabled_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='disabled at')),
                ('disabled_reason', models.CharField(blank=True, editable=False, max_length=300)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
            ],
            options={
                'verbose_name': 'webhook endpoint',
                'verbose_name_plural': 'webhook endpoints',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.BigIntegerField(verbose_name='event')),
                ('verb', models.CharField(max_length=48, verbose_name='event')),
                ('payload', models.JSONField()),
                ('state', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('gave_up', 'Gave up')], default='pending', max_length=10, verbose_name='state')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                ('last_status', models.PositiveIntegerField(blank=True, null=True, verbose_name='last HTTP status')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('endpoint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='webhooks.endpoint')),
            ],
            options={
                'verbose_name': 'webhook delivery',
                'verbose_name_plural': 'webhook deliveries',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('state', 'pending')), fields=['next_attempt_at'], name='webhook_due')],
                'constraints': [models.UniqueConstraint(fields=('endpoint', 'event_id'), name='webhook_event_once')],
            },
        ),
    ]
