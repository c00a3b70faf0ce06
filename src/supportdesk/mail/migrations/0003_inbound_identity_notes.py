"""Message identity: the same Message-ID is the same message only with the same content.

Existing rows get the new key (Message-ID and content hash, or the bytes' hash), so a
message stored before is still recognised when it is delivered again.
"""

from django.db import migrations, models


def rekey(apps, schema_editor):
    from supportdesk.mail.store import dedup_key

    InboundMail = apps.get_model("mail", "InboundMail")
    rows = InboundMail.objects.order_by("pk").values_list("pk", "message_id", "sha256")
    for pk, message_id, sha256 in rows.iterator(chunk_size=200):
        raw = bytes(InboundMail.objects.values_list("raw", flat=True).get(pk=pk))
        InboundMail.objects.filter(pk=pk).update(dedup_key=dedup_key(message_id, raw, sha256))


class Migration(migrations.Migration):
    dependencies = [("mail", "0002_inbound_mailboxes_call_tasks")]

    operations = [
        migrations.AddField(
            model_name="inboundmail",
            name="notes",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
