import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# 0003_inbound_identity_notes re-keyed the received mail already stored; on a fresh
# database the table is empty when it is made here, so that step has nothing to do.


class Migration(migrations.Migration):

    replaces = [('mail', '0001_initial'), ('mail', '0002_inbound_mailboxes_call_tasks'), ('mail', '0003_verbose_names'), ('mail', '0003_inbound_identity_notes'), ('mail', '0004_merge_0003_inbound_identity_notes_0003_verbose_names'), ('mail', '0002_call_task_reasons')]

    initial = True

    dependencies = [
        ('accounts', '0001_squashed'),
        ('leads', '0001_squashed'),
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Mailbox',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('address', models.EmailField(help_text='The address customers write to; its +token variants reach the same box.', max_length=254, verbose_name='address')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('imap_host', models.CharField(blank=True, help_text='Empty: mail reaches this box by LMTP, the pipe command or a webhook.', max_length=255, verbose_name='IMAP host')),
                ('imap_port', models.PositiveIntegerField(default=993, verbose_name='IMAP port')),
                ('imap_security', models.CharField(choices=[('ssl', 'TLS (IMAPS, port 993)'), ('starttls', 'STARTTLS (port 143)'), ('none', 'None (loopback or tests only)')], default='ssl', max_length=10, verbose_name='IMAP security')),
                ('imap_username', models.CharField(blank=True, max_length=255, verbose_name='IMAP user name')),
                ('imap_auth', models.CharField(choices=[('password', 'Password'), ('xoauth2', 'OAuth 2 access token (XOAUTH2)')], default='password', max_length=10, verbose_name='IMAP authentication')),
                ('imap_secret_encrypted', models.TextField(blank=True, editable=False)),
                ('imap_folder', models.CharField(default='INBOX', max_length=255, verbose_name='folder')),
                ('imap_done_folder', models.CharField(blank=True, help_text='Empty: stored mail is flagged as seen and stays in the folder.', max_length=255, verbose_name='move stored mail to')),
                ('imap_idle', models.BooleanField(default=False, help_text="'supportdesk mail listen' keeps a connection open and is told of new mail.", verbose_name='wait with IDLE')),
                ('uidvalidity', models.BigIntegerField(blank=True, editable=False, null=True)),
                ('last_uid', models.BigIntegerField(default=0, editable=False)),
                ('last_polled_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('last_error', models.TextField(blank=True, editable=False)),
                ('default_organisation', models.ForeignKey(blank=True, help_text="Empty: the sender's address decides the organisation.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='mailboxes', to='accounts.organisation', verbose_name='default organisation')),
            ],
            options={
                'verbose_name_plural': 'mailboxes',
                'ordering': ['name'],
                'verbose_name': 'mailbox',
            },
        ),
        migrations.CreateModel(
            name='CallTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='call_tasks', to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='call_tasks', to='tickets.ticket')),
                ('reasons', models.JSONField(blank=True, default=list)),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'verbose_name': 'call task',
                'verbose_name_plural': 'call tasks',
                'indexes': [models.Index(condition=models.Q(('done_at__isnull', True)), fields=['created_at'], name='calltask_open')],
            },
        ),
        migrations.CreateModel(
            name='InboundMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('imap', 'IMAP'), ('lmtp', 'LMTP/SMTP'), ('pipe', 'Pipe'), ('webhook', 'Provider webhook')], max_length=10)),
                ('raw', models.BinaryField()),
                ('size', models.PositiveBigIntegerField(help_text='Size of the message as delivered.')),
                ('truncated', models.BooleanField(default=False)),
                ('sha256', models.CharField(max_length=64)),
                ('message_id', models.CharField(blank=True, max_length=998)),
                ('dedup_key', models.CharField(max_length=80, unique=True)),
                ('deliveries', models.PositiveIntegerField(default=1)),
                ('subject', models.CharField(blank=True, max_length=250)),
                ('from_address', models.CharField(blank=True, max_length=254)),
                ('sent_at', models.DateTimeField(blank=True, help_text='The Date header.', null=True)),
                ('envelope_from', models.CharField(blank=True, max_length=254)),
                ('envelope_to', models.JSONField(blank=True, default=list)),
                ('imap_uid', models.BigIntegerField(blank=True, null=True)),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('state', models.CharField(choices=[('received', 'Stored, not yet processed'), ('processed', 'Processed'), ('ignored', 'Stored, nothing to do'), ('dropped', 'Our own mail coming back: dropped'), ('failed', 'Failed: kept for reprocessing')], default='received', max_length=10)),
                ('outcome', models.CharField(blank=True, max_length=32)),
                ('error', models.TextField(blank=True)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('processed_at', models.DateTimeField(blank=True, null=True)),
                ('notes', models.TextField(blank=True)),
                ('lead', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='leads.lead')),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inbound_mails', to='tickets.ticket')),
                ('ticket_message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inbound_mails', to='tickets.message')),
                ('mailbox', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='messages', to='mail.mailbox')),
            ],
            options={
                'verbose_name': 'received mail',
                'ordering': ['-received_at', '-id'],
                'verbose_name_plural': 'received mail',
                'indexes': [models.Index(fields=['message_id'], name='inbound_message_id'), models.Index(fields=['state', 'received_at'], name='inbound_state'), models.Index(fields=['ticket', 'received_at'], name='inbound_ticket')],
            },
        ),
        migrations.CreateModel(
            name='OutboundMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('to', models.JSONField(help_text='List of recipient addresses.')),
                ('cc', models.JSONField(blank=True, default=list)),
                ('subject', models.CharField(max_length=998)),
                ('text', models.TextField()),
                ('html', models.TextField(blank=True)),
                ('headers', models.JSONField(blank=True, default=dict)),
                ('message_id', models.CharField(max_length=998, unique=True)),
                ('purpose', models.CharField(max_length=48)),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed (gave up)')], default='queued', max_length=16)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('recipient', models.CharField(blank=True, max_length=254)),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbound_mails', to='tickets.ticket')),
            ],
            options={
                'ordering': ['-created_at'],
                'verbose_name': 'sent mail',
                'verbose_name_plural': 'sent mail',
                'indexes': [models.Index(fields=['state', 'next_attempt_at'], name='outbox_due'), models.Index(fields=['ticket', 'created_at'], name='outbox_ticket'), models.Index(fields=['recipient', 'purpose', 'created_at'], name='outbox_recipient')],
            },
        ),
    ]
