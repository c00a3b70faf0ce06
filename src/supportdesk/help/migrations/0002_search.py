"""Article search: a GIN index on the stored vector (PostgreSQL), an FTS5 table (SQLite).

Each operation runs only on its own database; the other is left untouched.
"""

from django.db import migrations

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
    dependencies = [("help", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
