"""The desk now: tickets at risk, backlog by age, load per consultant."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q, Value
from django.utils import timezone

from supportdesk.accounts.models import Role, User
from supportdesk.commitments.calendar import WorkingCalendar
from supportdesk.commitments.queue import in_queue_order
from supportdesk.reports.selectors.common import (
    AGE_BANDS,
    LOAD_RESOLVED_DAYS,
    RESOLUTION_RISK_WORKING_DAYS,
    RISK_LIST_LIMIT,
    _hours,
    _local_date,
    _tz,
)
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    Status,
    Ticket,
)

# --- the desk now ---------------------------------------------------------------------


def tickets_at_risk(
    *, now: dt.datetime, calendar: WorkingCalendar, limit: int = RISK_LIST_LIMIT
) -> tuple[list[dict[str, Any]], int]:
    """Open tickets about to miss, or past, a deadline, in the queue order (R3, R4, R5).

    Two queries: the first ``limit`` tickets and how many there are in all.
    """
    horizon = calendar.add_working_days(now, RESOLUTION_RISK_WORKING_DAYS)
    assignment_risk = Q(assigned_at__isnull=True, assignment_warn_at__lte=now)
    resolution_risk = Q(resolution_due__lte=horizon) & ~Q(status__in=settings.RESOLUTION_PAUSES)
    risky = in_queue_order(Ticket.objects.filter(assignment_risk | resolution_risk))
    total = _count_at_risk(assignment_risk, resolution_risk)
    rows = []
    for ticket in risky.select_related("organisation", "assignee")[:limit]:
        unassigned_late = ticket.assigned_at is None and (
            ticket.assignment_warn_at is not None and ticket.assignment_warn_at <= now
        )
        clock, due = (
            ("assignment", ticket.assignment_due)
            if unassigned_late
            else ("resolution", ticket.resolution_due)
        )
        assert due is not None
        left = (
            calendar.working_minutes_between(now, due)
            if due >= now
            else -calendar.working_minutes_between(due, now)
        )
        rows.append(
            {
                "number": ticket.number,
                "subject": ticket.subject,
                "organisation": ticket.organisation.name,
                "status": ticket.get_status_display(),
                "assignee": str(ticket.assignee) if ticket.assignee else "",
                "clock": clock,
                "due": timezone.localtime(due, _tz()),
                "working_hours_left": _hours(left),
            }
        )
    return rows, total


def _count_at_risk(assignment_risk: Q, resolution_risk: Q) -> int:
    """How many open tickets meet either condition: one query, two index-only counts.

    The OR over every open ticket is split into disjoint parts, each read from the partial
    index whose condition it repeats (``ticket_risk_unassigned``, ``ticket_risk_resolution``
    in ``tickets.models``): the unassigned past the warning, and the rest due to be resolved
    by the horizon.
    """
    open_tickets = Ticket.objects.filter(status__in=list(OPEN_STATUSES)).order_by()
    parts = [
        open_tickets.filter(assignment_risk),
        open_tickets.filter(resolution_risk).exclude(assignment_risk),
    ]
    compiled = [part.values(one=Value(1)).query.sql_with_params() for part in parts]
    sql = " + ".join(
        f"(SELECT COUNT(*) FROM ({part_sql}) part)"  # noqa: S608 (compiled by the ORM)
        for part_sql, _p in compiled
    )
    params = [param for _sql, part_params in compiled for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return int(cursor.fetchone()[0])


def age_boundaries(now: dt.datetime, calendar: WorkingCalendar, ages: list[int]) -> dict[int, Any]:
    """For each age ``k`` ≥ 1: the instant before which a ticket is at least ``k`` working
    days old — the close of the working day ``k`` working days before today's."""
    tz = calendar.tz
    current = timezone.localtime(calendar.close_of_working_day(now), tz).date()
    closes: list[dt.datetime] = []
    day = current
    deepest = max(ages, default=0)
    # Walk back over calendar days; a year holds far more working days than any band.
    for _day in range(400):
        if len(closes) >= deepest:
            break
        day -= dt.timedelta(days=1)
        hours = calendar.day_hours(day)
        if hours is not None:
            closes.append(hours[1])
    return {k: closes[k - 1] for k in ages if 0 < k <= len(closes)}


def backlog_by_age(*, now: dt.datetime, calendar: WorkingCalendar) -> list[dict[str, Any]]:
    """Open tickets by age in working days, with how many are unassigned or waiting."""
    ages = sorted({band[2] for band in AGE_BANDS if band[2] > 0})
    bounds = age_boundaries(now, calendar, ages)
    aggregates: dict[str, Any] = {}
    for key, _label, least, below in AGE_BANDS:
        condition = Q()
        if least > 0:
            condition &= Q(registered_at__lt=bounds[least])
        if below is not None:
            condition &= Q(registered_at__gte=bounds[below])
        aggregates[f"{key}|open"] = Count("pk", filter=condition)
        aggregates[f"{key}|unassigned"] = Count(
            "pk", filter=condition & Q(assigned_at__isnull=True)
        )
        aggregates[f"{key}|waiting"] = Count(
            "pk", filter=condition & Q(status__in=WAITING_STATUSES)
        )
    counts = Ticket.objects.filter(status__in=OPEN_STATUSES).aggregate(**aggregates)
    return [
        {
            "age": label,
            "open": counts[f"{key}|open"],
            "unassigned": counts[f"{key}|unassigned"],
            "waiting": counts[f"{key}|waiting"],
        }
        for key, label, _least, _below in AGE_BANDS
    ]


def load_per_consultant(*, now: dt.datetime) -> list[dict[str, Any]]:
    """Open tickets per assignee by status, and tickets resolved in the last 30 days.

    Two queries: the counts per assignee, and the consultants (so those without tickets
    show too).
    """
    # From local midnight 30 days ago: whole days, as the kept figures count them.
    today = timezone.localdate(now, _tz())
    since = dt.datetime.combine(today - dt.timedelta(days=LOAD_RESOLVED_DAYS), dt.time(0), _tz())
    is_open = Q(status__in=OPEN_STATUSES)
    counts: dict[int, dict[str, Any]] = {
        row["assignee_id"]: dict(row)
        for row in Ticket.objects.filter(assignee__isnull=False)
        .filter(is_open | Q(resolved_at__gte=since))
        .values("assignee_id")
        .annotate(
            open=Count("pk", filter=is_open),
            assigned=Count("pk", filter=Q(status=Status.ASSIGNED)),
            in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
            waiting=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
            resolved=Count("pk", filter=Q(resolved_at__gte=since)),
            oldest=Min("registered_at", filter=is_open),
        )
        .order_by()
    }
    people = User.objects.filter(
        Q(role=Role.CONSULTANT, is_active=True) | Q(pk__in=list(counts))
    ).order_by("name", "email")
    rows = []
    for person in people:
        row = counts.get(person.pk, {})
        oldest = row.get("oldest")
        rows.append(
            {
                "consultant": str(person),
                "open": row.get("open", 0),
                "assigned": row.get("assigned", 0),
                "in_progress": row.get("in_progress", 0),
                "waiting": row.get("waiting", 0),
                "resolved_30_days": row.get("resolved", 0),
                "oldest_open": _local_date(oldest) if oldest else None,
            }
        )
    rows.sort(key=lambda r: (-r["open"], r["consultant"]))
    return rows
