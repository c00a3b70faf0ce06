"""Attainment of the commitments (R3, R5) per period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek

# The grouped variant below counts exactly what attainment() counts.
from supportdesk.commitments.kpi import attainment, outcome_conditions, period_bounds
from supportdesk.reports.selectors.common import (
    MEASURES,
    _local_date,
    _share,
    _tz,
    months_between,
)
from supportdesk.tickets.models import (
    Ticket,
)

# --- attainment -----------------------------------------------------------------------


def attainment_figures(
    periods: list[tuple[str, str, tuple[dt.date, dt.date]]],
    *,
    now: dt.datetime,
    tickets: QuerySet[Ticket] | None = None,
) -> list[dict[str, Any]]:
    """The three attainment figures for each named period (``commitments.kpi.attainment``)."""
    return [
        {"period": key, "label": label}
        | attainment(start, end, tickets=tickets, now=now, with_missed=False)
        for key, label, (start, end) in periods
    ]


def attainment_by_period(
    start: dt.date,
    end: dt.date,
    *,
    unit: str = "week",
    now: dt.datetime,
    tickets: QuerySet[Ticket] | None = None,
) -> list[dict[str, Any]]:
    """Attainment per week (from Monday) or month of registration, in one grouped query.

    Weeks and months are the desk's (``TIME_ZONE``): a ticket registered at 00:30 on a
    Monday belongs to that Monday's week. Periods without tickets are listed with zeros.
    """
    if unit not in {"week", "month"}:
        raise ValueError(f"unit: {unit!r} is not 'week' or 'month'")
    lo, hi = period_bounds(start, end)
    qs = (tickets if tickets is not None else Ticket.objects.all()).filter(
        registered_at__gte=lo, registered_at__lt=hi
    )
    trunc = TruncWeek if unit == "week" else TruncMonth
    aggregates: dict[str, Any] = {"registered": Count("pk")}
    for name, (met, missed) in outcome_conditions(now).items():
        aggregates[f"{name}_met"] = Count("pk", filter=met)
        aggregates[f"{name}_missed"] = Count("pk", filter=missed)
    rows = (
        qs.annotate(period=trunc("registered_at", tzinfo=_tz()))
        .values("period")
        .annotate(**aggregates)
        .order_by("period")
    )
    found: dict[dt.date, dict[str, Any]] = {}
    for grouped in rows:
        row: dict[str, Any] = dict(grouped)
        found[_local_date(row.pop("period"))] = row
    if unit == "week":
        first = start - dt.timedelta(days=start.weekday())
        starts = [first + dt.timedelta(weeks=k) for k in range((end - first).days // 7 + 1)]
    else:
        starts = months_between(start, end)
    result = []
    for period_start in starts:
        counts = found.get(period_start, {})
        entry: dict[str, Any] = {
            "start": period_start,
            "registered": counts.get("registered", 0),
        }
        for name in MEASURES:
            met, missed = counts.get(f"{name}_met", 0), counts.get(f"{name}_missed", 0)
            entry[f"{name}_met"] = met
            entry[f"{name}_missed"] = missed
            entry[f"{name}_share"] = _share(met, missed)
        result.append(entry)
    return result
