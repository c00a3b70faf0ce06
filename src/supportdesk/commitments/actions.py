"""Actions of the commitments: deadline warnings and breaches (R3).

Each is recorded exactly once, even with several workers sweeping at the same time:
the conditional update (``… WHERE assignment_warned_at IS NULL``) lets one sweep win.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.accounts.models import SYSTEM_EMAIL, Role, User
from supportdesk.commitments.clocks import Week
from supportdesk.commitments.models import BusinessHours, CalendarChange, Notification
from supportdesk.commitments.week import CLOCK_COLUMNS, Plan, plan, recount_open, week_to_json
from supportdesk.core import clock
from supportdesk.core.errors import ActionError, InvalidInput, PermissionDenied
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import OPEN_STATUSES, Ticket


def _dispatchers() -> list[User]:
    return list(
        User.objects.filter(role=Role.DISPATCHER, is_active=True).exclude(email=SYSTEM_EMAIL)
    )


def ticket_warn_assignment(*, ticket_id: int, now: dt.datetime | None = None) -> bool:
    """Warn dispatchers that an unassigned ticket nears its 2-working-day deadline (R3).

    Returns whether this call recorded the warning (False: already warned, or assigned).
    """
    return _flag_unassigned(
        ticket_id=ticket_id,
        now=now or clock.now(),
        column="assignment_warned_at",
        verb=Verb.ASSIGNMENT_WARNING,
        text="{number} ({organisation}) is unassigned; it must be assigned by {due}",
    )


def ticket_breach_assignment(*, ticket_id: int, now: dt.datetime | None = None) -> bool:
    """Record that an unassigned ticket passed its 2-working-day deadline (R3)."""
    now = now or clock.now()
    return _flag_unassigned(
        ticket_id=ticket_id,
        now=now,
        column="assignment_breached_at",
        verb=Verb.ASSIGNMENT_BREACHED,
        text="{number} ({organisation}) passed its assignment deadline {due} unassigned",
        due_by=now,
    )


def _flag_unassigned(
    *,
    ticket_id: int,
    now: dt.datetime,
    column: str,
    verb: Verb,
    text: str,
    due_by: dt.datetime | None = None,
) -> bool:
    """Set ``column`` once on an open unassigned ticket, then tell the dispatchers.

    The conditional update (``… WHERE column IS NULL``) lets exactly one of several
    concurrent sweeps win; only the winner writes the event and the notifications.
    """
    with transaction.atomic():
        conditions: dict[str, object] = {
            "pk": ticket_id,
            "assigned_at__isnull": True,
            f"{column}__isnull": True,
            "status__in": OPEN_STATUSES,
        }
        if due_by is not None:
            conditions["assignment_due__lte"] = due_by
        if not Ticket.objects.filter(**conditions).update(**{column: now}):
            return False
        ticket = Ticket.objects.select_related("organisation").get(pk=ticket_id)
        due = ticket.assignment_due
        record_event(
            ticket,
            None,
            verb,
            public=False,
            at=now,
            new={"assignment_due": due.isoformat() if due else None},
        )
        message = text.format(
            number=ticket.number, organisation=ticket.organisation, due=_local(due)
        )
        Notification.objects.bulk_create(
            [Notification(user=u, ticket=ticket, kind=verb, text=message) for u in _dispatchers()]
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


class ConfirmationNeeded(ActionError):
    """The change is valid but moves clocks: the caller must confirm with the plan shown."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            _("this changes today's hours or the deadlines of %(n)d open tickets: confirm it")
            % {"n": len(plan.moved_numbers)}
        )
        self.plan = plan


def calendar_set_week(*, actor: User, week: Week, confirmed: bool = False) -> CalendarChange | None:
    """Replace the weekly hours as a whole (R3, R5: the working time the clocks count).

    Refuses a week without working hours (``parse_week`` does; checked again here); a week
    that changes today's hours or moves an open ticket's deadline needs ``confirmed``.
    Records the change, then recomputes the stored deadlines of every open ticket. Returns
    None when the week is unchanged.
    """
    from supportdesk.commitments.clocks import clear_calendar_cache

    if actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied(_("only an administrator may change the working week"))
    if all(week.get(day) is None for day in range(7)):
        raise InvalidInput("week", _("the week would have no working hours: open at least one day"))
    now = clock.now()
    with transaction.atomic():
        # One editor at a time: the week rows are locked for the plan and the save.
        list(BusinessHours.objects.select_for_update())
        change = plan(week, now=now)
        if not change.changed:
            return None
        if change.needs_confirmation and not confirmed:
            raise ConfirmationNeeded(change)
        BusinessHours.objects.all().delete()
        BusinessHours.objects.bulk_create(
            BusinessHours(weekday=day, opens=span[0], closes=span[1])
            for day, span in sorted(week.items())
            if span is not None
        )
        record = CalendarChange.objects.create(
            changed_by=actor,
            changed_at=now,
            old_week=week_to_json(change.old),
            new_week=week_to_json(change.new),
            moved_tickets=change.moved_numbers,
        )
        Ticket.objects.bulk_update(change.tickets, CLOCK_COLUMNS)
        clear_calendar_cache()
        transaction.on_commit(clear_calendar_cache)
    return record


def calendar_days_changed() -> int:
    """A closed or shortened day was added, changed or removed: every open ticket's clocks
    are counted again on the calendar as it now is (the pauses too: a closed day inside a
    past wait shortens it), so the deadlines move at once rather than at each ticket's
    next action. Returns how many open tickets were counted."""
    from supportdesk.commitments.clocks import clear_calendar_cache, current_calendar

    clear_calendar_cache()
    with transaction.atomic():
        tickets, _moves = recount_open(current_calendar(), now=clock.now())
        Ticket.objects.bulk_update(tickets, CLOCK_COLUMNS, batch_size=500)
        transaction.on_commit(clear_calendar_cache)
    return len(tickets)
