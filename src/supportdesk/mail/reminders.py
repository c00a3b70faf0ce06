"""Waiting-on-customer reminders: a ticket waiting on the customer is recalled to them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from supportdesk.core import clock
from supportdesk.mail import notify
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event, Status, Ticket


def send_reminders(*, now: dt.datetime | None = None) -> list[str]:
    """Remind every MAIL_REMINDER_DAYS while waiting, at most MAIL_REMINDERS times a wait.

    Returns the numbers of the tickets reminded.
    """
    if not settings.MAIL_NOTIFICATIONS or settings.MAIL_REMINDERS == 0:
        return []
    now = now or clock.now()
    every = dt.timedelta(days=settings.MAIL_REMINDER_DAYS)
    reminded = []
    waiting = Ticket.objects.filter(
        status=Status.WAITING_CUSTOMER, updated_at__lte=now - every
    ).select_related("requester")
    for ticket in waiting:
        event = (
            Event.objects.filter(ticket=ticket, verb=Verb.WAITING)
            .order_by("-created_at", "-id")
            .first()
        )
        if event is None or event.new.get("status") != Status.WAITING_CUSTOMER:
            continue
        since = event.created_at
        sent = OutboundMail.objects.filter(
            ticket=ticket, purpose=notify.REMINDER, created_at__gte=since
        )
        last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
        rounds = sent.values("created_at").distinct().count()
        if rounds >= settings.MAIL_REMINDERS or now < (last or since) + every:
            continue
        with clock.at(now), transaction.atomic():
            if notify.remind(ticket, waiting_since=since, reason=event.reason):
                reminded.append(ticket.number)
    return reminded
