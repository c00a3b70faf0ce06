import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('leads', '0001_initial'), ('leads', '0002_verbose_names')]

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Lead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                ('company', models.CharField(blank=True, max_length=200, verbose_name='company')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telephone')),
                ('subject', models.CharField(blank=True, max_length=250, verbose_name='subject')),
                ('message', models.TextField(verbose_name='message')),
                ('source', models.CharField(choices=[('web', 'Inquiry form'), ('email', 'E-mail'), ('phone', 'Telephone')], max_length=16)),
                ('state', models.CharField(choices=[('new', 'New'), ('contacted', 'Contacted'), ('closed', 'Closed')], default='new', max_length=16)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-created_at'],
                'verbose_name': 'lead',
                'verbose_name_plural': 'leads',
            },
        ),
    ]
