import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('billing', '0001_initial'), ('billing', '0002_statements'), ('billing', '0003_reasons_as_data'), ('billing', '0004_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '0001_squashed'),
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StatementSequence',
            fields=[
                ('year', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ('last', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'statement number sequence',
                'verbose_name_plural': 'statement number sequences',
            },
        ),
        migrations.CreateModel(
            name='Statement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month billed.', verbose_name='month')),
                ('type', models.CharField(choices=[('invoice', 'Statement'), ('credit', 'Credit statement')], default='invoice', max_length=8)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('issued', 'Issued'), ('credited', 'Credited')], default='draft', max_length=8)),
                ('number', models.CharField(blank=True, max_length=16, null=True, unique=True)),
                ('currency', models.CharField(default='SEK', max_length=3)),
                ('hourly_rate', models.DecimalField(decimal_places=2, max_digits=10)),
                ('vat_percent', models.DecimalField(decimal_places=2, max_digits=5)),
                ('billed_minutes', models.IntegerField(default=0)),
                ('net', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12)),
                ('vat', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12)),
                ('gross', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12)),
                ('note', models.TextField(blank=True)),
                ('drafted_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('issued_at', models.DateTimeField(blank=True, null=True)),
                ('credited_at', models.DateTimeField(blank=True, null=True)),
                ('odoo_move_id', models.PositiveIntegerField(blank=True, null=True)),
                ('exported_at', models.DateTimeField(blank=True, null=True)),
                ('credits', models.OneToOneField(blank=True, help_text='The issued statement this credit statement cancels.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credited_by', to='billing.statement')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='accounts.organisation')),
            ],
            options={
                'ordering': ['-month', 'organisation', 'id'],
                'verbose_name': 'statement',
                'verbose_name_plural': 'statements',
                'indexes': [models.Index(fields=['organisation', 'status'], name='statement_org_status')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['draft', 'issued']), ('type', 'invoice')), fields=('organisation', 'month'), name='one_live_statement_per_month'), models.CheckConstraint(condition=models.Q(('status', 'draft'), ('number__isnull', False), _connector='OR'), name='issued_statement_has_number')],
            },
        ),
        migrations.CreateModel(
            name='TimeEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('minutes', models.PositiveIntegerField(verbose_name='minutes')),
                ('description', models.TextField(verbose_name='what was done')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('override', models.CharField(blank=True, choices=[('', 'By the rules'), ('free', 'Free'), ('charged', 'Charged')], default='', max_length=8, verbose_name='override')),
                ('override_at', models.DateTimeField(blank=True, null=True)),
                ('override_reason', models.TextField(blank=True, verbose_name='reason for the override')),
                ('consultant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='time_entries', to=settings.AUTH_USER_MODEL)),
                ('corrects', models.ForeignKey(blank=True, help_text='The entry these minutes are taken back from.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='billing.timeentry')),
                ('override_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='time_entries', to='tickets.ticket')),
            ],
            options={
                'ordering': ['date', 'id'],
                'verbose_name': 'time entry',
                'verbose_name_plural': 'time entries',
                'indexes': [models.Index(fields=['ticket', 'date'], name='time_entry_ticket_date')],
                'constraints': [models.CheckConstraint(condition=models.Q(('minutes__gt', 0)), name='time_entry_minutes_positive'), models.CheckConstraint(condition=models.Q(('override', ''), models.Q(('override_reason', ''), _negated=True), _connector='OR'), name='time_entry_override_has_reason')],
            },
        ),
        migrations.CreateModel(
            name='StatementLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('type', models.CharField(choices=[('entry', 'Time entry'), ('correction', 'Correction'), ('adjustment', 'Minimum charge and rounding'), ('credit', 'Credit')], max_length=12)),
                ('date', models.DateField(blank=True, null=True)),
                ('consultant_name', models.CharField(blank=True, max_length=200)),
                ('description', models.TextField(blank=True)),
                ('raw_minutes', models.IntegerField(default=0)),
                ('billed_minutes', models.IntegerField(default=0)),
                ('charge', models.CharField(choices=[('free', 'Free'), ('included', 'Included in agreement'), ('charged', 'Charged')], max_length=8)),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12)),
                ('legacy_reason', models.TextField(blank=True, db_column='reason', default='')),
                ('reason_data', models.JSONField(blank=True, default=dict, verbose_name='reason')),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='billing.statement')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statement_lines', to='tickets.ticket')),
                ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='billing.timeentry')),
            ],
            options={
                'ordering': ['statement', 'position'],
                'verbose_name': 'statement line',
                'verbose_name_plural': 'statement lines',
                'indexes': [models.Index(fields=['ticket', 'statement'], name='statement_line_ticket'), models.Index(fields=['entry'], name='statement_line_entry')],
            },
        ),
        migrations.CreateModel(
            name='BillingProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hourly_rate', models.DecimalField(blank=True, decimal_places=2, help_text='Empty: the default rate (setting BILLING_HOURLY_RATE).', max_digits=10, null=True, verbose_name='hourly rate (SEK)')),
                ('rounding_minutes', models.PositiveSmallIntegerField(default=0, help_text='Billed minutes per ticket are rounded up to a multiple of this; 0: none.', verbose_name='rounding increment (minutes)')),
                ('odoo_partner_id', models.PositiveIntegerField(blank=True, help_text='The res.partner id statements are exported to as draft invoices.', null=True, verbose_name='customer id in our Odoo')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='billing_profile', to='accounts.organisation')),
            ],
            options={
                'verbose_name': 'billing profile',
                'verbose_name_plural': 'billing profiles',
                'constraints': [models.CheckConstraint(condition=models.Q(('hourly_rate__isnull', True), ('hourly_rate__gte', 0), _connector='OR'), name='billing_rate_not_negative')],
            },
        ),
    ]
