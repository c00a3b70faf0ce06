"""Reads of the portal: ticket lists, the timeline of a ticket, its time entries (R9).

Every query starts from the access helpers, so nothing of another organisation is reached.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.billing.models import TimeEntry
from supportdesk.tickets.access import messages_for_user, tickets_for_user
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Event,
    Message,
    OdooReference,
    Status,
    Ticket,
)

STATES = ("open", "closed", "all")
SCOPES = ("all", "mine")


def may_see_organisation(user: User) -> bool:
    """Whether the "organisation's tickets" list exists for this customer user."""
    return bool(
        user.is_customer and user.organisation is not None and user.organisation.members_see_all
    )


def ticket_list(
    user: User, *, state: str = "open", scope: str = "all", q: str = ""
) -> QuerySet[Ticket]:
    """The tickets ``user`` may see, filtered; newest first."""
    tickets = tickets_for_user(user).select_related("organisation", "assignee", "requester")
    if scope == "mine" and not user.is_support_staff:
        watched = Ticket.watchers.through.objects.filter(user_id=user.pk).values("ticket_id")
        tickets = tickets.filter(Q(requester_id=user.pk) | Q(pk__in=watched))
    if state == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif state == "closed":
        tickets = tickets.exclude(status__in=OPEN_STATUSES)
    q = q.strip()
    if q:
        matches = Q(subject__icontains=q) | Q(
            pk__in=OdooReference.objects.filter(
                Q(text__icontains=q) | Q(normalised__icontains=q.upper())
            ).values("ticket_id")
        )
        pk = Ticket.pk_from_number(q)
        if pk is not None:
            matches |= Q(pk=pk)
        tickets = tickets.filter(matches)
    return tickets.order_by("-pk")


@dataclass(frozen=True)
class TimeRow:
    """One time entry as the customer sees it: raw minutes, and how it is charged and why."""

    date: dt.date
    consultant: str
    minutes: int
    description: str
    created_at: dt.datetime
    billable: bool | None = None  # None until the billing rules say
    charge: str = ""
    why: str = ""


def _billing_selector() -> Callable[[Ticket], Iterable[Any]] | None:
    """The billing app's decision per entry (billable or not, and why), when it has one."""
    try:
        module = importlib.import_module("supportdesk.billing.selectors")
    except ImportError:
        return None
    selector = getattr(module, "entries_for_ticket", None)
    return selector if callable(selector) else None


def time_entries(ticket: Ticket) -> list[TimeRow]:
    """The consultants' time on ``ticket``; callers reached it through the access helpers."""
    selector = _billing_selector()
    if selector is not None:
        return [_time_row(item) for item in selector(ticket)]
    entries = TimeEntry.objects.filter(ticket=ticket).select_related("consultant")
    return [_time_row(entry) for entry in entries.order_by("date", "created_at", "id")]


def _time_row(item: Any) -> TimeRow:
    """A row from a raw ``TimeEntry`` or from the billing app's view of one."""
    entry = item if isinstance(item, TimeEntry) else item.entry
    billable = getattr(item, "billable", None)
    return TimeRow(
        date=getattr(item, "date", entry.date),
        consultant=str(getattr(item, "consultant", entry.consultant)),
        minutes=int(getattr(item, "minutes", entry.minutes)),
        description=getattr(item, "description", entry.description),
        created_at=entry.created_at,
        billable=billable if isinstance(billable, bool) else None,
        charge=str(getattr(item, "charge_label", "") or ""),
        why=str(getattr(item, "reason", "") or ""),
    )


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str  # "message", "event" or "time"
    message: Message | None = None
    event: Event | None = None
    text: str = ""
    reason: str = ""
    time: TimeRow | None = None
    attachments: list[Attachment] = field(default_factory=list)


def _status_label(value: object) -> str:
    try:
        return str(Status(str(value)).label)
    except ValueError:
        return str(value)


def describe_event(event: Event) -> tuple[str, str] | None:
    """What a person reads for an event, and the reason shown with it; None: not shown."""
    new, old = event.new or {}, event.old or {}
    verb = event.verb
    if verb in {"replied", "noted", "time_logged"}:
        return None  # the message or the time entry itself is on the timeline
    if verb == "created":
        return _("Ticket registered"), ""
    if verb == "assigned":
        # An override reason is the desk's own business, not the customer's.
        return _("Assigned to %(name)s") % {"name": new.get("assignee", "")}, ""
    if verb == "started":
        return _("Work started"), ""
    if verb == "waiting":
        return _("Status: %(status)s") % {"status": _status_label(new.get("status"))}, event.reason
    if verb == "resolved":
        return _("Resolved"), event.reason
    if verb == "closed":
        by_customer = event.actor is not None and not event.actor.is_support_staff
        return (
            _("Closed: the resolution was confirmed") if by_customer else _("Closed")
        ), event.reason
    if verb == "reopened":
        return _("Reopened"), event.reason
    if verb == "rated":  # help center: the contact's answer to "How did we do?"
        return _("Rated %(score)s of 5") % {"score": new.get("rating", "?")}, event.reason
    if verb == "resumed":
        return _("Work resumed"), event.reason
    if verb == "updated":
        fields = ", ".join(sorted(k for k in new if k != "impact_review"))
        return _("Details changed: %(fields)s") % {"fields": fields}, event.reason
    if "status" in new:
        return _("Status: %(status)s") % {"status": _status_label(new["status"])}, event.reason
    if old or new or event.reason:
        return verb.replace("_", " ").capitalize(), event.reason
    return None


def timeline(user: User, ticket: Ticket) -> list[TimelineItem]:
    """The whole story of a ticket in order: messages, changes of state, consultants' work."""
    items: list[TimelineItem] = []
    for message in messages_for_user(user, ticket):
        attachments = [
            a for a in message.attachments.all() if user.is_support_staff or not a.internal
        ]
        items.append(
            TimelineItem(
                at=message.created_at, kind="message", message=message, attachments=attachments
            )
        )
    events = ticket.events.select_related("actor")
    if not user.is_support_staff:
        events = events.filter(public=True)
    for event in events:
        described = describe_event(event)
        if described is not None:
            text, reason = described
            items.append(
                TimelineItem(
                    at=event.created_at, kind="event", event=event, text=text, reason=reason
                )
            )
    for row in time_entries(ticket):
        items.append(TimelineItem(at=row.created_at, kind="time", time=row))
    order = {"event": 0, "message": 1, "time": 2}
    items.sort(key=lambda item: (item.at, order[item.kind]))
    return items


def public_attachments(user: User, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    if not user.is_support_staff:
        attachments = attachments.filter(internal=False)
    return attachments.order_by("id")
