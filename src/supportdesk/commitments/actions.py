"""Actions of the commitments: deadline warnings and breaches (R3).

Each is recorded exactly once, even with several workers sweeping at the same time:
the conditional update (``… WHERE assignment_warned_at IS NULL``) lets one sweep win.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from supportdesk.accounts.models import Role, User
from supportdesk.commitments.models import Notification
from supportdesk.core import clock
from supportdesk.tickets.models import OPEN_STATUSES, Event, Ticket


def _dispatchers() -> list[User]:
    return list(
        User.objects.filter(role=Role.DISPATCHER, is_active=True).exclude(
            email__endswith="@system.invalid"
        )
    )


def ticket_warn_assignment(*, ticket_id: int, now: dt.datetime | None = None) -> bool:
    """Warn dispatchers that an unassigned ticket nears its 2-working-day deadline (R3).

    Returns whether this call recorded the warning (False: already warned, or assigned).
    """
    now = now or clock.now()
    with transaction.atomic():
        won = Ticket.objects.filter(
            pk=ticket_id,
            assigned_at__isnull=True,
            assignment_warned_at__isnull=True,
            status__in=OPEN_STATUSES,
        ).update(assignment_warned_at=now)
        if not won:
            return False
        ticket = Ticket.objects.select_related("organisation").get(pk=ticket_id)
        Event.objects.create(
            ticket=ticket,
            verb="assignment_warning",
            public=False,
            created_at=now,
            new={
                "assignment_due": ticket.assignment_due.isoformat()
                if ticket.assignment_due
                else None
            },
        )
        text = (
            f"{ticket.number} ({ticket.organisation}) is unassigned; it must be assigned by "
            f"{_local(ticket.assignment_due)}"
        )
        Notification.objects.bulk_create(
            [
                Notification(user=u, ticket=ticket, kind="assignment_warning", text=text)
                for u in _dispatchers()
            ]
        )
    return True


def ticket_breach_assignment(*, ticket_id: int, now: dt.datetime | None = None) -> bool:
    """Record that an unassigned ticket passed its 2-working-day deadline (R3)."""
    now = now or clock.now()
    with transaction.atomic():
        won = Ticket.objects.filter(
            pk=ticket_id,
            assigned_at__isnull=True,
            assignment_breached_at__isnull=True,
            status__in=OPEN_STATUSES,
            assignment_due__lte=now,
        ).update(assignment_breached_at=now)
        if not won:
            return False
        ticket = Ticket.objects.select_related("organisation").get(pk=ticket_id)
        Event.objects.create(
            ticket=ticket,
            verb="assignment_breached",
            public=False,
            created_at=now,
            new={
                "assignment_due": ticket.assignment_due.isoformat()
                if ticket.assignment_due
                else None
            },
        )
        text = (
            f"{ticket.number} ({ticket.organisation}) passed its assignment deadline "
            f"{_local(ticket.assignment_due)} unassigned"
        )
        Notification.objects.bulk_create(
            [
                Notification(user=u, ticket=ticket, kind="assignment_breached", text=text)
                for u in _dispatchers()
            ]
        )
    return True


def _local(instant: dt.datetime | None) -> str:
    if instant is None:
        return "—"
    from django.utils import timezone

    return timezone.localtime(instant).strftime("%Y-%m-%d %H:%M")


def sweep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Warn and breach every due ticket; returns how many this sweep recorded of each."""
    now = now or clock.now()
    unassigned = Ticket.objects.filter(assigned_at__isnull=True, status__in=OPEN_STATUSES)
    to_warn = unassigned.filter(
        assignment_warn_at__lte=now, assignment_warned_at__isnull=True
    ).values_list("pk", flat=True)
    warned = sum(ticket_warn_assignment(ticket_id=pk, now=now) for pk in list(to_warn))
    to_breach = unassigned.filter(
        assignment_due__lte=now, assignment_breached_at__isnull=True
    ).values_list("pk", flat=True)
    breached = sum(ticket_breach_assignment(ticket_id=pk, now=now) for pk in list(to_breach))
    return warned, breached
