"""Reads of the call log for the console: live calls, call-backs, the caller's context."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Q, QuerySet

from supportdesk.accounts.models import Organisation, User
from supportdesk.commitments.queue import in_queue_order
from supportdesk.core import clock
from supportdesk.phone.models import Call, CallState, Direction
from supportdesk.tickets.models import Ticket

# A ringing call the PBX never reported the end of is not shown as ringing for ever.
RINGING_FOR_AT_MOST = dt.timedelta(minutes=10)


def live_calls(user: User) -> QuerySet[Call]:
    """Inbound calls ringing now, and the calls ``user`` is on."""
    since = clock.now() - RINGING_FOR_AT_MOST
    ringing = Q(state=CallState.RINGING, direction=Direction.INBOUND, started_at__gte=since)
    mine = Q(state=CallState.ANSWERED, answered_by=user)
    return (
        Call.objects.filter(ringing | mine)
        .select_related("caller", "organisation", "answered_by", "ticket")
        .order_by("-started_at")
    )


def callbacks(*, owner: User | None = None) -> QuerySet[Call]:
    """Missed calls not yet called back, oldest first; ``owner``'s only when given."""
    calls = Call.objects.filter(state=CallState.MISSED, called_back_at__isnull=True)
    if owner is not None:
        calls = calls.filter(callback_owner=owner)
    return calls.select_related("caller", "organisation", "callback_owner").order_by(
        "started_at", "id"
    )


@dataclasses.dataclass
class CallerContext:
    """What the consultant who answers sees: who calls, their organisation and tickets."""

    call: Call
    organisation: Organisation | None
    caller_tickets: list[Ticket]
    organisation_tickets: list[Ticket]


def caller_context(call: Call, *, limit: int = 10) -> CallerContext:
    org_tickets: list[Ticket] = []
    mine: list[Ticket] = []
    base = Ticket.objects.select_related("assignee", "requester")
    if call.organisation_id is not None:
        org_tickets = list(
            in_queue_order(base.filter(organisation_id=call.organisation_id))[:limit]
        )
    if call.caller_id is not None:
        mine = list(in_queue_order(base.filter(requester_id=call.caller_id))[:limit])
    return CallerContext(
        call=call,
        organisation=call.organisation,
        caller_tickets=mine,
        organisation_tickets=[t for t in org_tickets if t not in mine],
    )
