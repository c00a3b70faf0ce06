from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def send_outbound_mail(mail_id: int) -> bool:
    from supportdesk.mail.outbox import send_one

    return send_one(mail_id)
