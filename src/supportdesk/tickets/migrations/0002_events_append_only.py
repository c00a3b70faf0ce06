"""Events are the audit log: the database itself refuses to change one (DESIGN rule 2).

``Event.save`` already refuses a second save; this trigger also stops a queryset
``update()`` or a hand-written UPDATE. Two changes stay possible: a deleted user's events
forget their actor (``on_delete=SET_NULL``), and rows go with their ticket.
"""

from django.db import migrations

# The one change allowed: forgetting the actor when a user account is deleted.
SAME_BUT_ACTOR = (
    "NEW.actor_id IS NULL AND NEW.ticket_id = OLD.ticket_id AND NEW.verb = OLD.verb"
    " AND NEW.old = OLD.old AND NEW.new = OLD.new AND NEW.reason = OLD.reason"
    " AND NEW.public = OLD.public AND NEW.created_at = OLD.created_at"
)
SQLITE = f"""
CREATE TRIGGER tickets_event_append_only BEFORE UPDATE ON tickets_event
WHEN NOT ({SAME_BUT_ACTOR})
BEGIN SELECT RAISE(ABORT, 'events are append-only: an event is never edited'); END;
"""
POSTGRES = [
    f"""CREATE FUNCTION tickets_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {SAME_BUT_ACTOR} THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'events are append-only: an event is never edited';
END $$""",
    """CREATE TRIGGER tickets_event_append_only BEFORE UPDATE ON tickets_event
FOR EACH ROW EXECUTE FUNCTION tickets_event_append_only()""",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS tickets_event_append_only"
        + (" ON tickets_event" if vendor == "postgresql" else "")
    )
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS tickets_event_append_only()")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
