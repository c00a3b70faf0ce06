"""Every periodic task of Supportdesk, registered in this one module.

Tasks are thin: they call actions (DESIGN rule 6). Huey runs periodic tasks when the
consumer starts and then every minute of its uptime.
"""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("commitments-sweep")
def commitments_sweep() -> tuple[int, int]:
    """R3: warn dispatchers before assignment deadlines and record breaches."""
    from supportdesk.commitments.actions import sweep

    return sweep()


@db_periodic_task(crontab(minute="*"))
@lock_task("auto-assign")
def auto_assign_queue() -> list[str]:
    """R3/R4: assign the head of the queue to the best qualified consultant, if enabled."""
    if not settings.AUTO_ASSIGN:
        return []
    from supportdesk.commitments.assignment import auto_assign

    return auto_assign()


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
@lock_task("mail-pending")
def mail_process_pending() -> int:
    """Process mail stored more than a minute ago and not processed (a missed task)."""
    import datetime as dt

    from supportdesk.mail.process import process_pending

    return len(process_pending(older_than=dt.timedelta(minutes=1)).processed)


@db_periodic_task(crontab(minute="7"))
@lock_task("mail-reminders")
def mail_reminders() -> list[str]:
    """R5: recall tickets waiting on the customer to them."""
    from supportdesk.mail.reminders import send_reminders

    return send_reminders()


@db_periodic_task(crontab(minute="*"))
@lock_task("staff-notifications-mail")
def staff_notifications_mail() -> int:
    """Mail the staff notifications the sweep recorded, as each person prefers."""
    from supportdesk.console.notify import deliver_pending

    return deliver_pending()
