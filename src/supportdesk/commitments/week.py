"""The weekly hours as an administrator edits them: a whole week at once, never one row.

An edit is read as seven days (each open with hours, or closed), previewed (the next ten
working days and the deadlines of a ticket registered now), and planned: which open tickets'
deadlines would move, and whether today's hours change. ``calendar_set_week`` in
``actions.py`` applies a plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.commitments.calendar import WorkingCalendar
from supportdesk.commitments.clocks import (
    Week,
    calendar_with_week,
    current_calendar,
    recompute_clocks,
    stored_week,
)
from supportdesk.commitments.models import WEEKDAYS
from supportdesk.core.errors import InvalidInput, Text
from supportdesk.tickets.models import OPEN_STATUSES, Event, Ticket

PREVIEW_DAYS = 10
DEADLINES = ("assignment_due", "same_day_due", "resolution_due")


def week_to_json(week: Week) -> dict[str, list[str] | None]:
    return {
        str(day): [f"{span[0]:%H:%M}", f"{span[1]:%H:%M}"] if span else None
        for day, span in sorted(week.items())
    }


def _time(field: str, text: str, *, label: Text) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            field, _("%(text)r is not a time like 08:00") % {"text": text}, label=label
        ) from None


def parse_week(data: Mapping[str, str]) -> Week:
    """Seven days from a form: ``open-N`` (on/off), ``opens-N``, ``closes-N`` for N in 0–6.

    Refuses (naming the day and the reason) a closing time not after the opening time and
    a week with no working hours at all.
    """
    week: Week = {}
    for day, name in WEEKDAYS:
        if not data.get(f"open-{day}"):
            week[day] = None
            continue
        opens_label = _("%(day)s, opens") % {"day": name}
        closes_label = _("%(day)s, closes") % {"day": name}
        opens = _time(f"opens-{day}", data.get(f"opens-{day}", ""), label=opens_label)
        closes = _time(f"closes-{day}", data.get(f"closes-{day}", ""), label=closes_label)
        if closes <= opens:
            raise InvalidInput(
                f"closes-{day}",
                _("the closing time must be later than the opening time"),
                label=closes_label,
            )
        week[day] = (opens, closes)
    if all(span is None for span in week.values()):
        raise InvalidInput("week", _("the week would have no working hours: open at least one day"))
    return week


@dataclasses.dataclass(frozen=True)
class Preview:
    days: list[tuple[dt.datetime, dt.datetime]]  # the next working days: opening, closing
    assignment_due: dt.datetime
    same_day_due: dt.datetime
    resolution_due: dt.datetime


def preview(calendar: WorkingCalendar, now: dt.datetime) -> Preview:
    """The next working days from today and the deadlines of a ticket registered ``now``."""
    days: list[tuple[dt.datetime, dt.datetime]] = []
    day = timezone.localdate(now, calendar.tz)
    while len(days) < PREVIEW_DAYS:
        hours = calendar.day_hours(day)
        if hours is not None:
            days.append(hours)
        day += dt.timedelta(days=1)
    return Preview(
        days=days,
        assignment_due=calendar.add_working_days(now, settings.ASSIGNMENT_WORKING_DAYS),
        same_day_due=calendar.close_of_working_day(now),
        resolution_due=calendar.add_working_days(now, settings.RESOLUTION_WORKING_DAYS),
    )


@dataclasses.dataclass(frozen=True)
class Move:
    ticket: Ticket
    field: str  # one of DEADLINES
    old: dt.datetime | None
    new: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class Plan:
    old: Week
    new: Week
    today_changes: bool  # today's opening hours differ
    moves: list[Move]
    tickets: list[Ticket]  # the open tickets, recomputed for the new week (unsaved)

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def needs_confirmation(self) -> bool:
        return self.today_changes or bool(self.moves)

    @property
    def moved_numbers(self) -> list[str]:
        return sorted({m.ticket.number for m in self.moves})


def plan(new: Week, *, now: dt.datetime) -> Plan:
    """What saving ``new`` would change: today's hours and the open tickets' deadlines.

    Three queries whatever the number of open tickets: the week, the tickets, their
    status events.
    """
    old = stored_week()
    calendar = calendar_with_week(new)
    today = timezone.localdate(now, calendar.tz)
    today_changes = current_calendar().day_hours(today) != calendar.day_hours(today)
    tickets, moves = recount_open(calendar, now=now)
    return Plan(old=old, new=new, today_changes=today_changes, moves=moves, tickets=tickets)


# The stored columns a recount of the clocks sets.
CLOCK_COLUMNS = (
    *DEADLINES,
    "assignment_warn_at",
    "assignment_minutes",
    "paused_minutes",
    "resolution_minutes",
)


def recount_open(calendar: WorkingCalendar, *, now: dt.datetime) -> tuple[list[Ticket], list[Move]]:
    """Every open ticket's clocks counted again on ``calendar`` from its status history
    (not saved), and the deadlines that moved. Two queries: the tickets, their events."""
    tickets = list(Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("pk"))
    history: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for ticket_id, at, new_values in (
        Event.objects.filter(ticket__in=tickets, new__has_key="status")
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "created_at", "new")
    ):
        history[ticket_id].append((at, new_values["status"]))
    moves = []
    for ticket in tickets:
        before = {name: getattr(ticket, name) for name in DEADLINES}
        recompute_clocks(ticket, now=now, events=history[ticket.pk], calendar=calendar)
        for name in DEADLINES:
            if name == "assignment_due" and ticket.assigned_at is not None:
                continue  # the commitment is settled: its deadline no longer matters
            if name == "same_day_due" and ticket.started_at is not None:
                continue
            if getattr(ticket, name) != before[name]:
                moves.append(Move(ticket, name, before[name], getattr(ticket, name)))
    return tickets, moves
