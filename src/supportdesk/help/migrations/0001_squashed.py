"""The help center; article search gets a GIN index on the stored vector (PostgreSQL) or
an FTS5 table (SQLite): each step runs only on its own database, the other is left
untouched."""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
import supportdesk.help.models
from django.conf import settings
from django.db import migrations, models


FTS_CREATE = """
CREATE VIRTUAL TABLE help_fts USING fts5(
    title, tags, body, tokenize = 'porter unicode61 remove_diacritics 2'
)
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX help_article_fts ON help_article USING gin (search_vector)"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS help_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS help_article_fts")


class Migration(migrations.Migration):

    replaces = [('help', '0001_initial'), ('help', '0002_search')]

    initial = True

    dependencies = [
        ('accounts', '0001_squashed'),
        ('tickets', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='name')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(max_length=120, unique=True, verbose_name='address')),
                ('language', models.CharField(choices=[('en', 'English'), ('sv', 'Svenska')], default='en', max_length=8, verbose_name='language')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(verbose_name='text (Markdown)')),
                ('body_text', models.TextField(blank=True, editable=False)),
                ('category', models.CharField(choices=[('sales', 'Sales'), ('accounting', 'Accounting'), ('inventory', 'Inventory'), ('manufacturing', 'Manufacturing'), ('purchase', 'Purchase'), ('crm', 'CRM'), ('project', 'Project and timesheets'), ('hr', 'Employees and payroll'), ('website', 'Website and e-commerce'), ('localisation', 'Swedish localisation'), ('general', 'General use of Odoo')], max_length=32, verbose_name='Odoo application')),
                ('odoo_versions', models.CharField(blank=True, help_text='For example: 17.0, 18.0', max_length=100, verbose_name='Odoo versions')),
                ('visibility', models.CharField(choices=[('public', 'Public: anyone'), ('customers', 'Customers: logged-in portal users'), ('organisation', 'One organisation'), ('internal', 'Internal: staff only')], default='internal', max_length=16, verbose_name='visible to')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=16)),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='help_articles', to='accounts.organisation', verbose_name='organisation')),
                ('original', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='translations', to='help.article', verbose_name='translation of')),
                ('source_ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='help_articles', to='tickets.ticket')),
                ('tags', models.ManyToManyField(blank=True, related_name='articles', to='help.tag')),
            ],
            options={
                'ordering': ['title', 'id'],
                'indexes': [models.Index(fields=['status', 'visibility'], name='article_visible')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('visibility', 'organisation'), _negated=True), ('organisation__isnull', False), _connector='OR'), name='organisation_article_names_its_organisation'), models.UniqueConstraint(fields=('original', 'language'), name='one_translation_per_language')],
            },
        ),
        migrations.CreateModel(
            name='ArticleImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=300, upload_to=supportdesk.help.models.image_path)),
                ('filename', models.CharField(max_length=255)),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveBigIntegerField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='images', to='help.article')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='RatingRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('consultant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rating_requests', to=settings.AUTH_USER_MODEL)),
                ('resolution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tickets.event')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rating_requests', to='tickets.ticket')),
            ],
            options={
                'indexes': [models.Index(fields=['contact', 'created_at'], name='rating_request_contact')],
                'constraints': [models.UniqueConstraint(fields=('resolution', 'contact'), name='asked_once_per_resolution')],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.PositiveSmallIntegerField()),
                ('comment', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('request', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rating', to='help.ratingrequest')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('score__gte', 1), ('score__lte', 5)), name='rating_from_1_to_5')],
            },
        ),
        migrations.CreateModel(
            name='ArticleRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('changed', models.JSONField(default=list)),
                ('snapshot', models.JSONField(default=dict)),
                ('note', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='help.article')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['article', '-number'],
                'constraints': [models.UniqueConstraint(fields=('article', 'number'), name='revision_number_once')],
            },
        ),
        migrations.CreateModel(
            name='HelpActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('suggested', 'Suggested'), ('opened', 'Opened'), ('solved', 'Solved without a ticket')], max_length=16)),
                ('draft', models.CharField(max_length=40)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activity', to='help.article')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.organisation')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['kind', 'created_at'], name='help_activity_kind_time')],
                'constraints': [models.UniqueConstraint(fields=('draft', 'kind', 'article'), name='help_activity_once')],
            },
        ),
        migrations.RunPython(
            code=forwards,
            reverse_code=backwards,
        ),
    ]
