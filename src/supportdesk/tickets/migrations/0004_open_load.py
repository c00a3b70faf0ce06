"""Each user's count of open assigned tickets, kept by the database (``User.open_load``).

Triggers on ``tickets_ticket`` add one to the new assignee and take one from the old
whenever a ticket enters or leaves an open status or changes hands, in the same
transaction as the change: whatever writes a ticket (an action, the admin, a bulk import,
a test factory), the figure cannot drift, and ranking consultants (R3) reads a column
instead of counting 180,000 open tickets. The migration counts existing tickets once.
"""

from django.db import migrations

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

SQLITE = [
    f"CREATE TRIGGER ticket_open_load_insert AFTER INSERT ON tickets_ticket WHEN {NEW}"
    f" BEGIN {ADD}; END",
    f"CREATE TRIGGER ticket_open_load_delete AFTER DELETE ON tickets_ticket WHEN {OLD}"
    f" BEGIN {TAKE}; END",
    "CREATE TRIGGER ticket_open_load_update AFTER UPDATE OF status, assignee_id"
    f" ON tickets_ticket WHEN {CHANGED.format(ne='IS NOT')}"
    f" BEGIN {TAKE} AND {OLD}; {ADD} AND {NEW}; END",
]
POSTGRES = [
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


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []:
        schema_editor.execute(statement)
    schema_editor.execute(RECOUNT)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ticket_open_load_{name}")
    elif vendor == "postgresql":
        for name in ("change", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ticket_open_load_{name} ON tickets_ticket")
        schema_editor.execute("DROP FUNCTION IF EXISTS ticket_open_load()")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_event_delivery"), ("accounts", "0003_user_open_load")]

    operations = [migrations.RunPython(forwards, backwards)]
