"""Mail tasks: thin, they take ids (DESIGN rule 6), and the mail channel's periodic work."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def send_outbound_mail(mail_id: int) -> bool:
    from supportdesk.mail.outbox import send_one

    return send_one(mail_id)


@db_task(retries=5, retry_delay=30)
def process_inbound_mail(inbound_id: int) -> str:
    """Process one stored message; a database outage is retried, anything else recorded."""
    from supportdesk.mail.process import process

    return process(inbound_id).state


@db_periodic_task(crontab(minute="*"))
@lock_task("outbox")
def outbox_retry() -> int:
    """DESIGN rule 5: retry mail whose sending failed, with backoff."""
    from supportdesk.mail.outbox import send_due

    return send_due()


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-poll")
def mail_poll() -> int:
    """Read the IMAP mailboxes that are not served by an IDLE listener."""
    from supportdesk.mail.imap import poll_all

    return len(poll_all())


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-spool")
def mail_spool() -> int:
    """Store and process what the pipe command spooled, in batches, until it is empty."""
    from supportdesk.mail.spool import ingest_spool

    stored = 0
    while True:
        result = ingest_spool()
        stored += len(result.stored)
        if result.busy or not (result.stored or result.duplicates):
            return stored


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-pending")
def mail_process_pending() -> int:
    """Process mail stored more than a minute ago and not processed (a missed task)."""
    from supportdesk.mail.process import process_pending

    return len(process_pending(older_than=dt.timedelta(minutes=1)).processed)


@db_periodic_task(crontab(minute="7"))
@lock_task("mail-reminders")
def mail_reminders() -> list[str]:
    """R5: recall tickets waiting on the customer to them."""
    from supportdesk.mail.reminders import send_reminders

    return send_reminders()


@db_task(retries=3, retry_delay=30)
def notify_customers(*event_ids: int) -> int:
    """Write the customer mail the ticket events mean; returns how many were queued."""
    from supportdesk.mail.notify import for_event
    from supportdesk.tickets.delivery import once_each

    mails = once_each(event_ids, "mail.customers", for_event, prefetch=["ticket__watchers"])
    return sum(len(written) for written in mails)
