"""The reads behind the reports (R3–R6): every figure is aggregated in the database.

Each function is one query (or a fixed few), whatever the number of tickets, so a page
costs a fixed number of queries. Python only fills in the periods that had no tickets and
turns minutes into hours.

Definitions, shown on the pages and in the README:

- *attainment*: as ``commitments.kpi`` counts it — a ticket counts once its outcome is
  decided (met, or missed); pending ones are left out of the share;
- *age in working days* of an open ticket: how many working days have begun since the
  working day it was registered on (0: registered today; a ticket registered after the
  close belongs to the next working day, as its clocks do);
- *at risk*: open and unassigned once dispatchers are warned (``assignment_warn_at``), or
  open, not paused, and due to be resolved within one working day, or overdue;
- *organisation size band* (fairness, R4): by the organisation's tickets registered in the
  trend window (the last 52 weeks) — small under 12 (less than one a month), medium 12 to
  119, large 120 or more (ten a month or more);
- *billing hours*: from the lines of live statements (drafts and issued statements; a
  credited statement's time is released and billed again by the month's next draft, so
  counting it too would count it twice). Billable hours are billed minutes of charged
  lines (minimum charge and rounding included); included and free hours are the logged
  minutes of lines the rules made included or free. Time not yet on a statement is not
  counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Organisation, Role, User
from supportdesk.billing.models import Charge, Statement, StatementLine, month_end
from supportdesk.commitments.calendar import WorkingCalendar

# The grouped variant below counts exactly what attainment() counts.
from supportdesk.commitments.kpi import attainment, outcome_conditions, period_bounds
from supportdesk.commitments.queue import in_queue_order
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    Channel,
    CodeOwner,
    Impact,
    Kind,
    Status,
    Ticket,
)

MEASURES = ("assignment", "same_day", "resolution")
MEASURE_LABELS = {
    "assignment": _("Assigned within 2 working days"),
    "same_day": _("Assigned and started the same working day"),
    "resolution": _("Resolved within 10 working days"),
}
TREND_WEEKS = 52
RISK_LIST_LIMIT = 25
RESOLUTION_RISK_WORKING_DAYS = 1
LOAD_RESOLVED_DAYS = 30

# (key, label, first age, first age of the next band) in working days.
AGE_BANDS: tuple[tuple[str, Any, int, int | None], ...] = (
    ("0", _("Today"), 0, 1),
    ("1", _("1 working day"), 1, 2),
    ("2", _("2 working days"), 2, 3),
    ("3-5", _("3–5 working days"), 3, 6),
    ("6-10", _("6–10 working days"), 6, 11),
    ("11+", _("Over 10 working days"), 11, None),
)


@dataclass(frozen=True)
class SizeBand:
    key: str
    label: str
    least: int  # tickets in the trend window, inclusive
    below: int | None  # exclusive; None: no upper bound


SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("small", "Small (under 12 tickets a year)", 0, 12),
    SizeBand("medium", "Medium (12–119 tickets a year)", 12, 120),
    SizeBand("large", "Large (120 or more tickets a year)", 120, None),
)
# Large customers are flagged as served faster when their median wait is this much
# shorter than the shortest median of the other bands.
FAIRNESS_TOLERANCE = 0.10


def _tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _hours(minutes: float | int | None) -> float | None:
    return None if minutes is None else round(float(minutes) / 60, 2)


def _share(met: int, missed: int) -> float | None:
    decided = met + missed
    return round(met / decided, 4) if decided else None


def _local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, _tz()).date() if timezone.is_aware(value) else value.date()
    return value


# --- periods ------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """The periods of the dashboard, as local dates (inclusive), for the day ``today``."""

    today: dt.date

    @property
    def week(self) -> tuple[dt.date, dt.date]:
        return self.today - dt.timedelta(days=self.today.weekday()), self.today

    @property
    def month(self) -> tuple[dt.date, dt.date]:
        return self.today.replace(day=1), self.today

    @property
    def quarter(self) -> tuple[dt.date, dt.date]:
        first = 3 * ((self.today.month - 1) // 3) + 1
        return self.today.replace(month=first, day=1), self.today

    @property
    def trend(self) -> tuple[dt.date, dt.date]:
        """The last 52 weeks, Monday to today, this week included."""
        monday = self.week[0]
        return monday - dt.timedelta(weeks=TREND_WEEKS - 1), self.today

    @property
    def year_of_months(self) -> tuple[dt.date, dt.date]:
        """The last 12 months, this month included."""
        first = self.today.replace(day=1)
        for _month in range(11):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, self.today

    def named(self) -> list[tuple[str, str, tuple[dt.date, dt.date]]]:
        return [
            ("week", "This week", self.week),
            ("month", "This month", self.month),
            ("quarter", "This quarter", self.quarter),
        ]


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_end(month) + dt.timedelta(days=1)
    return months


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
    total = risky.count()
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
    since = now - dt.timedelta(days=LOAD_RESOLVED_DAYS)
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


BREAKDOWNS: dict[str, tuple[Any, Any]] = {
    "kind": (_("Kind of request"), Kind),
    "channel": (_("Channel"), Channel),
    "impact": (_("Business impact"), Impact),
    "code_owner": (_("Code owner (bugs)"), CodeOwner),
}


_BREAKDOWN_SQL = """
WITH grouped AS (
    -- One pass over the period's tickets; the four roll-ups below read these few rows.
    SELECT {kind} AS kind, {channel} AS channel, {impact} AS impact,
           {code_owner} AS code_owner, COUNT(*) AS registered,
           SUM(CASE WHEN {status} IN ({open_statuses}) THEN 1 ELSE 0 END) AS still_open
    FROM {table}
    WHERE {registered} >= %(lo)s AND {registered} < %(hi)s
    GROUP BY {kind}, {channel}, {impact}, {code_owner}, {status}
)
SELECT 'kind', kind, SUM(registered), SUM(still_open) FROM grouped GROUP BY kind
UNION ALL
SELECT 'channel', channel, SUM(registered), SUM(still_open) FROM grouped GROUP BY channel
UNION ALL
SELECT 'impact', impact, SUM(registered), SUM(still_open) FROM grouped GROUP BY impact
UNION ALL
SELECT 'code_owner', code_owner, SUM(registered), SUM(still_open) FROM grouped
WHERE kind = %(bug)s GROUP BY code_owner
"""


def _sql_names() -> dict[str, str]:
    """Quoted table and column names of tickets, for the hand-written SQL below."""
    meta = Ticket._meta
    names = {f.name: connection.ops.quote_name(str(f.column)) for f in meta.concrete_fields}
    names["table"] = connection.ops.quote_name(meta.db_table)
    return names


def breakdowns(start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Tickets registered in the period, and of them still open, by kind, channel,
    business impact and (for bugs, R7) code owner: one query, one pass over the period.

    Grouped once by all four and the status, then rolled up per dimension in the same
    statement (SQLite has no GROUPING SETS).
    """
    names = _sql_names()
    open_statuses = ", ".join(f"%(open_{k})s" for k in range(len(OPEN_STATUSES)))
    sql = _BREAKDOWN_SQL.format(
        table=names["table"],
        kind=names["kind"],
        channel=names["channel"],
        impact=names["impact"],
        code_owner=names["code_owner"],
        status=names["status"],
        registered=names["registered_at"],
        open_statuses=open_statuses,
    )
    lo, hi = period_bounds(start, end)
    adapt = connection.ops.adapt_datetimefield_value
    params: dict[str, Any] = {"lo": adapt(lo), "hi": adapt(hi), "bug": Kind.BUG}
    params |= {f"open_{k}": str(status) for k, status in enumerate(OPEN_STATUSES)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {(row[0], row[1]): (int(row[2]), int(row[3])) for row in cursor.fetchall()}
    return {
        dimension: [
            {
                "value": value,
                "label": str(label),
                "registered": found.get((dimension, value), (0, 0))[0],
                "open": found.get((dimension, value), (0, 0))[1],
            }
            for value, label in choices.choices
        ]
        for dimension, (_title, choices) in BREAKDOWNS.items()
    }


_FAIRNESS_SQL = """
WITH volume AS (
    SELECT {org} AS organisation_id, COUNT(*) AS tickets
    FROM {table}
    WHERE {registered} >= %(lo)s AND {registered} < %(hi)s
    GROUP BY {org}
), banded AS (
    SELECT organisation_id, {band_case} AS band FROM volume v
), counts AS (
    -- How many tickets of each band waited each number of minutes: a histogram, so the
    -- medians below read a few thousand rows instead of sorting every ticket. The table
    -- is read twice rather than kept in a CTE, so each read can run in parallel.
    SELECT b.band, t.{minutes} AS minutes, COUNT(*) AS n,
           SUM(CASE WHEN t.{assigned} IS NOT NULL AND t.{assigned} <= t.{due}
               THEN 1 ELSE 0 END) AS met,
           SUM(CASE WHEN t.{assigned} > t.{due}
                     OR (t.{assigned} IS NULL AND t.{due} < %(now)s)
               THEN 1 ELSE 0 END) AS missed
    FROM {table} t JOIN banded b ON b.organisation_id = t.{org}
    WHERE t.{registered} >= %(lo)s AND t.{registered} < %(hi)s
    GROUP BY b.band, t.{minutes}
), cumulative AS (
    SELECT band, minutes,
           CAST(SUM(n) OVER (PARTITION BY band ORDER BY minutes) AS BIGINT) AS upto,
           CAST(SUM(n) OVER (PARTITION BY band) AS BIGINT) AS assigned
    FROM counts WHERE minutes IS NOT NULL
), waits AS (
    -- The k-th smallest wait is the first whose running count reaches k.
    SELECT band, MAX(assigned) AS assigned,
           MIN(CASE WHEN upto >= (assigned + 1) / 2 THEN minutes END) AS lower_middle,
           MIN(CASE WHEN upto >= (assigned + 2) / 2 THEN minutes END) AS upper_middle,
           MIN(CASE WHEN upto >= (9 * assigned + 9) / 10 THEN minutes END) AS p90
    FROM cumulative GROUP BY band
), sizes AS (
    SELECT band, COUNT(*) AS organisations FROM banded GROUP BY band
), totals AS (
    SELECT band, SUM(n) AS tickets, SUM(met) AS met, SUM(missed) AS missed
    FROM counts GROUP BY band
)
SELECT s.band, s.organisations, t.tickets, COALESCE(w.assigned, 0), w.lower_middle,
       w.upper_middle, w.p90, t.met, t.missed
FROM sizes s JOIN totals t ON t.band = s.band LEFT JOIN waits w ON w.band = s.band
"""


def fairness(
    start: dt.date,
    end: dt.date,
    *,
    now: dt.datetime,
    bands: tuple[SizeBand, ...] = SIZE_BANDS,
) -> dict[str, Any]:
    """First come, first served (R4): the wait to assignment by organisation size band.

    One query. The median is of the working minutes to assignment (``assignment_minutes``)
    of the band's assigned tickets: the middle one, or the mean of the middle two; the
    90th percentile is the nearest rank. CTEs and window functions over a histogram, which
    the ORM cannot express, so written in SQL that SQLite and PostgreSQL both run.
    """
    column = _sql_names()
    params: dict[str, Any] = {}
    cases = []
    for k, band in enumerate(bands):
        params[f"least_{k}"] = band.least
        condition = f"v.tickets >= %(least_{k})s"
        if band.below is not None:
            params[f"below_{k}"] = band.below
            condition += f" AND v.tickets < %(below_{k})s"
        params[f"key_{k}"] = band.key
        cases.append(f"WHEN {condition} THEN %(key_{k})s")
    sql = _FAIRNESS_SQL.format(
        table=column["table"],
        org=column["organisation"],
        minutes=column["assignment_minutes"],
        assigned=column["assigned_at"],
        due=column["assignment_due"],
        registered=column["registered_at"],
        band_case=f"CASE {' '.join(cases)} END",
    )
    lo, hi = period_bounds(start, end)
    # As the ORM passes them: SQLite compares datetimes as UTC text.
    adapt = connection.ops.adapt_datetimefield_value
    params |= {"lo": adapt(lo), "hi": adapt(hi), "now": adapt(now)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0]: row for row in cursor.fetchall()}
    rows = []
    for band in bands:
        row = found.get(band.key)
        organisations, tickets, assigned, lower, upper, p90, met, missed = (
            row[1:] if row else (0, 0, 0, None, None, None, 0, 0)
        )
        median = (lower + upper) / 2 if lower is not None and upper is not None else None
        rows.append(
            {
                "band": band.key,
                "label": band.label,
                "organisations": int(organisations),
                "tickets": int(tickets),
                "assigned": int(assigned),
                "median_wait_hours": _hours(median),
                "p90_wait_hours": _hours(p90),
                "assigned_in_time_share": _share(int(met or 0), int(missed or 0)),
            }
        )
    return {"bands": rows, "large_advantage": large_advantage(rows)}


def large_advantage(rows: list[dict[str, Any]]) -> bool | None:
    """Whether large customers waited clearly less than the others (None: nothing to compare)."""
    large = next((r["median_wait_hours"] for r in rows if r["band"] == "large"), None)
    others = [r["median_wait_hours"] for r in rows if r["band"] != "large"]
    others = [m for m in others if m is not None]
    if large is None or not others:
        return None
    return large < min(others) * (1 - FAIRNESS_TOLERANCE)


# --- billing --------------------------------------------------------------------------

_LIVE = Q(
    statement__type=Statement.Type.INVOICE,
    statement__status__in=[Statement.Status.DRAFT, Statement.Status.ISSUED],
)


def _hours_aggregates() -> dict[str, Any]:
    return {
        "billable": Sum("billed_minutes", filter=Q(charge=Charge.CHARGED), default=0),
        "included": Sum("raw_minutes", filter=Q(charge=Charge.INCLUDED), default=0),
        "free": Sum("raw_minutes", filter=Q(charge=Charge.FREE), default=0),
        "net": Sum("amount", default=Decimal("0.00")),
    }


def _hours_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "billable_hours": _hours(row["billable"]),
        "included_hours": _hours(row["included"]),
        "free_hours": _hours(row["free"]),
        "net": Decimal(row["net"]).quantize(Decimal("0.01")),
    }


def billing_hours(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Billable, included and free hours per organisation and month, from live statements."""
    rows = (
        StatementLine.objects.filter(_LIVE, statement__month__gte=first, statement__month__lte=last)
        .values("statement__month", "statement__organisation__name", "statement__status")
        .annotate(**_hours_aggregates())
        .order_by("-statement__month", "statement__organisation__name")
    )
    return [
        {
            "month": row["statement__month"],
            "organisation": row["statement__organisation__name"],
            "status": row["statement__status"],
            **_hours_row(dict(row)),
        }
        for row in rows
    ]


def billing_months(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The same hours per month for all organisations together; months without lines too."""
    found: dict[dt.date, dict[str, Any]] = {
        row["statement__month"]: dict(row)
        for row in StatementLine.objects.filter(
            _LIVE, statement__month__gte=first, statement__month__lte=last
        )
        .values("statement__month")
        .annotate(**_hours_aggregates())
        .order_by()
    }
    empty = {"billable": 0, "included": 0, "free": 0, "net": Decimal("0.00")}
    return [
        {"month": month, **_hours_row(found.get(month, empty))}
        for month in months_between(first, last)
    ]


def statements_by_month(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Statements per month billed: drafted, issued, credited, and credit statements."""
    invoice = Q(type=Statement.Type.INVOICE)
    draft = invoice & Q(status=Statement.Status.DRAFT)
    issued = invoice & Q(status=Statement.Status.ISSUED)
    credited = invoice & Q(status=Statement.Status.CREDITED)
    zero = Decimal("0.00")
    found: dict[dt.date, dict[str, Any]] = {
        row["month"]: dict(row)
        for row in Statement.objects.filter(month__gte=first, month__lte=last)
        .values("month")
        .annotate(
            drafted=Count("pk", filter=draft),
            issued=Count("pk", filter=issued),
            credited=Count("pk", filter=credited),
            credit_statements=Count("pk", filter=Q(type=Statement.Type.CREDIT)),
            drafted_net=Sum("net", filter=draft, default=zero),
            issued_net=Sum("net", filter=issued, default=zero),
            credited_net=Sum("net", filter=credited, default=zero),
        )
        .order_by()
    }
    rows = []
    for month in months_between(first, last):
        row = found.get(month, {})
        rows.append(
            {
                "month": month,
                "drafted": row.get("drafted", 0),
                "issued": row.get("issued", 0),
                "credited": row.get("credited", 0),
                "credit_statements": row.get("credit_statements", 0),
                "drafted_net": Decimal(row.get("drafted_net", zero)).quantize(Decimal("0.01")),
                "issued_net": Decimal(row.get("issued_net", zero)).quantize(Decimal("0.01")),
                "credited_net": Decimal(row.get("credited_net", zero)).quantize(Decimal("0.01")),
            }
        )
    return rows


# --- one organisation (the customer's view) -------------------------------------------


def tickets_by_status(organisation: Organisation) -> list[dict[str, Any]]:
    found = dict(
        Ticket.objects.filter(organisation=organisation)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    return [
        {"status": value, "label": str(label), "tickets": found.get(value, 0)}
        for value, label in Status.choices
    ]


def billed_hours_by_month(
    organisation: Organisation, first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """Hours on the organisation's issued statements per month (what it was billed, R9).

    Drafts are not shown to customers; a credited statement no longer bills anything.
    """
    found: dict[dt.date, dict[str, Any]] = {
        row["statement__month"]: dict(row)
        for row in StatementLine.objects.filter(
            statement__organisation=organisation,
            statement__type=Statement.Type.INVOICE,
            statement__status=Statement.Status.ISSUED,
            statement__month__gte=first,
            statement__month__lte=last,
        )
        .values("statement__month")
        .annotate(**_hours_aggregates())
        .order_by()
    }
    empty = {"billable": 0, "included": 0, "free": 0, "net": Decimal("0.00")}
    return [
        {"month": month, **_hours_row(found.get(month, empty))}
        for month in months_between(first, last)
    ]


def organisation_tickets(organisation: Organisation) -> QuerySet[Ticket]:
    return Ticket.objects.filter(organisation=organisation)
