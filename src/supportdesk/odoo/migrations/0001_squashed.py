import django.db.models.deletion
import django.utils.timezone
import supportdesk.odoo.screen_models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('odoo', '0001_initial'), ('odoo', '0002_verbose_names'), ('odoo', '0002_screenshots_signatures'), ('odoo', '0003_merge_0002_screenshots_signatures_0002_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '0001_squashed'),
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ErrorSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True)),
                ('loose_key', models.CharField(db_index=True, max_length=64)),
                ('exception', models.CharField(max_length=200)),
                ('message', models.TextField()),
                ('frames', models.JSONField(default=list)),
                ('addon', models.CharField(blank=True, max_length=128)),
                ('first_seen', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='BugEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('runbot_url', models.URLField(blank=True, max_length=500, verbose_name='runbot URL')),
                ('reproduction', models.TextField(blank=True, verbose_name='written reproduction')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bug_evidence', to='tickets.ticket')),
            ],
            options={
                'ordering': ['-recorded_at', '-id'],
                'verbose_name': 'bug evidence',
                'verbose_name_plural': 'bug evidence',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('runbot_url', ''), _negated=True), models.Q(('reproduction', ''), _negated=True), _connector='OR'), name='bug_evidence_not_empty')],
            },
        ),
        migrations.CreateModel(
            name='OdooInstance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='e.g. production, staging', max_length=60, verbose_name='name')),
                ('role', models.CharField(choices=[('production', 'Production'), ('staging', 'Staging'), ('test', 'Test')], default='production', max_length=16, verbose_name='role')),
                ('url', models.URLField(help_text='Only the address, like https://acme.odoo.com', verbose_name='URL')),
                ('database', models.CharField(max_length=63, verbose_name='database')),
                ('login', models.CharField(max_length=200, verbose_name='API login')),
                ('api_key_encrypted', models.TextField(blank=True, editable=False)),
                ('own_module_authors', models.CharField(blank=True, max_length=300, verbose_name="authors of the customer's own modules")),
                ('server_version', models.CharField(blank=True, max_length=40)),
                ('serie', models.CharField(blank=True, max_length=10)),
                ('api', models.CharField(choices=[('xmlrpc', 'XML-RPC'), ('json2', 'JSON-2')], default='xmlrpc', max_length=8)),
                ('version_checked_at', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='odoo_instances', to='accounts.organisation')),
            ],
            options={
                'ordering': ['organisation', 'role', 'name'],
                'verbose_name': 'Odoo instance',
                'verbose_name_plural': 'Odoo instances',
                'constraints': [models.UniqueConstraint(fields=('organisation', 'name'), name='odoo_instance_name_once')],
            },
        ),
        migrations.CreateModel(
            name='OwnerClassification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('instance', 'Read from the instance'), ('override', 'Set by a consultant')], max_length=16)),
                ('owner', models.CharField(choices=[('', 'Not classified'), ('odoo_community', 'Odoo Community'), ('odoo_enterprise', 'Odoo Enterprise'), ('third_party', 'Third-party app'), ('partner', 'Our localisation addons'), ('customer', "Customer's own code or Studio")], max_length=32)),
                ('model', models.CharField(blank=True, max_length=128)),
                ('field', models.CharField(blank=True, max_length=128)),
                ('module', models.CharField(blank=True, max_length=128)),
                ('vendor', models.CharField(blank=True, max_length=300)),
                ('licence', models.CharField(blank=True, max_length=32)),
                ('explanation', models.TextField(blank=True)),
                ('evidence', models.JSONField(blank=True, default=dict)),
                ('reason', models.TextField(blank=True, help_text='Why a consultant overrode it.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('instance', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='odoo.odooinstance')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owner_classifications', to='tickets.ticket')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'code owner classification',
                'verbose_name_plural': 'code owner classifications',
            },
        ),
        migrations.CreateModel(
            name='PatchRelease',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('module', models.CharField(max_length=128, verbose_name='module')),
                ('version', models.CharField(max_length=40, verbose_name='version')),
                ('release_date', models.DateField(verbose_name='release date')),
                ('notes', models.TextField(blank=True, verbose_name='release notes')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-release_date', 'module'],
                'verbose_name': 'patch release',
                'verbose_name_plural': 'patch releases',
            },
        ),
        migrations.CreateModel(
            name='PatchReleaseTicket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('linked_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('linked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='odoo.patchrelease')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='patch_links', to='tickets.ticket')),
            ],
            options={
                'verbose_name': 'ticket in a patch release',
                'verbose_name_plural': 'tickets in patch releases',
                'constraints': [models.UniqueConstraint(fields=('release', 'ticket'), name='patch_release_ticket_once')],
            },
        ),
        migrations.AddField(
            model_name='patchrelease',
            name='tickets',
            field=models.ManyToManyField(blank=True, related_name='patch_releases', through='odoo.PatchReleaseTicket', to='tickets.ticket'),
        ),
        migrations.CreateModel(
            name='RecordCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checked_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('exists', models.BooleanField(help_text='Empty when the check failed.', null=True)),
                ('model', models.CharField(blank=True, max_length=128)),
                ('record_id', models.BigIntegerField(blank=True, null=True)),
                ('display_name', models.CharField(blank=True, max_length=500)),
                ('state', models.CharField(blank=True, max_length=64)),
                ('state_label', models.CharField(blank=True, max_length=200)),
                ('company', models.CharField(blank=True, max_length=300)),
                ('error', models.TextField(blank=True)),
                ('checked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('instance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checks', to='odoo.odooinstance')),
                ('reference', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checks', to='tickets.odooreference')),
            ],
            options={
                'ordering': ['-checked_at', '-id'],
                'verbose_name': 'record check',
                'verbose_name_plural': 'record checks',
                'indexes': [models.Index(fields=['reference', '-checked_at'], name='odoo_check_latest')],
            },
        ),
        migrations.CreateModel(
            name='Screenshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Waiting to be read'), ('read', 'Read'), ('failed', 'Could not be read')], default='pending', max_length=16)),
                ('phash', models.CharField(blank=True, max_length=64)),
                ('width', models.PositiveIntegerField(blank=True, null=True)),
                ('height', models.PositiveIntegerField(blank=True, null=True)),
                ('text', models.TextField(blank=True)),
                ('address', models.CharField(blank=True, max_length=2000)),
                ('dialog_title', models.CharField(blank=True, max_length=200)),
                ('dialog_message', models.TextField(blank=True)),
                ('dialog_traceback', models.TextField(blank=True)),
                ('seconds', models.FloatField(blank=True, null=True)),
                ('error', models.TextField(blank=True)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('attachment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='screenshot', to='tickets.attachment')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='screenshots', to='tickets.ticket')),
            ],
            options={
                'ordering': ['id'],
                'indexes': [models.Index(fields=['phash'], name='screenshot_phash')],
            },
        ),
        migrations.CreateModel(
            name='ScreenshotFinding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('url', 'Odoo URL'), ('reference', 'Transaction reference'), ('dialog', 'Error dialog')], max_length=16)),
                ('text', models.CharField(max_length=2000)),
                ('box', models.JSONField(default=list)),
                ('crop', models.FileField(blank=True, max_length=300, upload_to=supportdesk.odoo.screen_models.crop_path)),
                ('removed_at', models.DateTimeField(blank=True, null=True)),
                ('corrected_to', models.CharField(blank=True, max_length=2000)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('reference', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='screenshot_finding', to='tickets.odooreference')),
                ('removed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('screenshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='odoo.screenshot')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='TicketSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('text', 'Ticket text'), ('screenshot', 'Screenshot')], max_length=16)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('signature', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='odoo.errorsignature')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='error_signatures', to='tickets.ticket')),
            ],
            options={
                'ordering': ['id'],
                'indexes': [models.Index(fields=['signature', '-created_at'], name='ticket_signature_recent')],
                'constraints': [models.UniqueConstraint(fields=('ticket', 'signature'), name='ticket_signature_once')],
            },
        ),
        migrations.CreateModel(
            name='UpstreamReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target', models.CharField(choices=[('odoo', 'Odoo support'), ('vendor', 'Third-party vendor')], max_length=16)),
                ('vendor', models.CharField(blank=True, max_length=300, verbose_name='vendor')),
                ('reference', models.CharField(max_length=120, verbose_name='their reference')),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                ('state', models.CharField(choices=[('reported', 'Reported'), ('acknowledged', 'Acknowledged by them'), ('fix_planned', 'Fix planned'), ('fixed', 'Fixed by them'), ('rejected', 'Rejected by them'), ('closed', 'Closed')], default='reported', max_length=16)),
                ('state_changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('reported_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('evidence', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='odoo.bugevidence')),
                ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='upstream_reports', to='tickets.ticket')),
            ],
            options={
                'ordering': ['-reported_at', '-id'],
                'verbose_name': 'report to Odoo',
                'verbose_name_plural': 'reports to Odoo',
            },
        ),
        migrations.AddConstraint(
            model_name='patchrelease',
            constraint=models.UniqueConstraint(fields=('module', 'version'), name='patch_release_once'),
        ),
    ]
