"""Staff notifications: shown in the console, and mailed as each person prefers.

The console's subscriber queues :func:`for_event` after each ticket event commits (new
ticket → dispatchers, assigned → the assignee, customer replied → the assignee); the
sweep's deadline warnings and breaches are mailed by :func:`deliver_pending`, which runs
every minute. Each notification's mail is decided once (``NotificationMail``), through the
outbox.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from supportdesk.accounts.models import SYSTEM_EMAIL, Role, User
from supportdesk.commitments.models import Notification
from supportdesk.console.models import NotificationMail, StaffPreference
from supportdesk.core import clock
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import NUMBER_OFFSET, NUMBER_PREFIX, Event, Message, Ticket

# Notifications older than this are not mailed any more (a sweep after a long stop).
MAIL_WITHIN = dt.timedelta(hours=12)


def notify(
    *, users: Iterable[User], kind: str, text: str, ticket: Ticket | None = None
) -> list[Notification]:
    """Notify each of ``users`` once, and mail those who want this kind by mail."""
    rows = Notification.objects.bulk_create(
        [
            Notification(user=user, ticket=ticket, kind=kind, text=text[:500])
            for user in {u.pk: u for u in users if u.is_active}.values()
        ]
    )
    deliver(rows)
    return rows


def deliver(notifications: Iterable[Notification]) -> int:
    """Decide and queue the mail of notifications not decided yet; returns how many mailed."""
    notifications = list(notifications)
    if not notifications:
        return 0
    user_ids = {n.user_id for n in notifications}
    users = User.objects.in_bulk(user_ids)
    preferences = {p.user_id: p for p in StaffPreference.objects.filter(user_id__in=user_ids)}
    mailed = 0
    for notification in notifications:
        user = users[notification.user_id]
        preference = preferences.get(user.pk) or StaffPreference(user=user)
        wanted = preference.wants_mail(notification.kind) and user.email != SYSTEM_EMAIL
        try:
            with transaction.atomic():
                NotificationMail.objects.create(notification=notification, mailed=wanted)
                if wanted:
                    _mail(user, notification)
        except IntegrityError:
            continue  # another worker decided this one
        mailed += wanted
    return mailed


def _mail(user: User, notification: Notification) -> None:
    from supportdesk.mail.outbox import queue_mail

    link = settings.SITE_URL.rstrip("/")
    if notification.ticket_id:
        number = f"{NUMBER_PREFIX}{notification.ticket_id + NUMBER_OFFSET}"
        link += reverse("console:workspace", args=[number])
    else:
        link += reverse("console:notifications")
    queue_mail(
        to=[user.email],
        subject=f"[{settings.SITE_NAME}] {notification.text[:200]}",
        text=(
            f"{notification.text}\n\n{link}\n\n"
            "You receive this because of your notification preferences in the console."
        ),
        purpose=f"staff_{notification.kind}",
        ticket=notification.ticket,
    )


def deliver_pending(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Mail the recent notifications whose mail is not decided (the sweep's)."""
    now = now or clock.now()
    pending = Notification.objects.filter(
        mail__isnull=True, created_at__gte=now - MAIL_WITHIN
    ).order_by("id")[:limit]
    return deliver(pending)


def dispatchers_once() -> Callable[[], list[User]]:
    """The active dispatchers, read at the first call and kept (for one batch of events)."""
    return functools.cache(_dispatchers)


def _dispatchers() -> list[User]:
    return list(
        User.objects.filter(role=Role.DISPATCHER, is_active=True).exclude(email=SYSTEM_EMAIL)
    )


# --- what a ticket event means for the staff (run by the console's subscriber) ---------


def for_event(
    event: Event, *, dispatchers: Callable[[], list[User]] | None = None
) -> list[Notification]:
    """New ticket → dispatchers; assigned → the assignee; customer replied → the assignee.

    ``dispatchers``: the active dispatchers, read once for a batch of events by the task.
    """
    ticket, actor = event.ticket, event.actor
    if event.verb == Verb.CREATED:
        # R3: every dispatcher hears of a new ticket (assigned within 2 working days).
        return notify(
            users=[u for u in (dispatchers or _dispatchers)() if actor is None or u.pk != actor.pk],
            kind="new_ticket",
            text=_("New ticket %(number)s from %(organisation)s: %(subject)s")
            % {
                "number": ticket.number,
                "organisation": ticket.organisation,
                "subject": ticket.subject,
            },
            ticket=ticket,
        )
    if event.verb == Verb.ASSIGNED:
        assignee = User.objects.filter(pk=event.new.get("assignee_id")).first()
        if assignee is None or actor is None or assignee.pk == actor.pk:
            return []
        return notify(
            users=[assignee],
            kind="assigned",
            text=_("%(number)s was assigned to you by %(actor)s: %(subject)s")
            % {"number": ticket.number, "actor": actor, "subject": ticket.subject},
            ticket=ticket,
        )
    if event.verb == Verb.REPLIED:
        if actor is None or actor.is_support_staff or ticket.assignee_id is None:
            return []
        message = Message.objects.filter(pk=event.new.get("message_id")).first()
        assignee = User.objects.get(pk=ticket.assignee_id)
        return notify(
            users=[assignee],
            kind="customer_replied",
            text=_("%(actor)s replied on %(number)s: %(text)s")
            % {
                "actor": actor,
                "number": ticket.number,
                "text": message.body[:120] if message else "",
            },
            ticket=ticket,
        )
    return []
