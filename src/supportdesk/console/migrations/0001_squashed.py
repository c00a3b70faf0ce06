import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('console', '0001_initial'), ('console', '0002_saved_reply_attachment'), ('console', '0003_saved_view'), ('console', '0004_mail_mentions'), ('console', '0002_verbose_names'), ('console', '0005_merge_0002_verbose_names_0004_mail_mentions'), ('console', '0006_saved_view_pages')]

    initial = True

    dependencies = [
        ('commitments', '0001_squashed'),
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NotificationMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mailed', models.BooleanField(default=False)),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('notification', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mail', to='commitments.notification')),
            ],
            options={
                'verbose_name': 'notification mail',
                'verbose_name_plural': 'notification mails',
            },
        ),
        migrations.CreateModel(
            name='SavedReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, unique=True, verbose_name='title')),
                ('body', models.TextField(help_text='Markdown. Placeholders: {customer_first_name}, {ticket_number}, {consultant_name}, {organisation}.', verbose_name='text')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('attachment', models.FileField(blank=True, max_length=300, upload_to='saved-replies/%Y/', verbose_name='attachment')),
                ('attachment_name', models.CharField(blank=True, max_length=255)),
                ('attachment_type', models.CharField(blank=True, max_length=150)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'saved replies',
                'ordering': ['title'],
                'verbose_name': 'saved reply',
            },
        ),
        migrations.CreateModel(
            name='StaffPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mail_new_ticket', models.BooleanField(default=True, verbose_name='new tickets (dispatchers)')),
                ('mail_assigned', models.BooleanField(default=True, verbose_name='a ticket is assigned to me')),
                ('mail_customer_replied', models.BooleanField(default=True, verbose_name='a customer replied on my ticket')),
                ('mail_deadlines', models.BooleanField(default=True, verbose_name='deadline warnings and breaches')),
                ('mail_missed_calls', models.BooleanField(default=True, verbose_name='missed calls to call back')),
                ('mail_mentions', models.BooleanField(default=True, verbose_name='a colleague mentions me in a note')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_preference', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'staff preference',
                'verbose_name_plural': 'staff preferences',
            },
        ),
        migrations.CreateModel(
            name='SavedView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('query', models.CharField(max_length=500)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_views', to=settings.AUTH_USER_MODEL)),
                ('page', models.CharField(choices=[('board', 'Board'), ('my_day', 'My day')], default='board', max_length=16, verbose_name='list')),
            ],
            options={
                'ordering': ['name'],
                'verbose_name': 'saved view',
                'verbose_name_plural': 'saved views',
                'constraints': [models.UniqueConstraint(fields=('user', 'page', 'name'), name='saved_view_name_per_user_page')],
            },
        ),
        migrations.CreateModel(
            name='TimerRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField()),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='tickets.ticket')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'timer run',
                'verbose_name_plural': 'timer runs',
                'constraints': [models.UniqueConstraint(fields=('user', 'ticket'), name='one_timer_per_ticket')],
            },
        ),
    ]
