"""Full-text search; each step runs only on its own database, the other is left untouched.

SQLite: an FTS5 table filled from the tickets and messages already stored.

PostgreSQL: stored ``tsvector`` columns and trigram indexes, so every search path uses an
index.

- ``search_vector`` on tickets and messages: generated and stored, behind a GIN index, so a
  match is ranked from the stored vector instead of ``to_tsvector`` recomputed per row.
  The columns are not model fields: only the search backend reads them.
- ``pg_trgm`` GIN indexes on ``upper(name)``/``upper(email)`` of users and organisations
  (the expressions Django writes for ``icontains``) and on users' telephone numbers.
- A b-tree index on the telephone number given with a ticket.

Replaces 0001_initial and 0002_stored_vectors_and_trigrams; the expression indexes
``ticket_fts``/``message_fts`` that 0001 made and 0002 dropped are not made at all.
"""

from django.db import migrations

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

TICKET_TEXT = "coalesce(subject, '') || ' ' || coalesce(description, '')"
POSTGRES_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS"
    f" (to_tsvector('simple'::regconfig, {TICKET_TEXT})) STORED",
    "CREATE INDEX IF NOT EXISTS ticket_search_vector ON tickets_ticket USING gin (search_vector)",
    "ALTER TABLE tickets_message ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple'::regconfig, coalesce(body, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS message_search_vector ON tickets_message USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS user_name_trgm ON accounts_user USING gin (upper(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_email_trgm ON accounts_user USING gin (upper(email::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_phone_trgm ON accounts_user USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS organisation_name_trgm ON accounts_organisation"
    " USING gin (upper(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ticket_contact_phone ON tickets_ticket (contact_phone)"
    " WHERE contact_phone <> ''",
    "ANALYZE tickets_ticket",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS ticket_contact_phone",
    "DROP INDEX IF EXISTS organisation_name_trgm",
    "DROP INDEX IF EXISTS user_phone_trgm",
    "DROP INDEX IF EXISTS user_email_trgm",
    "DROP INDEX IF EXISTS user_name_trgm",
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [FTS_CREATE, *FTS_FILL]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        for statement in POSTGRES_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    replaces = [("search", "0001_initial"), ("search", "0002_stored_vectors_and_trigrams")]

    initial = True

    dependencies = [("tickets", "0004_open_load"), ("accounts", "0003_user_open_load")]

    operations = [migrations.RunPython(forwards, backwards)]
