import django.db.models.deletion
import django.utils.timezone
import supportdesk.accounts.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('accounts', '0001_initial'), ('accounts', '0002_consultant_last_assigned'), ('accounts', '0003_verbose_names'), ('accounts', '0003_user_takes_tickets'), ('accounts', '0004_merge_0003_user_takes_tickets_0003_verbose_names'), ('accounts', '0004_billing_contact'), ('accounts', '0005_merge_20261130_0814'), ('accounts', '0003_user_open_load'), ('accounts', '0005_merge_20261130_0813'), ('accounts', '0006_merge_20261130_0823')]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='Skill',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
            ],
            options={
                'ordering': ['name'],
                'verbose_name': 'skill',
                'verbose_name_plural': 'skills',
            },
        ),
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('email', models.EmailField(max_length=254, unique=True, verbose_name='e-mail')),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('role', models.CharField(choices=[('customer', 'Customer user'), ('consultant', 'Consultant'), ('business_consultant', 'Business consultant'), ('dispatcher', 'Dispatcher'), ('admin', 'Administrator')], default='customer', max_length=32, verbose_name='role')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telephone')),
                ('preferred_contact', models.CharField(choices=[('email', 'E-mail'), ('phone', 'Telephone')], default='email', max_length=10, verbose_name='preferred contact')),
                ('email_failing_since', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(choices=[('en', 'English'), ('sv', 'Svenska')], default='en', max_length=8, verbose_name='language')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_assigned_at', models.DateTimeField(blank=True, null=True)),
                ('takes_tickets', models.BooleanField(default=False, help_text='For staff who are not consultants: suggested for tickets that need one of their skills.', verbose_name='takes tickets')),
                ('billing_contact', models.BooleanField(default=False, help_text="Sees the organisation's statements. Customer users only.", verbose_name='billing contact')),
                ('open_load', models.PositiveIntegerField(default=0, editable=False)),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'ordering': ['email'],
                'verbose_name': 'user',
                'verbose_name_plural': 'users',
            },
            managers=[
                ('objects', supportdesk.accounts.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('mail_domains', models.CharField(blank=True, help_text='Comma-separated domains whose senders belong to this organisation.', max_length=500, verbose_name='mail domains')),
                ('odoo_url', models.URLField(blank=True, verbose_name='Odoo instance URL')),
                ('members_see_all', models.BooleanField(default=False, help_text='Off: a customer user sees the tickets they requested or are copied on.', verbose_name="members see all the organisation's tickets")),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('business_consultant', models.ForeignKey(blank=True, limit_choices_to={'role__in': ['business_consultant', 'admin']}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='managed_organisations', to=settings.AUTH_USER_MODEL, verbose_name='business consultant')),
            ],
            options={
                'ordering': ['name'],
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
            },
        ),
        migrations.AddField(
            model_name='user',
            name='organisation',
            field=models.ForeignKey(blank=True, help_text='Required for customer users; empty for staff.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='accounts.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='user',
            name='skills',
            field=models.ManyToManyField(blank=True, related_name='consultants', to='accounts.skill'),
        ),
        migrations.CreateModel(
            name='Agreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid to')),
                ('reference', models.CharField(blank=True, max_length=100, verbose_name='contract reference')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agreements', to='accounts.organisation')),
            ],
            options={
                'ordering': ['organisation', '-valid_from'],
                'verbose_name': 'agreement',
                'verbose_name_plural': 'agreements',
                'constraints': [models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='agreement_ends_after_it_starts')],
            },
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'customer'), _negated=True), ('organisation__isnull', False), _connector='OR'), name='customer_user_has_organisation'),
        ),
    ]
