import django.db.models.deletion
from django.db import migrations, models

# 0002_band_waits filled the waits by band from the figures already built; on a fresh
# database those tables are empty when they are made here, so that step has nothing to do.


class Migration(migrations.Migration):

    replaces = [('reports', '0001_initial'), ('reports', '0002_band_waits')]

    initial = True

    dependencies = [
        ('tickets', '0001_squashed'),
    ]

    operations = [
        migrations.CreateModel(
            name='FigureBacklog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('workday', models.DateField(unique=True)),
                ('open', models.BigIntegerField(default=0)),
                ('unassigned', models.BigIntegerField(default=0)),
                ('waiting', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='FigureDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True)),
                ('registered', models.BigIntegerField(default=0)),
                ('assignment_met', models.BigIntegerField(default=0)),
                ('assignment_missed', models.BigIntegerField(default=0)),
                ('same_day_met', models.BigIntegerField(default=0)),
                ('same_day_missed', models.BigIntegerField(default=0)),
                ('resolution_met', models.BigIntegerField(default=0)),
                ('resolution_missed', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='FigureOrganisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organisation_id', models.BigIntegerField(unique=True)),
                ('tickets', models.BigIntegerField(default=0)),
                ('assigned', models.BigIntegerField(default=0)),
                ('met', models.BigIntegerField(default=0)),
                ('missed', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='FiguresState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('built_at', models.DateTimeField()),
                ('swept_until', models.DateTimeField()),
                ('window_start', models.DateField()),
                ('calendar_seen', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'figures state',
            },
        ),
        migrations.CreateModel(
            name='FigureBreakdown',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField()),
                ('dimension', models.CharField(max_length=16)),
                ('value', models.CharField(max_length=32)),
                ('registered', models.BigIntegerField(default=0)),
                ('open', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('week', 'dimension', 'value'), name='figurebreakdown_key')],
            },
        ),
        migrations.CreateModel(
            name='FigureConsultant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('assignee_id', models.BigIntegerField()),
                ('day', models.DateField()),
                ('open', models.BigIntegerField(default=0)),
                ('assigned', models.BigIntegerField(default=0)),
                ('in_progress', models.BigIntegerField(default=0)),
                ('waiting', models.BigIntegerField(default=0)),
                ('resolved', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('assignee_id', 'day'), name='figureconsultant_key')],
            },
        ),
        migrations.CreateModel(
            name='FigureMinutes',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.CharField(max_length=1)),
                ('start', models.DateField()),
                ('measure', models.CharField(max_length=1)),
                ('minutes', models.PositiveIntegerField()),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('unit', 'start', 'measure', 'minutes'), name='figureminutes_key')],
            },
        ),
        migrations.CreateModel(
            name='FigureWait',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organisation_id', models.BigIntegerField()),
                ('minutes', models.PositiveIntegerField()),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organisation_id', 'minutes'), name='figurewait_key')],
            },
        ),
        migrations.CreateModel(
            name='TicketFigures',
            fields=[
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='tickets.ticket')),
                ('counted', models.BooleanField(default=False)),
                ('day', models.DateField(null=True)),
                ('workday', models.DateField(null=True)),
                ('organisation_id', models.BigIntegerField(null=True)),
                ('assignee_id', models.BigIntegerField(null=True)),
                ('kind', models.CharField(default='', max_length=32)),
                ('channel', models.CharField(default='', max_length=16)),
                ('impact', models.CharField(default='', max_length=32)),
                ('code_owner', models.CharField(default='', max_length=32)),
                ('status', models.CharField(default='', max_length=24)),
                ('unassigned', models.BooleanField(default=False)),
                ('assignment', models.PositiveSmallIntegerField(default=0)),
                ('same_day', models.PositiveSmallIntegerField(default=0)),
                ('resolution', models.PositiveSmallIntegerField(default=0)),
                ('assignment_minutes', models.PositiveIntegerField(null=True)),
                ('resolution_minutes', models.PositiveIntegerField(null=True)),
                ('resolved_day', models.DateField(null=True)),
                ('in_window', models.BooleanField(default=False)),
            ],
            options={
                'verbose_name': 'ticket figures',
                'indexes': [models.Index(fields=['day'], name='ticketfigures_day')],
            },
        ),
        migrations.CreateModel(
            name='FigureBandWait',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('band', models.CharField(max_length=16)),
                ('minutes', models.PositiveIntegerField()),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('band', 'minutes'), name='figurebandwait_key')],
            },
        ),
    ]
