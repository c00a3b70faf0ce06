import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('commitments', '0001_initial'), ('commitments', '0002_verbose_names'), ('commitments', '0002_calendar_change'), ('commitments', '0003_merge_0002_calendar_change_0002_verbose_names')]

    initial = True

    dependencies = [
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BusinessHours',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], unique=True, verbose_name='weekday')),
                ('opens', models.TimeField(verbose_name='opens')),
                ('closes', models.TimeField(verbose_name='closes')),
            ],
            options={
                'verbose_name_plural': 'business hours',
                'ordering': ['weekday'],
                'verbose_name': 'business hours',
            },
        ),
        migrations.CreateModel(
            name='ClosedDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='date')),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
            ],
            options={
                'ordering': ['date'],
                'verbose_name': 'closed day',
                'verbose_name_plural': 'closed days',
            },
        ),
        migrations.CreateModel(
            name='ShortDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='date')),
                ('opens', models.TimeField(verbose_name='opens')),
                ('closes', models.TimeField(verbose_name='closes')),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
            ],
            options={
                'ordering': ['date'],
                'verbose_name': 'short day',
                'verbose_name_plural': 'short days',
            },
        ),
        migrations.CreateModel(
            name='CalendarChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('changed_at', models.DateTimeField()),
                ('old_week', models.JSONField()),
                ('new_week', models.JSONField()),
                ('moved_tickets', models.JSONField(default=list)),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-changed_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Absence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts', models.DateField(verbose_name='first day')),
                ('ends', models.DateField(verbose_name='last day')),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                ('user', models.ForeignKey(limit_choices_to={'role__in': ['consultant', 'business_consultant', 'dispatcher']}, on_delete=django.db.models.deletion.CASCADE, related_name='absences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-starts'],
                'verbose_name': 'absence',
                'verbose_name_plural': 'absences',
                'indexes': [models.Index(fields=['starts', 'ends'], name='absence_span')],
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=48)),
                ('text', models.CharField(max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='tickets.ticket')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'indexes': [models.Index(fields=['user', 'read_at', '-created_at'], name='notification_inbox')],
            },
        ),
    ]
