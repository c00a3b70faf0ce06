"""Full-text search: a GIN index on PostgreSQL, an FTS5 table on SQLite.

Each operation runs only on its own database; the other is left untouched.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

from supportdesk.search.backends import MESSAGE_VECTOR, TICKET_VECTOR

FTS_CREATE = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    ticket_id UNINDEXED, internal UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
)
"""
FTS_FILL = [
    "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
    "SELECT -id, id, 0, subject, description FROM tickets_ticket",
    "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
    "SELECT id, ticket_id, internal, '', body FROM tickets_message",
]


def sqlite_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(FTS_CREATE)
    for statement in FTS_FILL:
        schema_editor.execute(statement)


def sqlite_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


def _indexes(apps):
    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    return [
        (Ticket, GinIndex(SearchVector(*TICKET_VECTOR, config="simple"), name="ticket_fts")),
        (Message, GinIndex(SearchVector(*MESSAGE_VECTOR, config="simple"), name="message_fts")),
    ]


def postgres_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Built from the same expressions the search queries use, so the planner matches them.
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def postgres_backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(sqlite_forwards, sqlite_backwards, elidable=False),
        migrations.RunPython(postgres_forwards, postgres_backwards, elidable=False),
    ]
