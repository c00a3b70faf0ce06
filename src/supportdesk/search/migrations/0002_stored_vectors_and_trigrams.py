"""PostgreSQL: stored ``tsvector`` columns and trigram indexes, so every search path uses
an index (SQLite keeps its FTS5 table and is left untouched).

- ``search_vector`` on tickets and messages: generated and stored, behind a GIN index, so a
  match is ranked from the stored vector instead of ``to_tsvector`` recomputed per row.
  The columns are not model fields: only the search backend reads them.
- ``pg_trgm`` GIN indexes on ``upper(name)``/``upper(email)`` of users and organisations
  (the expressions Django writes for ``icontains``) and on users' telephone numbers.
- A b-tree index on the telephone number given with a ticket.
"""

from django.db import migrations

TICKET_TEXT = "coalesce(subject, '') || ' ' || coalesce(description, '')"
FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS"
    f" (to_tsvector('simple'::regconfig, {TICKET_TEXT})) STORED",
    "CREATE INDEX IF NOT EXISTS ticket_search_vector ON tickets_ticket USING gin (search_vector)",
    "DROP INDEX IF EXISTS ticket_fts",
    "ALTER TABLE tickets_message ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple'::regconfig, coalesce(body, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS message_search_vector ON tickets_message USING gin (search_vector)",
    "DROP INDEX IF EXISTS message_fts",
    "CREATE INDEX IF NOT EXISTS user_name_trgm ON accounts_user USING gin (upper(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_email_trgm ON accounts_user USING gin (upper(email::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_phone_trgm ON accounts_user USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS organisation_name_trgm ON accounts_organisation"
    " USING gin (upper(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ticket_contact_phone ON tickets_ticket (contact_phone)"
    " WHERE contact_phone <> ''",
    "ANALYZE tickets_ticket",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS ticket_contact_phone",
    "DROP INDEX IF EXISTS organisation_name_trgm",
    "DROP INDEX IF EXISTS user_phone_trgm",
    "DROP INDEX IF EXISTS user_email_trgm",
    "DROP INDEX IF EXISTS user_name_trgm",
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS ticket_fts ON tickets_ticket"
    f" USING gin (to_tsvector('simple'::regconfig, {TICKET_TEXT}))",
    "CREATE INDEX IF NOT EXISTS message_fts ON tickets_message"
    " USING gin (to_tsvector('simple'::regconfig, coalesce(body, '')))",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("tickets", "0004_open_load"),
        ("accounts", "0003_user_open_load"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
