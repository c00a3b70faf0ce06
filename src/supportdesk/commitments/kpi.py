"""Attainment of the published commitments, computed in the database (R3, R5).

- assigned within 2 working days — the commitment is all tickets;
- assigned and work started the same working day — the target is over 90 %;
- resolved within 10 working days, pauses excluded — the target is 80 %.

A ticket counts once its outcome is decided: met, or missed (done late, or not done and
past the deadline). Tickets whose deadline is still ahead are *pending* and left out of
the share. Medians are of working hours, from the stored working-minute columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.core import clock
from supportdesk.tickets.models import WAITING_STATUSES, Ticket

TARGETS = {"assignment": 1.0, "same_day": 0.9, "resolution": 0.8}
MISSED_LIST_LIMIT = 200


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of ``start`` to local midnight after ``end`` (the end day included)."""
    tz = timezone.get_default_timezone()
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return lo, hi


def outcome_conditions(now: dt.datetime) -> dict[str, tuple[Q, Q]]:
    """(met, missed) conditions per measure; everything else is pending."""
    a_met = Q(assigned_at__isnull=False, assigned_at__lte=F("assignment_due"))
    a_missed = Q(assigned_at__gt=F("assignment_due")) | Q(
        assigned_at__isnull=True, assignment_due__lt=now
    )
    s_met = Q(
        assigned_at__isnull=False,
        started_at__isnull=False,
        assigned_at__lte=F("same_day_due"),
        started_at__lte=F("same_day_due"),
    )
    s_missed = ~s_met & (
        Q(same_day_due__lt=now)
        | Q(assigned_at__gt=F("same_day_due"))
        | Q(started_at__gt=F("same_day_due"))
    )
    r_met = Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due"))
    # A ticket waiting now has its clock stopped: it is not missed while it waits.
    r_missed = Q(resolved_at__gt=F("resolution_due")) | (
        Q(resolved_at__isnull=True, resolution_due__lt=now) & ~Q(status__in=WAITING_STATUSES)
    )
    return {
        "assignment": (a_met, a_missed),
        "same_day": (s_met, s_missed),
        "resolution": (r_met, r_missed),
    }


def attainment_entry(name: str, *, met: int, missed: int, registered: int) -> dict[str, Any]:
    """One target's attainment from its counts: tickets still undecided are pending, the
    share is of the decided ones (the kept figures and the tickets say it the same way)."""
    decided = met + missed
    return {
        "target": TARGETS[name],
        "met": met,
        "missed": missed,
        "pending": registered - decided,
        "share": round(met / decided, 4) if decided else None,
        "on_target": (met / decided >= TARGETS[name]) if decided else None,
    }


def _median(qs: QuerySet[Ticket], column: str, count: int) -> float | None:
    """Median of an integer column in one query: the one or two middle rows."""
    if count == 0:
        return None
    lo = (count - 1) // 2
    hi = count // 2
    values = list(
        qs.filter(**{f"{column}__isnull": False})
        .order_by(column)
        .values_list(column, flat=True)[lo : hi + 1]
    )
    return sum(values) / len(values) if values else None


def attainment(
    start: dt.date,
    end: dt.date,
    *,
    tickets: QuerySet[Ticket] | None = None,
    now: dt.datetime | None = None,
    with_missed: bool = True,
) -> dict[str, Any]:
    """Attainment of tickets registered from ``start`` to ``end`` (local dates, inclusive).

    A fixed number of queries whatever the number of tickets: one aggregate, one per
    median, and one per list of missed tickets.
    """
    if end < start:
        from supportdesk.core.errors import InvalidInput

        raise InvalidInput("to", _("must not be before 'from'"))
    now = now or clock.now()
    lo, hi = period_bounds(start, end)
    qs = (tickets if tickets is not None else Ticket.objects.all()).filter(
        registered_at__gte=lo, registered_at__lt=hi
    )
    conditions = outcome_conditions(now)
    aggregates: dict[str, Any] = {"registered": Count("pk")}
    for name, (met, missed) in conditions.items():
        aggregates[f"{name}_met"] = Count("pk", filter=met)
        aggregates[f"{name}_missed"] = Count("pk", filter=missed)
    aggregates["assigned"] = Count("pk", filter=Q(assignment_minutes__isnull=False))
    aggregates["resolved"] = Count("pk", filter=Q(resolution_minutes__isnull=False))
    counts = qs.aggregate(**aggregates)
    medians = {
        "assignment": _median(qs, "assignment_minutes", counts["assigned"]),
        "resolution": _median(qs, "resolution_minutes", counts["resolved"]),
    }
    result: dict[str, Any] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "registered": counts["registered"],
    }
    for name, (_met, missed) in conditions.items():
        entry = attainment_entry(
            name,
            met=counts[f"{name}_met"],
            missed=counts[f"{name}_missed"],
            registered=counts["registered"],
        )
        if name in medians:
            median = medians[name]
            entry["median_working_hours"] = round(median / 60, 2) if median is not None else None
        if with_missed:
            entry["missed_tickets"] = [
                f"SD-{pk + 10000}"
                for pk in qs.filter(missed)
                .order_by("registered_at", "pk")
                .values_list("pk", flat=True)[:MISSED_LIST_LIMIT]
            ]
        result[name] = entry
    return result
