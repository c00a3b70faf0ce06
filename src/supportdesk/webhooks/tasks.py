"""Webhook and chat tasks: thin, they take ids (DESIGN rule 6)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def send_delivery(delivery_id: int) -> str:
    from supportdesk.webhooks.deliver import attempt

    return attempt(delivery_id)


@db_task(retries=3, retry_delay=30)
def fan_out_event(event_id: int) -> int:
    """One pending delivery per endpoint that wants the event; each sent after the commit."""
    from functools import partial

    from django.db import transaction

    from supportdesk.tickets.models import Event
    from supportdesk.webhooks.deliver import fan_out

    event = Event.objects.filter(pk=event_id).select_related("ticket", "actor").first()
    if event is None:
        return 0
    with transaction.atomic():
        deliveries = fan_out(event)
        for delivery in deliveries:
            transaction.on_commit(partial(send_delivery, delivery.pk))
    return len(deliveries)


@db_periodic_task(crontab(minute="*"))
@lock_task("webhooks-retry")
def webhooks_retry() -> int:
    """Retry the deliveries whose backoff has passed."""
    from supportdesk.webhooks.deliver import send_due

    return send_due()


@db_task(retries=3, retry_delay=60)
def chat_notify(event_id: int) -> bool:
    from supportdesk.webhooks.chat import notify

    return notify(event_id)
