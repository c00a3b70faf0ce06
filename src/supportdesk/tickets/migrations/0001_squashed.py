"""Tickets, messages, attachments, Odoo references, links and the event timeline, with two
sets of triggers, each in the dialect of its database (SQLite or PostgreSQL):

- Events are the audit log: the database itself refuses to change one (DESIGN rule 2).
  ``Event.save`` already refuses a second save; the trigger also stops a queryset
  ``update()`` or a hand-written UPDATE. Two changes stay possible: a deleted user's
  events forget their actor (``on_delete=SET_NULL``), and rows go with their ticket.
- Each user's count of open assigned tickets is kept by the database (``User.open_load``):
  triggers on ``tickets_ticket`` add one to the new assignee and take one from the old
  whenever a ticket enters or leaves an open status or changes hands, in the same
  transaction as the change, so whatever writes a ticket (an action, the admin, a bulk
  import, a test factory) the figure cannot drift, and ranking consultants (R3) reads a
  column instead of counting open tickets. The migration counts existing tickets once.

Replaces the chain 0001_initial … 0011_merge_org_open_index (README, "Development").
"""

import django.db.models.deletion
import django.utils.timezone
import supportdesk.tickets.models
from django.conf import settings
from django.db import migrations, models


# The one change allowed: forgetting the actor when a user account is deleted.
SAME_BUT_ACTOR = (
    "NEW.actor_id IS NULL AND NEW.ticket_id = OLD.ticket_id AND NEW.verb = OLD.verb"
    " AND NEW.old = OLD.old AND NEW.new = OLD.new AND NEW.reason = OLD.reason"
    " AND NEW.public = OLD.public AND NEW.created_at = OLD.created_at"
)
EVENTS_SQLITE = f"""
CREATE TRIGGER tickets_event_append_only BEFORE UPDATE ON tickets_event
WHEN NOT ({SAME_BUT_ACTOR})
BEGIN SELECT RAISE(ABORT, 'events are append-only: an event is never edited'); END;
"""
EVENTS_POSTGRES = [
    f"""CREATE FUNCTION tickets_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {SAME_BUT_ACTOR} THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'events are append-only: an event is never edited';
END $$""",
    """CREATE TRIGGER tickets_event_append_only BEFORE UPDATE ON tickets_event
FOR EACH ROW EXECUTE FUNCTION tickets_event_append_only()""",
]


def events_forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(EVENTS_SQLITE)
    elif vendor == "postgresql":
        for statement in EVENTS_POSTGRES:
            schema_editor.execute(statement)


def events_backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS tickets_event_append_only"
        + (" ON tickets_event" if vendor == "postgresql" else "")
    )
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS tickets_event_append_only()")


# tickets.models.OPEN_STATUSES when this was written (a migration keeps its own copy).
OPEN = "('new', 'assigned', 'in_progress', 'waiting_customer', 'waiting_third_party')"
COUNTED = "{row}.assignee_id IS NOT NULL AND {row}.status IN " + OPEN
OLD, NEW = COUNTED.format(row="OLD"), COUNTED.format(row="NEW")
CHANGED = "(OLD.status {ne} NEW.status OR OLD.assignee_id {ne} NEW.assignee_id)"
TAKE = "UPDATE accounts_user SET open_load = open_load - 1 WHERE id = OLD.assignee_id"
ADD = "UPDATE accounts_user SET open_load = open_load + 1 WHERE id = NEW.assignee_id"
RECOUNT = (
    "UPDATE accounts_user SET open_load = (SELECT count(*) FROM tickets_ticket t"
    f" WHERE t.assignee_id = accounts_user.id AND t.status IN {OPEN})"
)

OPEN_LOAD_SQLITE = [
    f"CREATE TRIGGER ticket_open_load_insert AFTER INSERT ON tickets_ticket WHEN {NEW}"
    f" BEGIN {ADD}; END",
    f"CREATE TRIGGER ticket_open_load_delete AFTER DELETE ON tickets_ticket WHEN {OLD}"
    f" BEGIN {TAKE}; END",
    "CREATE TRIGGER ticket_open_load_update AFTER UPDATE OF status, assignee_id"
    f" ON tickets_ticket WHEN {CHANGED.format(ne='IS NOT')}"
    f" BEGIN {TAKE} AND {OLD}; {ADD} AND {NEW}; END",
]
OPEN_LOAD_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION ticket_open_load() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND {OLD} THEN {TAKE}; END IF;
  IF TG_OP <> 'DELETE' AND {NEW} THEN {ADD}; END IF;
  RETURN NULL;
END $$""",
    "CREATE OR REPLACE TRIGGER ticket_open_load_change AFTER INSERT OR DELETE ON tickets_ticket"
    " FOR EACH ROW EXECUTE FUNCTION ticket_open_load()",
    "CREATE OR REPLACE TRIGGER ticket_open_load_update AFTER UPDATE OF status, assignee_id"
    f" ON tickets_ticket FOR EACH ROW WHEN {CHANGED.format(ne='IS DISTINCT FROM')}"
    " EXECUTE FUNCTION ticket_open_load()",
]


def open_load_forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in (
        OPEN_LOAD_SQLITE
        if vendor == "sqlite"
        else OPEN_LOAD_POSTGRES
        if vendor == "postgresql"
        else []
    ):
        schema_editor.execute(statement)
    schema_editor.execute(RECOUNT)


def open_load_backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ticket_open_load_{name}")
    elif vendor == "postgresql":
        for name in ("change", "update"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS ticket_open_load_{name} ON tickets_ticket"
            )
        schema_editor.execute("DROP FUNCTION IF EXISTS ticket_open_load()")


class Migration(migrations.Migration):

    replaces = [('tickets', '0001_initial'), ('tickets', '0002_events_append_only'), ('tickets', '0003_event_delivery'), ('tickets', '0004_verbose_names'), ('tickets', '0005_event_delivery_names'), ('tickets', '0004_open_load'), ('tickets', '0006_merge_0004_open_load_0005_event_delivery_names'), ('tickets', '0004_odooreference_source'), ('tickets', '0006_merge_0004_odooreference_source_0005_event_delivery_names'), ('tickets', '0007_merge_screenshots_open_load'), ('tickets', '0008_message_note'), ('tickets', '0008_org_open_index'), ('tickets', '0008_report_sweep_indexes'), ('tickets', '0009_merge_0008_message_note_0008_report_sweep_indexes'), ('tickets', '0009_report_risk_indexes'), ('tickets', '0010_merge_risk_indexes_message_note'), ('tickets', '0011_merge_org_open_index')]

    initial = True

    dependencies = [
        ('accounts', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Ticket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('portal', 'Portal'), ('email', 'E-mail'), ('phone', 'Telephone'), ('api', 'API'), ('console', 'Console')], max_length=16)),
                ('subject', models.CharField(max_length=250, verbose_name='subject')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('contact_method', models.CharField(choices=[('email', 'E-mail'), ('phone', 'Telephone')], default='email', max_length=10, verbose_name='how to contact')),
                ('contact_phone', models.CharField(blank=True, max_length=40, verbose_name='telephone')),
                ('kind', models.CharField(choices=[('how_to', 'General user support (how do I…)'), ('configuration', 'Configuration change'), ('bug', 'Bug'), ('bug_fix', 'Applying a bug fix'), ('register_bug', 'Registering a bug with Odoo'), ('infrastructure', 'Server infrastructure question'), ('service_delivery', 'Question about our service delivery'), ('licence', 'Odoo licence question'), ('server_resources', 'Additional server resources'), ('deployment', 'Deployment or architecture change')], max_length=32, verbose_name='kind of request')),
                ('impact', models.CharField(blank=True, choices=[('', 'Normal'), ('production_down', 'Production instance down'), ('invoicing_blocked', 'Invoicing blocked'), ('month_end_tax', 'Month-end closing for tax payments and reporting')], default='', max_length=32, verbose_name='business impact')),
                ('impact_review', models.CharField(blank=True, choices=[('', 'Not flagged'), ('claimed', 'Flagged, awaiting review'), ('confirmed', 'Confirmed by the desk'), ('removed', 'Removed by the desk')], default='', max_length=16)),
                ('code_owner', models.CharField(blank=True, choices=[('', 'Not classified'), ('odoo_community', 'Odoo Community'), ('odoo_enterprise', 'Odoo Enterprise'), ('third_party', 'Third-party app'), ('partner', 'Our localisation addons'), ('customer', "Customer's own code or Studio")], default='', max_length=32, verbose_name='code owner')),
                ('status', models.CharField(choices=[('new', 'New'), ('assigned', 'Assigned'), ('in_progress', 'In progress'), ('waiting_customer', 'Waiting on customer'), ('waiting_third_party', 'Waiting on third party'), ('resolved', 'Resolved'), ('closed', 'Closed')], default='new', max_length=24)),
                ('sender_verified', models.BooleanField(default=True)),
                ('reply_token', models.CharField(default=supportdesk.tickets.models.new_reply_token, max_length=32, unique=True)),
                ('queue_rank', models.PositiveSmallIntegerField(default=1)),
                ('registered_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('assigned_at', models.DateTimeField(blank=True, null=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('assignment_due', models.DateTimeField(blank=True, null=True)),
                ('same_day_due', models.DateTimeField(blank=True, null=True)),
                ('resolution_due', models.DateTimeField(blank=True, null=True)),
                ('paused_minutes', models.PositiveIntegerField(default=0)),
                ('assignment_warn_at', models.DateTimeField(blank=True, null=True)),
                ('assignment_minutes', models.PositiveIntegerField(blank=True, null=True)),
                ('resolution_minutes', models.PositiveIntegerField(blank=True, null=True)),
                ('assignment_warned_at', models.DateTimeField(blank=True, null=True)),
                ('assignment_breached_at', models.DateTimeField(blank=True, null=True)),
                ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_tickets', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='accounts.organisation')),
                ('requester', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='requested_tickets', to=settings.AUTH_USER_MODEL)),
                ('required_skill', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tickets', to='accounts.skill')),
                ('watchers', models.ManyToManyField(blank=True, related_name='watched_tickets', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'ticket',
                'verbose_name_plural': 'tickets',
                'indexes': [models.Index(condition=models.Q(('status__in', ['new', 'assigned', 'in_progress', 'waiting_customer', 'waiting_third_party'])), fields=['queue_rank', 'registered_at', 'id'], name='ticket_queue'), models.Index(fields=['organisation', '-id'], name='ticket_org_recent'), models.Index(fields=['requester', '-id'], name='ticket_requester_recent'), models.Index(fields=['assignee', 'status'], name='ticket_assignee_status'), models.Index(fields=['status', '-id'], name='ticket_status_recent'), models.Index(fields=['registered_at'], name='ticket_registered'), models.Index(condition=models.Q(('assigned_at__isnull', True)), fields=['assignment_due'], name='ticket_unassigned_due'), models.Index(condition=models.Q(('assigned_at__isnull', True)), fields=['assignment_warn_at'], name='ticket_unassigned_warn'), models.Index(fields=['same_day_due'], name='ticket_same_day_due'), models.Index(condition=models.Q(('resolved_at__isnull', True)), fields=['resolution_due'], name='ticket_unresolved_due'), models.Index(condition=models.Q(('assigned_at__isnull', True), ('status__in', ['new', 'assigned', 'in_progress', 'waiting_customer', 'waiting_third_party'])), fields=['assignment_warn_at'], name='ticket_risk_unassigned'), models.Index(condition=models.Q(('status__in', ['new', 'assigned', 'in_progress', 'waiting_customer', 'waiting_third_party'])), fields=['resolution_due', 'status', 'assigned_at', 'assignment_warn_at'], name='ticket_risk_resolution'), models.Index(condition=models.Q(('status__in', ['new', 'assigned', 'in_progress', 'waiting_customer', 'waiting_third_party'])), fields=['organisation', '-id', 'requester'], name='ticket_org_open')],
                'constraints': [models.CheckConstraint(condition=models.Q(('contact_method', 'email'), models.Q(('contact_phone', ''), _negated=True), _connector='OR'), name='phone_contact_has_number')],
            },
        ),
        migrations.CreateModel(
            name='OdooReference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('type', models.CharField(choices=[('url', 'Odoo URL'), ('reference', 'Transaction reference')], max_length=16)),
                ('text', models.CharField(max_length=2000)),
                ('normalised', models.CharField(max_length=2000)),
                ('model', models.CharField(blank=True, max_length=128)),
                ('record_id', models.BigIntegerField(blank=True, null=True)),
                ('host', models.CharField(blank=True, max_length=255)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('source', models.CharField(choices=[('text', 'Written by the customer'), ('screenshot', 'Recognised in a screenshot'), ('staff', 'Corrected by a consultant')], default='text', max_length=16)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='odoo_refs', to='tickets.ticket')),
            ],
            options={
                'ordering': ['id'],
                'verbose_name': 'Odoo reference',
                'verbose_name_plural': 'Odoo references',
                'indexes': [models.Index(fields=['normalised'], name='odoo_ref_normalised')],
                'constraints': [models.UniqueConstraint(fields=('ticket', 'type', 'normalised'), name='odoo_ref_once')],
            },
        ),
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('author_email', models.EmailField(blank=True, max_length=254)),
                ('internal', models.BooleanField(default=False)),
                ('channel', models.CharField(choices=[('portal', 'Portal'), ('email', 'E-mail'), ('phone', 'Telephone'), ('api', 'API'), ('console', 'Console')], max_length=16)),
                ('body', models.TextField()),
                ('body_html', models.TextField(blank=True, help_text='Sanitised HTML, when the message had it.')),
                ('message_id', models.CharField(blank=True, max_length=998)),
                ('in_reply_to', models.CharField(blank=True, max_length=998)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='tickets.ticket')),
                ('note', models.JSONField(blank=True, null=True)),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'verbose_name': 'message',
                'verbose_name_plural': 'messages',
                'indexes': [models.Index(fields=['ticket', 'created_at'], name='message_ticket_time'), models.Index(fields=['message_id'], name='message_message_id')],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('verb', models.CharField(max_length=48)),
                ('old', models.JSONField(blank=True, default=dict)),
                ('new', models.JSONField(blank=True, default=dict)),
                ('reason', models.TextField(blank=True)),
                ('public', models.BooleanField(default=True, help_text="Shown on the customer's timeline.")),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='tickets.ticket')),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'verbose_name': 'event',
                'verbose_name_plural': 'events',
                'indexes': [models.Index(fields=['ticket', 'created_at', 'id'], name='event_ticket_time'), models.Index(fields=['verb', 'created_at'], name='event_verb_time')],
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=300, upload_to=supportdesk.tickets.models.attachment_path)),
                ('filename', models.CharField(max_length=255)),
                ('content_type', models.CharField(max_length=150)),
                ('size', models.PositiveBigIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('internal', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='tickets.message')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='tickets.ticket')),
            ],
            options={
                'ordering': ['id'],
                'verbose_name': 'attachment',
                'verbose_name_plural': 'attachments',
            },
        ),
        migrations.CreateModel(
            name='TicketLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('related', 'Related'), ('merged_into', 'Merged into'), ('split_from', 'Split from'), ('follow_up', 'Follow-up of')], max_length=16)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links_out', to='tickets.ticket')),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links_in', to='tickets.ticket')),
            ],
            options={
                'verbose_name': 'ticket link',
                'verbose_name_plural': 'ticket links',
                'constraints': [models.UniqueConstraint(fields=('source', 'target', 'kind'), name='ticket_link_once'), models.CheckConstraint(condition=models.Q(('source', models.F('target')), _negated=True), name='ticket_link_not_self')],
            },
        ),
        migrations.CreateModel(
            name='EventDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subscriber', models.CharField(max_length=100)),
                ('delivered_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='tickets.event')),
            ],
            options={
                'verbose_name': 'event delivery',
                'verbose_name_plural': 'event deliveries',
                'constraints': [models.UniqueConstraint(fields=('event', 'subscriber'), name='event_delivered_once')],
            },
        ),
        migrations.RunPython(
            code=events_forwards,
            reverse_code=events_backwards,
        ),
        migrations.RunPython(
            code=open_load_forwards,
            reverse_code=open_load_backwards,
        ),
    ]
