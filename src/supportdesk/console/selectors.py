"""Reads of the console: the dispatch board, the workspace's side panel, my day.

Every list is in the one queue order (R4). The board's first page costs a fixed number
of queries whatever the number of tickets: one for the page, two for the suggestions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import (
    STAFF_ROLES,
    SYSTEM_EMAIL,
    Agreement,
    Organisation,
    Skill,
    User,
)
from supportdesk.billing.models import Charge, TimeEntry
from supportdesk.billing.selectors import entry_decision
from supportdesk.commitments.assignment import pick, ranked_consultants
from supportdesk.commitments.clocks import current_calendar
from supportdesk.commitments.models import Notification
from supportdesk.commitments.queue import after_cursor, in_queue_order, queue_cursor
from supportdesk.console.clocks import (
    RESOLUTION_RISK_MINUTES,
    Clock,
    assignment_clock,
    clock_words,
    resolution_clock,
    same_day_clock,
)
from supportdesk.console.models import SavedReply, SavedView
from supportdesk.core import clock, keyset
from supportdesk.core.prepared import Prepared
from supportdesk.tickets.access import related_exists, ticket_story
from supportdesk.tickets.events import SHOWN_AS_MESSAGE, staff_sentence
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    Attachment,
    Message,
    Status,
    Ticket,
    TicketLink,
)
from supportdesk.tickets.sorting import SORTS

PAGE_SIZE = 50

VIEWS = {
    "all": _("All open"),
    "unassigned": _("Unassigned"),
    "mine": _("Mine"),
    "waiting": _("Waiting"),
    "at_risk": _("At risk"),
    "breached": _("Breached"),
}


@dataclasses.dataclass
class BoardRow:
    ticket: Ticket
    assignment: Clock
    same_day: Clock
    resolution: Clock
    suggestion: Candidate | None
    suggestion_qualified: bool

    @property
    def state(self) -> str:
        """The row's colour: the worst of its clocks."""
        states = {self.assignment.state, self.same_day.state, self.resolution.state}
        for state in ("late", "warn"):
            if state in states:
                return state
        return "ok"


@dataclasses.dataclass
class BoardPage:
    rows: list[BoardRow]
    next_cursor: str | None
    consultants: list[Candidate]


def board_tickets(
    user_id: int,
    *,
    view: str = "all",
    skill_id: int | None = None,
    organisation_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Ticket]:
    """The open tickets of a board view, in the queue order ("mine": those of the user
    with the id ``user_id``)."""
    now = now or clock.now()
    tickets = Ticket.objects.all()
    unassigned = Q(assigned_at__isnull=True)
    running = ~Q(status__in=WAITING_STATUSES)
    if view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "mine":
        tickets = tickets.filter(assignee_id=user_id)
    elif view == "waiting":
        tickets = tickets.filter(status__in=WAITING_STATUSES)
    elif view == "at_risk":
        soon = current_calendar().add_working_minutes(now, RESOLUTION_RISK_MINUTES)
        tickets = tickets.filter(
            (unassigned & Q(assignment_warn_at__lte=now, assignment_due__gt=now))
            | (~unassigned & running & Q(resolution_due__gt=now, resolution_due__lte=soon))
        )
    elif view == "breached":
        tickets = tickets.filter(
            (unassigned & Q(assignment_due__lte=now)) | (running & Q(resolution_due__lte=now))
        )
    if skill_id is not None:
        tickets = tickets.filter(required_skill_id=skill_id)
    if organisation_id is not None:
        tickets = tickets.filter(organisation_id=organisation_id)
    return in_queue_order(tickets)


class SkillName(NamedTuple):
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A person the board may suggest, with what the board shows of them: a row, not a
    user of thirty columns with a manager of skills (building those was a fifth of the
    board's time)."""

    pk: int
    name: str
    email: str
    role: str
    open_load: int
    skill_list: tuple[SkillName, ...]

    def __str__(self) -> str:
        return User.shown(self.name, self.email)


# Compiled once per process: the board reads it for every page.
_CANDIDATES = Prepared(
    lambda today: ranked_consultants(skill_id=None, any_skill=True, today=today).only(
        "name", "email", "role", "open_load"
    ),
    dates=("today",),
)


# The skills of every active member of staff by name (those the board may suggest among
# them), compiled once per process: one small row per skill held.
_STAFF_SKILLS = Prepared(
    lambda: (
        User.skills.through.objects.filter(user__is_active=True, user__role__in=STAFF_ROLES)
        .annotate(skill_name=F("skill__name"))
        .only("user_id", "skill_id")
        .order_by("skill__name")
    )
)


def consultants_for_suggestions() -> list[Candidate]:
    """Everyone who may be suggested for some ticket, in the order of
    ``commitments.assignment.ranked_consultants`` — fewest open tickets, then longest since
    their last assignment — with their skills by name (two queries, whatever the number of
    tickets; what ``pick`` reads)."""
    today = timezone.localdate(clock.now())  # the desk's clock, as ranked_consultants reads
    people = [(u.pk, u.name, u.email, u.role, u.open_load) for u in _CANDIDATES.rows(today=today)]
    skills: dict[int, list[SkillName]] = {pk: [] for pk, *_rest in people}
    for held in _STAFF_SKILLS.rows():
        if (mine := skills.get(held.user_id)) is not None:
            mine.append(SkillName(held.skill_id, held.skill_name))  # type: ignore[attr-defined]
    return [
        Candidate(pk, name, email, role, open_load, tuple(skills[pk]))
        for pk, name, email, role, open_load in people
    ]


def suggest(ticket: Ticket, consultants: Sequence[Candidate]) -> tuple[Candidate | None, bool]:
    """The suggestion for ``ticket`` from the list: ``commitments.assignment.pick`` (R3)."""
    return pick(ticket.required_skill_id, consultants)


# What a row of the board shows and its clocks read: a ticket has forty columns, and its
# organisation, people and skill are shown by name only. Read as columns of the ticket's
# row (joined in the same query), not as four more objects of twenty columns each per row:
# building those objects was a tenth of the page's time.
BOARD_COLUMNS = (
    "subject",
    "status",
    "impact",
    "impact_review",
    "queue_rank",
    "registered_at",
    "updated_at",
    "assigned_at",
    "started_at",
    "assignment_due",
    "same_day_due",
    "resolution_due",
    "organisation_id",
    "assignee_id",
    "required_skill_id",
    "requester_id",
)
BOARD_NAMES = {
    "organisation_name": F("organisation__name"),
    "assignee_name": F("assignee__name"),
    "assignee_email": F("assignee__email"),
    "requester_name": F("requester__name"),
    "requester_email": F("requester__email"),
    "skill_name": F("required_skill__name"),
}


def _board_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` with what a row of the board shows (``BOARD_COLUMNS``, ``BOARD_NAMES``),
    and whether it has an error signature (``has_error_signatures``): most tickets have
    none, and a page of them needs no query for other customers with the same error."""
    return tickets.only(*BOARD_COLUMNS).annotate(
        **BOARD_NAMES,
        customer_wrote_last=customer_wrote_last(),
        has_error_signatures=related_exists("error_signatures"),
    )


def _first_page(view: str) -> Prepared[Ticket]:
    def build(user: int) -> QuerySet[Ticket]:
        return _board_rows(board_tickets(user, view=view))[: PAGE_SIZE + 1]

    return Prepared(build)


# The first page of each view whose tickets do not depend on the time (the board opens on
# "all"); a page after it, a filter or a sort builds its query.
_FIRST_PAGES = {view: _first_page(view) for view in ("all", "unassigned", "mine", "waiting")}


def board_page(
    user: User,
    *,
    view: str = "all",
    skill_id: int | None = None,
    organisation_id: int | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    sort: str = "",
    descending: bool = False,
) -> BoardPage:
    """A page of a board view: in the queue order, or sorted by a column (``SORTS``)."""
    now = clock.now()
    first = (skill_id, organisation_id, cursor, sort, size) == (None, None, None, "", PAGE_SIZE)
    if first and view in _FIRST_PAGES:
        # The page everyone opens: its SQL compiled once per process.
        page, next_cursor = _cut(_FIRST_PAGES[view].rows(user=user.pk), size)
    else:
        tickets = _board_rows(
            board_tickets(
                user.pk, view=view, skill_id=skill_id, organisation_id=organisation_id, now=now
            )
        )
        page, next_cursor = _other_page(tickets, cursor, size, sort, descending)
    consultants = consultants_for_suggestions()
    return BoardPage(
        rows=[_row(ticket, now, consultants) for ticket in page],
        next_cursor=next_cursor,
        consultants=consultants,
    )


def _other_page(
    tickets: QuerySet[Ticket], cursor: str | None, size: int, sort: str, descending: bool
) -> tuple[list[Ticket], str | None]:
    """A page after a cursor, or sorted by a column (``SORTS``), and the next one's cursor."""
    if sort in SORTS:
        if sort == "resolution":
            tickets = tickets.exclude(resolution_due=None)
        found = keyset.page(tickets, SORTS[sort], descending=descending, cursor=cursor, size=size)
        return found.rows, found.next_cursor
    if cursor:
        tickets = after_cursor(tickets, cursor, size=size + 1)
    return _cut(list(tickets[: size + 1]), size)


def _cut(rows: list[Ticket], size: int) -> tuple[list[Ticket], str | None]:
    """The page of ``size`` rows from the ``size + 1`` read, and the next page's cursor."""
    page = rows[:size]
    return page, queue_cursor(page[-1]) if len(rows) > size and page else None


def _row(ticket: Ticket, now: dt.datetime, consultants: Sequence[Candidate] | None) -> BoardRow:
    words = clock_words()
    suggestion, qualified = (
        suggest(ticket, consultants)
        if consultants is not None and ticket.assignee_id is None
        else (None, False)
    )
    return BoardRow(
        ticket=ticket,
        assignment=assignment_clock(ticket, now, words),
        same_day=same_day_clock(ticket, now, words),
        resolution=resolution_clock(ticket, now, words),
        suggestion=suggestion,
        suggestion_qualified=qualified,
    )


def customer_wrote_last() -> Any:
    """Whether the last public message of a ticket came from the customer's side ("your
    turn"): its author is a customer user, or nobody known (mail from a new address)."""
    last = (
        Message.objects.filter(ticket=OuterRef("pk"), internal=False)
        .order_by("-created_at", "-id")
        .values("author__role")[:1]
    )
    role = Coalesce(Subquery(last), Value("customer"))
    has_message = Exists(Message.objects.filter(ticket=OuterRef("pk"), internal=False))
    return ExpressionWrapper(Q(Exact(role, Value("customer"))) & Q(has_message), BooleanField())


# My saved views of the board (compiled once per process: the board reads them every time).
_SAVED_BOARD_VIEWS = Prepared(
    lambda user: SavedView.objects.filter(user_id=user, page=SavedView.Page.BOARD)
)


def saved_board_views(user: User) -> list[SavedView]:
    """The board's views ``user`` saved, by name."""
    return _SAVED_BOARD_VIEWS.rows(user=user.pk)


# The skills by name (compiled once per process: a dozen rows).
_SKILLS = Prepared(lambda: Skill.objects.all())


def skills() -> list[Skill]:
    """Every skill, by name: the board's filter and the workspace's "Required skill"."""
    return _SKILLS.rows()


def filter_choices() -> dict[str, Any]:
    return {
        "skills": [(skill.pk, skill.name) for skill in skills()],
        "organisations": list(Organisation.objects.values_list("pk", "name")),
    }


# --- workspace ---------------------------------------------------------------------------


@dataclasses.dataclass
class TimelineItem:
    at: dt.datetime
    message: Message | None = None
    event: Any = None
    from_ticket: str = ""  # a merged duplicate's number, for its messages
    text: str = ""  # an event in words (tickets.events)
    files: Sequence[Attachment] = ()  # a message's files


# The workspace's panels that are often empty: the ticket's own query says which have
# rows (``Ticket.may_have``), so an empty panel costs no query of its own.
WORKSPACE_RELATIONS = (
    "odoo_refs",
    "links_out",
    "links_in",
    "calls",
    "time_entries",
    "owner_classifications",
    "bug_evidence",
    "upstream_reports",
    "patch_releases",
    "error_signatures",
    "screenshots",
)


def workspace_flags(user: int) -> dict[str, Any]:
    """``has_…`` annotations for the workspace's ticket query (``ticket_for_user``), for
    the consultant with the id ``user``."""
    from supportdesk.odoo.models import OdooInstance

    flags: dict[str, Any] = {f"has_{name}": related_exists(name) for name in WORKSPACE_RELATIONS}
    flags["has_merged"] = related_exists("links_in", kind=TicketLink.Kind.MERGED_INTO)
    flags["has_timerrun"] = related_exists("timerrun", user_id=user)
    flags["has_odoo_instances"] = Exists(
        OdooInstance.objects.filter(organisation=OuterRef("organisation_id"))
    )
    return flags


def merged_into(ticket: Ticket) -> list[Ticket]:
    """The duplicates merged into ``ticket``: their messages show with its own."""
    if not ticket.may_have("merged"):
        return []
    ids = TicketLink.objects.filter(target=ticket, kind=TicketLink.Kind.MERGED_INTO).values(
        "source_id"
    )
    return list(Ticket.objects.filter(pk__in=ids))


def timeline(ticket: Ticket) -> list[TimelineItem]:
    """Messages (the duplicates' included) and events, oldest first; a ticket without
    merged duplicates is read with SQL compiled once per process (``ticket_story``)."""
    duplicates = {t.pk: t.number for t in merged_into(ticket)}
    if duplicates:
        messages = list(
            Message.objects.filter(ticket_id__in=[ticket.pk, *duplicates])
            .select_related("author")
            .prefetch_related("attachments")
        )
        files = {m.pk: list(m.attachments.all()) for m in messages}
        events = list(ticket.events.select_related("actor"))
    else:
        story = ticket_story(ticket, staff=True)
        messages, files, events = story.messages, story.files, story.events
    items = [
        TimelineItem(
            m.created_at,
            message=m,
            from_ticket=duplicates.get(m.ticket_id, ""),
            files=files.get(m.pk, ()),
        )
        for m in messages
    ]
    items += [
        TimelineItem(e.created_at, event=e, text=staff_sentence(e))
        for e in events
        if e.verb not in SHOWN_AS_MESSAGE  # the message itself is shown
    ]
    items.sort(key=lambda item: (item.at, 0 if item.message else 1))
    return items


def ticket_links(ticket: Ticket) -> list[tuple[str, Ticket]]:
    """The tickets linked to ``ticket``, each with the relation in words."""
    words_out = {
        TicketLink.Kind.RELATED: "related to",
        TicketLink.Kind.MERGED_INTO: "merged into",
        TicketLink.Kind.SPLIT_FROM: "split from",
        TicketLink.Kind.FOLLOW_UP: "follow-up of",
    }
    words_in = {
        TicketLink.Kind.RELATED: "related to",
        TicketLink.Kind.MERGED_INTO: "duplicate merged here:",
        TicketLink.Kind.SPLIT_FROM: "split into",
        TicketLink.Kind.FOLLOW_UP: "followed up by",
    }
    if not (ticket.may_have("links_out") or ticket.may_have("links_in")):
        return []
    rows = list(
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
        .select_related("source", "target")
        .order_by("id")
    )
    outgoing = [link for link in rows if link.source_id == ticket.pk]
    links = [(words_out[TicketLink.Kind(link.kind)], link.target) for link in outgoing]
    links += [
        (words_in[TicketLink.Kind(link.kind)], link.source)
        for link in rows
        if link.source_id != ticket.pk
    ]
    return links


@dataclasses.dataclass
class SidePanel:
    organisation: Organisation
    agreements: list[Agreement]  # every one of the organisation's, newest first
    agreement: Agreement | None
    open_tickets: list[Ticket]
    recent_time: list[tuple[TimeEntry, str, str]]  # entry, charge label, reason
    recent_minutes: int
    recent_charged_minutes: int


RECENT_DAYS = 30
# What the panel shows of an entry and what its charge is decided from (``entry_decision``):
# the entries of every ticket of the organisation, without the hundred other columns of
# their tickets and people.
_OVERRIDE = (
    "override",
    "override_reason",
    "override_by",
    "override_by__name",
    "override_by__email",
)
PANEL_ENTRY_COLUMNS = (
    "date",
    "minutes",
    "ticket",
    "ticket__kind",
    "ticket__code_owner",
    "corrects",
    "corrects__date",
    *_OVERRIDE,
    *(f"corrects__{name}" for name in _OVERRIDE),
)


# Everyone a ticket may be assigned to by hand, by name (compiled once per process).
def _active_staff() -> Any:  # a values() query: its rows are dictionaries
    return (
        User.objects.filter(role__in=STAFF_ROLES, is_active=True)
        .exclude(email=SYSTEM_EMAIL)
        .values("id", "name", "email")
    )


_ACTIVE_STAFF: Prepared[Any] = Prepared(_active_staff)


def active_staff() -> list[dict[str, Any]]:
    """The workspace's "Assign to" choices: active staff, the system's own user left out;
    each a row of the columns the list shows (``id``, ``name``, ``email``)."""
    rows: list[dict[str, Any]] = _ACTIVE_STAFF.rows()
    return rows


# The organisation's other open tickets, first ten in the queue order; the panel shows each
# one's number, subject and status. Compiled once per process (``core.prepared``).
_OPEN_TICKETS = Prepared(
    lambda organisation, ticket: in_queue_order(
        Ticket.objects.filter(organisation_id=organisation).exclude(pk=ticket)
    ).only("subject", "status")[:10]
)


# The organisation's time entries since a day, newest first (compiled once per process).
_RECENT_ENTRIES = Prepared(
    lambda organisation, since: (
        TimeEntry.objects.filter(ticket__organisation_id=organisation, date__gte=since)
        .select_related("ticket", "override_by", "corrects__override_by")
        .only(*PANEL_ENTRY_COLUMNS)
        .order_by("-date", "-id")
    ),
    dates=("since",),
)


# The organisation's agreements (compiled once per process).
_AGREEMENTS = Prepared(lambda organisation: Agreement.objects.filter(organisation_id=organisation))


def side_panel(ticket: Ticket) -> SidePanel:
    """The organisation, its agreements and the one valid today, its open tickets and its
    recent time."""
    organisation = ticket.organisation
    today = timezone.localdate(clock.now())
    agreements = _AGREEMENTS.rows(organisation=organisation.pk)
    valid = [a for a in agreements if a.is_valid_on(today)]
    open_tickets = _OPEN_TICKETS.rows(organisation=organisation.pk, ticket=ticket.pk)
    since = today - dt.timedelta(days=RECENT_DAYS)
    entries = _RECENT_ENTRIES.rows(organisation=organisation.pk, since=since)
    recent = []
    total = charged = 0
    for entry in entries:
        decision = entry_decision(entry, entry.ticket, agreements)
        total += entry.signed_minutes
        charged += entry.signed_minutes if decision.billable else 0
        recent.append((entry, str(Charge(decision.charge).label), decision.reason))
    return SidePanel(
        organisation=organisation,
        agreements=agreements,
        agreement=max(valid, key=lambda a: a.valid_from) if valid else None,
        open_tickets=open_tickets,
        recent_time=recent[:8],
        recent_minutes=total,
        recent_charged_minutes=charged,
    )


# --- my day -------------------------------------------------------------------------------


@dataclasses.dataclass
class MyDay:
    tickets: list[BoardRow]
    next_cursor: str | None
    callbacks: list[Any]
    call_tasks: list[Any]
    minutes_today: int
    minutes_week: int


MY_DAY_PAGE_SIZE = 200


def my_day(
    user: User,
    *,
    sort: str = "",
    descending: bool = False,
    cursor: str | None = None,
    where: Q | None = None,
) -> MyDay:
    """``where`` narrows my open tickets (a condition of ``console.saved.my_day_q``)."""
    from supportdesk.phone.selectors import callbacks

    now = clock.now()
    mine: QuerySet[Ticket] = (
        Ticket.objects.filter(assignee=user, status__in=OPEN_STATUSES)
        .select_related("organisation", "requester", "required_skill")
        .annotate(customer_wrote_last=customer_wrote_last())
    )
    if where is not None:
        mine = mine.filter(where)
    if sort in SORTS:
        if sort == "resolution":
            mine = mine.exclude(resolution_due=None)
        found = keyset.page(
            mine, SORTS[sort], descending=descending, cursor=cursor, size=MY_DAY_PAGE_SIZE
        )
        tickets, next_cursor = found.rows, found.next_cursor
    else:
        tickets, next_cursor = list(in_queue_order(mine)[:200]), None
    rows = [_row(t, now, None) for t in tickets]
    today = timezone.localdate(now)
    week_start = today - dt.timedelta(days=today.weekday())
    logged = TimeEntry.objects.filter(consultant=user, date__gte=week_start, date__lte=today)
    # A correction takes its minutes back.
    signed = Sum(Case(When(corrects__isnull=True, then=F("minutes")), default=-F("minutes")))
    week = logged.aggregate(total=signed)["total"] or 0
    day = logged.filter(date=today).aggregate(total=signed)["total"] or 0
    return MyDay(
        tickets=rows,
        next_cursor=next_cursor,
        callbacks=list(callbacks(owner=user)[:50]),
        call_tasks=call_tasks_for(user),
        minutes_today=day,
        minutes_week=week,
    )


def call_tasks_for(user: User) -> list[Any]:
    """Calls the mail channel asks for (contacts who prefer the telephone) on my tickets."""
    from supportdesk.mail.models import CallTask

    return list(
        CallTask.objects.filter(ticket__assignee=user, done_at__isnull=True)
        .select_related("ticket", "contact")
        .order_by("created_at", "id")[:50]
    )


def unassigned_count() -> int:
    return Ticket.objects.filter(status=Status.NEW, assignee__isnull=True).count()


# A member of staff's unread notifications (the navigation's badge on every console page):
# compiled once per process, counted by the inbox index.
_UNREAD = Prepared(
    lambda user: Notification.objects.filter(user_id=user, read_at__isnull=True).only("id")
)


def unread_count(user_id: int) -> int:
    """How many notifications the user has not read."""
    return _UNREAD.count(user=user_id)


# The desk's saved replies, by title (the workspace's reply form; compiled once per process).
_SAVED_REPLIES = Prepared(lambda: SavedReply.objects.all())


def saved_replies() -> list[SavedReply]:
    """Every saved reply, by title."""
    return _SAVED_REPLIES.rows()
