"""Mail tasks: thin, they take ids (DESIGN rule 6). Periodic ones are in core/tasks.py."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def send_outbound_mail(mail_id: int) -> bool:
    from supportdesk.mail.outbox import send_one

    return send_one(mail_id)


@db_task(retries=5, retry_delay=30)
def process_inbound_mail(inbound_id: int) -> str:
    """Process one stored message; a database outage is retried, anything else recorded."""
    from supportdesk.mail.process import process

    return process(inbound_id).state
