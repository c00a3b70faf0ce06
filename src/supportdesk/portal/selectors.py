"""Reads of the portal: ticket lists, the timeline of a ticket, its time entries (R9).

Every query starts from the access helpers, so nothing of another organisation is reached.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
)
from django.http import QueryDict

from supportdesk.accounts.models import User
from supportdesk.billing.models import TimeEntry
from supportdesk.core import keyset
from supportdesk.core.paging import COUNT_CAP
from supportdesk.core.prepared import Prepared
from supportdesk.portal.models import SavedTicketView
from supportdesk.portal.rows import COLUMNS
from supportdesk.tickets.access import story_for_user, tickets_for_user
from supportdesk.tickets.events import (
    SHOWN_AS_OWN_ROW,
    Verb,
    customer_sentence,
    staff_sentence,
)
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Event,
    Message,
    OdooReference,
    Ticket,
)
from supportdesk.tickets.sorting import SORTS

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
    return tickets.filter(ticket_filter(user, state=state, scope=scope, q=q)).order_by("-pk")


def ticket_filter(user: User | None, *, state: str = "open", scope: str = "all", q: str = "") -> Q:
    """The list's filters as one condition (on the tickets ``user`` may see; the user is
    read for the scope "mine" only)."""
    condition = Q()
    if scope == "mine" and user is not None and not user.is_support_staff:
        watched = Ticket.watchers.through.objects.filter(user_id=user.pk).values("ticket_id")
        condition &= Q(requester_id=user.pk) | Q(pk__in=watched)
    if state == "open":
        condition &= Q(status__in=OPEN_STATUSES)
    elif state == "closed":
        condition &= ~Q(status__in=OPEN_STATUSES)
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
        condition &= matches
    return condition


# The list as it opens: the open tickets, newest first, the first page.
OPENED = {"state": "open", "scope": "all", "q": ""}
OPENED_SORT = ("number", True)
PAGE_SIZE = 50


def _opened(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The open tickets of ``tickets``: the list's filters as it opens (``OPENED``). On
    PostgreSQL the compiled statement has the statuses written in (``core.prepared``), so
    its plan uses the index of the open tickets."""
    return tickets.filter(ticket_filter(None, **OPENED))


def opened_page(tickets: QuerySet[Ticket]) -> QuerySet[Ticket, dict[str, Any]]:
    """The rows (``portal.rows.COLUMNS``) of the list's first page as it opens, of
    ``tickets``, for ``keyset.cut``, each with ``counted``: the capped count of the tickets
    the list counts (``opened_capped``), so one statement answers both. The page everyone
    opens: read with ``tickets.access.visible_rows`` (compiled once).

    The page's ids are picked first, from the index of the open tickets alone (no table
    row read), and only those 51 rows are then read with their organisation and people:
    PostgreSQL plans a statement prepared once for any organisation, and planned with the
    page and the joins together it read and sorted all of a large organisation's open
    tickets (the rows of a customer with 2,700 open tickets: 11 ms instead of 0.5)."""
    sort, descending = OPENED_SORT
    ids = keyset.ordered(_opened(tickets).values("pk"), SORTS[sort], descending=descending)
    rows = tickets.filter(pk__in=ids.values("pk")[: PAGE_SIZE + 1]).values(*COLUMNS)
    capped = _opened(tickets).values("pk")[: COUNT_CAP + 1]
    rows = rows.annotate(counted=_Counted(capped))
    return keyset.ordered(rows, SORTS[sort], descending=descending)


class _Counted(Subquery):
    """``(SELECT COUNT(*) FROM (…) AS capped)``: how many rows a (sliced) query reads,
    as one column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any, Any]) -> None:
        super().__init__(queryset, output_field=IntegerField())


def list_filters(source: Mapping[str, Any]) -> dict[str, str]:
    """The ticket list's filters from a query string, anything unknown set to its default."""
    state = source.get("state", "open")
    scope = source.get("scope", "all")
    return {
        "state": state if state in STATES else "open",
        "scope": scope if scope in SCOPES else "all",
        "q": (source.get("q") or "").strip()[:200],
    }


# A customer's saved views, by name (compiled once per process: the list reads them on
# every request).
_SAVED_VIEWS = Prepared(lambda user: SavedTicketView.objects.filter(user_id=user))


def saved_views(user: User) -> list[tuple[SavedTicketView, int]]:
    """The user's saved views of the ticket list, each with the number of tickets it shows
    now: two queries however many views there are."""
    views = _SAVED_VIEWS.rows(user=user.pk)
    if not views:
        return []
    counts = tickets_for_user(user).aggregate(
        **{
            f"v{view.pk}": Count(
                "pk", filter=ticket_filter(user, **list_filters(QueryDict(view.query)))
            )
            for view in views
        }
    )
    return [(view, counts[f"v{view.pk}"]) for view in views]


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


def _staff(event: Event) -> tuple[str, str] | None:
    """Staff looking at the customer's page read the staff's words for each event."""
    return staff_sentence(event), event.reason


def timeline(user: User, ticket: Ticket) -> list[TimelineItem]:
    """The whole story of a ticket in order: messages, changes of state, consultants' work."""
    items: list[TimelineItem] = []
    story = story_for_user(user, ticket)
    for message in story.messages:
        items.append(
            TimelineItem(
                at=message.created_at,
                kind="message",
                message=message,
                attachments=story.files.get(message.pk, []),
            )
        )
    read = story.events  # in order: the last resolution read is the latest
    ticket.resolution_read = next((e for e in reversed(read) if e.verb == Verb.RESOLVED), None)
    for event in read:
        if event.verb in SHOWN_AS_OWN_ROW:
            continue
        described = customer_sentence(event) if not user.is_support_staff else _staff(event)
        if described is not None:
            text, reason = described
            items.append(
                TimelineItem(
                    at=event.created_at, kind="event", event=event, text=text, reason=reason
                )
            )
    for row in time_entries(ticket) if ticket.may_have("time_entries") else []:
        items.append(TimelineItem(at=row.created_at, kind="time", time=row))
    order = {"event": 0, "message": 1, "time": 2}
    items.sort(key=lambda item: (item.at, order[item.kind]))
    return items


def public_attachments(user: User, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    if not user.is_support_staff:
        attachments = attachments.filter(internal=False)
    return attachments.order_by("id")
