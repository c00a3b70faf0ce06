"""The clocks of a ticket, recomputed from its event history (R3, R5; DESIGN rule 4).

- assignment due: registration + 2 working days of business time (R3);
- same-day target: the close of the working day of registration (R3: "assigned and
  started the same day");
- resolution target: registration + 10 working days, not counting the working time
  spent in a pausing state (waiting on the customer or on a third party, as configured,
  and resolved-then-reopened time) (R5). It is a target for measuring attainment, never
  promised to the customer.

The computation reads only the ticket's registration time and its status events, so it
is deterministic: replaying the same history gives the same columns.
"""

from __future__ import annotations

import datetime as dt
import time as _time
from collections.abc import Iterable
from threading import Lock

from django.conf import settings

from supportdesk.commitments.calendar import DEFAULT_TZ, WorkingCalendar
from supportdesk.tickets.models import Ticket

# Weekly hours: weekday 0 (Monday) to 6 → (opens, closes), or None when closed.
Week = dict[int, tuple[dt.time, dt.time] | None]

_CACHE_SECONDS = 60
_cache: tuple[float, WorkingCalendar] | None = None
_cache_lock = Lock()


def current_calendar() -> WorkingCalendar:
    """The desk's calendar with the administrator's hours, closed and short days.

    Cached per process for a minute: an edit in the admin clears this process's copy
    at once and reaches the other processes within the minute.
    """
    global _cache
    now = _time.monotonic()
    cached = _cache
    if cached is not None and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    with _cache_lock:
        calendar = _load_calendar()
        _cache = (now, calendar)
        return calendar


def calendar_with_week(week: Week) -> WorkingCalendar:
    """The desk's calendar as it would be with ``week`` as its weekly hours (a preview)."""
    return _load_calendar(week)


def clear_calendar_cache() -> None:
    global _cache
    _cache = None


def stored_week() -> Week:
    """The weekly hours as stored: a weekday without a row is closed; with no rows at all,
    Monday–Friday from the ``BUSINESS_HOURS`` setting."""
    from supportdesk.commitments.models import BusinessHours

    rows = list(BusinessHours.objects.all())
    if rows:
        hours: Week = {weekday: None for weekday in range(7)}
        for row in rows:
            hours[row.weekday] = (row.opens, row.closes)
        return hours
    opens, closes = (dt.time.fromisoformat(p.strip()) for p in settings.BUSINESS_HOURS.split("-"))
    return {weekday: (opens, closes) if weekday < 5 else None for weekday in range(7)}


def _load_calendar(week: Week | None = None) -> WorkingCalendar:
    from zoneinfo import ZoneInfo

    from supportdesk.commitments.models import ClosedDay, ShortDay

    hours = stored_week() if week is None else week
    return WorkingCalendar(
        tz=ZoneInfo(settings.TIME_ZONE) if settings.TIME_ZONE else DEFAULT_TZ,
        hours=hours,
        closed_days=frozenset(ClosedDay.objects.values_list("date", flat=True)),
        short_days={row.date: (row.opens, row.closes) for row in ShortDay.objects.all()},
    )


def pausing_statuses() -> frozenset[str]:
    return frozenset([*settings.RESOLUTION_PAUSES, "resolved", "closed"])


def paused_working_minutes(
    calendar: WorkingCalendar,
    transitions: Iterable[tuple[dt.datetime, str]],
    *,
    pausing: frozenset[str],
) -> tuple[int, dt.datetime | None]:
    """Working minutes spent in pausing states, and the start of a pause still running."""
    total = 0
    paused_since: dt.datetime | None = None
    for at, status in transitions:
        if status in pausing:
            if paused_since is None:
                paused_since = at
        elif paused_since is not None:
            total += calendar.working_minutes_between(paused_since, at)
            paused_since = None
    return total, paused_since


# What the stored pauses are computed from besides the calendar: the status (its history
# is read), the registration and the resolution.
PAUSE_INPUTS = ("status", "registered_at", "resolved_at")


def derive_clocks(
    ticket: Ticket,
    *,
    now: dt.datetime | None = None,
    events: Iterable[tuple[dt.datetime, str]] | None = None,
) -> None:
    """The derivation of every ticket action (``tickets.kit.finish``, rule 4).

    An action that changes none of the pauses' inputs since the row was read (a reply, a
    note, an update of fields, an assignment) keeps the stored pause totals and reads no
    history; the deadlines are recomputed on the current calendar all the same. The
    pauses are counted again at the next change of status, and whenever the working week
    or a closed or shortened day changes (``commitments.week.recount_open``).
    """
    loaded = getattr(ticket, "_loaded", None)
    keep = (
        events is None
        and loaded is not None
        and not ticket._state.adding
        and all(name in loaded and getattr(ticket, name) == loaded[name] for name in PAUSE_INPUTS)
    )
    recompute_clocks(ticket, now=now, events=events, keep_pauses=keep)


def recompute_clocks(
    ticket: Ticket,
    *,
    now: dt.datetime | None = None,
    events: Iterable[tuple[dt.datetime, str]] | None = None,
    calendar: WorkingCalendar | None = None,
    keep_pauses: bool = False,
) -> None:
    """Set the stored deadline columns of ``ticket`` from its history (no save).

    ``keep_pauses``: the status history is unchanged since ``paused_minutes`` and
    ``resolution_minutes`` were stored; they are kept and the history is not read.
    """
    calendar = calendar or current_calendar()
    registered = ticket.registered_at
    ticket.assignment_due = calendar.add_working_days(registered, settings.ASSIGNMENT_WORKING_DAYS)
    ticket.same_day_due = calendar.close_of_working_day(registered)
    if events is None and not keep_pauses:
        events = (
            [
                (at, new["status"])
                for at, new in ticket.events.filter(new__has_key="status")
                .order_by("created_at", "id")
                .values_list("created_at", "new")
            ]
            if ticket.pk
            else []
        )
    ticket.assignment_warn_at = calendar.add_working_minutes(
        registered,
        max(
            0,
            calendar.working_minutes_between(registered, ticket.assignment_due)
            - settings.ASSIGNMENT_WARNING_MINUTES,
        ),
    )
    ticket.assignment_minutes = (
        calendar.working_minutes_between(registered, ticket.assigned_at)
        if ticket.assigned_at
        else None
    )
    if not keep_pauses:
        _pauses(ticket, calendar, list(events or []))
    ticket.resolution_due = calendar.add_working_minutes(
        calendar.add_working_days(registered, settings.RESOLUTION_WORKING_DAYS),
        ticket.paused_minutes or 0,
    )


def _pauses(
    ticket: Ticket, calendar: WorkingCalendar, events: list[tuple[dt.datetime, str]]
) -> None:
    """``paused_minutes`` and ``resolution_minutes`` from the status history."""
    registered = ticket.registered_at
    paused, _running = paused_working_minutes(calendar, events, pausing=pausing_statuses())
    ticket.paused_minutes = paused
    if ticket.resolved_at is not None:
        # Pauses up to the resolution: the resolved state itself is the last "pause".
        before, _ = paused_working_minutes(
            calendar,
            [*(e for e in events if e[0] < ticket.resolved_at), (ticket.resolved_at, "")],
            pausing=pausing_statuses(),
        )
        ticket.resolution_minutes = max(
            0, calendar.working_minutes_between(registered, ticket.resolved_at) - before
        )
    else:
        ticket.resolution_minutes = None


def working_minutes_left(deadline: dt.datetime | None, now: dt.datetime) -> int | None:
    """Working minutes from ``now`` to ``deadline``; negative once it has passed."""
    if deadline is None:
        return None
    calendar = current_calendar()
    if deadline >= now:
        return calendar.working_minutes_between(now, deadline)
    return -calendar.working_minutes_between(deadline, now)


def hours(minutes: int) -> str:
    """Working minutes as ``h:mm``, negative (a minus sign) once a deadline has passed."""
    sign = "−" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def ticket_clocks(
    ticket: object, *, staff: bool, now: dt.datetime | None = None
) -> dict[str, object]:
    """What a person sees of a ticket's clocks.

    Staff see working hours left to each deadline. Customers see whether the assignment
    commitment was kept — never a promised resolution date (R5).
    """
    from supportdesk.core import clock
    from supportdesk.tickets.models import OPEN_STATUSES, WAITING_STATUSES, Ticket

    assert isinstance(ticket, Ticket)
    now = now or clock.now()
    if ticket.assigned_at is not None:
        assignment = "kept" if ticket.assigned_at <= (ticket.assignment_due or now) else "missed"
    elif ticket.assignment_due is not None and ticket.assignment_due < now:
        assignment = "missed"
    else:
        assignment = "pending"
    result: dict[str, object] = {"assignment": assignment}
    if not staff:
        return result
    if ticket.assigned_at is None:
        left = working_minutes_left(ticket.assignment_due, now)
        result["assignment_left"] = hours(left) if left is not None else None
        result["assignment_overdue"] = left is not None and left < 0
    if ticket.status in OPEN_STATUSES:
        if ticket.status in WAITING_STATUSES and ticket.status in settings.RESOLUTION_PAUSES:
            result["resolution_paused"] = True
        else:
            left = working_minutes_left(ticket.resolution_due, now)
            result["resolution_left"] = hours(left) if left is not None else None
            result["resolution_overdue"] = left is not None and left < 0
    return result
