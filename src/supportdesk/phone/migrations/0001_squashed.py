import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('phone', '0001_initial'), ('phone', '0002_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '0001_squashed'),
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Pbx',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'PBX',
                'verbose_name_plural': 'PBXs',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Call',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('call_id', models.CharField(blank=True, max_length=200)),
                ('direction', models.CharField(choices=[('in', 'Inbound'), ('out', 'Outbound')], max_length=3)),
                ('from_number', models.CharField(blank=True, max_length=64, verbose_name='from')),
                ('to_number', models.CharField(blank=True, max_length=64, verbose_name='to')),
                ('caller_e164', models.CharField(blank=True, db_index=True, max_length=20)),
                ('state', models.CharField(choices=[('ringing', 'Ringing'), ('answered', 'In progress'), ('ended', 'Ended'), ('missed', 'Missed')], default='ringing', max_length=10)),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('cause', models.CharField(blank=True, max_length=64)),
                ('summary', models.TextField(blank=True, verbose_name='what was said')),
                ('called_back_at', models.DateTimeField(blank=True, null=True)),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls_answered', to=settings.AUTH_USER_MODEL)),
                ('callback_owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='callbacks', to=settings.AUTH_USER_MODEL)),
                ('called_back_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='callbacks_done', to=settings.AUTH_USER_MODEL)),
                ('caller', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls_made', to=settings.AUTH_USER_MODEL)),
                ('logged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls_logged', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='accounts.organisation')),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls', to='tickets.ticket')),
                ('pbx', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='phone.pbx')),
            ],
            options={
                'ordering': ['-started_at', '-id'],
                'verbose_name': 'call',
                'verbose_name_plural': 'calls',
                'indexes': [models.Index(condition=models.Q(('called_back_at__isnull', True), ('state', 'missed')), fields=['-started_at'], name='call_callback_due'), models.Index(fields=['answered_by', 'state'], name='call_answered_by')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('call_id', ''), _negated=True), fields=('pbx', 'call_id'), name='call_once_per_pbx')],
            },
        ),
        migrations.CreateModel(
            name='ContactNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('raw', models.CharField(max_length=40)),
                ('e164', models.CharField(blank=True, db_index=True, max_length=20)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contact_number', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'contact number',
                'verbose_name_plural': 'contact numbers',
            },
        ),
        migrations.CreateModel(
            name='CallEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(max_length=32)),
                ('payload', models.JSONField(default=dict)),
                ('duplicate', models.BooleanField(default=False)),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='phone.call')),
                ('pbx', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='phone.pbx')),
            ],
            options={
                'ordering': ['received_at', 'id'],
                'verbose_name': 'call event',
                'verbose_name_plural': 'call events',
            },
        ),
    ]
