"""Breakdowns of a period and fairness by organisation size (R4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from supportdesk.commitments.kpi import period_bounds
from supportdesk.reports.selectors.common import (
    FAIRNESS_TOLERANCE,
    SIZE_BANDS,
    SizeBand,
    _hours,
    _share,
)
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    Channel,
    CodeOwner,
    Impact,
    Kind,
    Ticket,
)

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
    WHERE {registered_at} >= %(lo)s AND {registered_at} < %(hi)s
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
    open_statuses = ", ".join(f"%(open_{k})s" for k in range(len(OPEN_STATUSES)))
    sql = _BREAKDOWN_SQL.format(**_sql_names(), open_statuses=open_statuses)
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


# Each band's count of assigned tickets, median wait (the middle one, or the two middle
# ones) and 90th percentile (nearest rank), from the histogram ``counts (band, minutes, n)``
# of its waits: the k-th smallest wait is the first whose running count reaches k.
BAND_WAITS = """cumulative AS (
    SELECT band, minutes,
           CAST(SUM(n) OVER (PARTITION BY band ORDER BY minutes) AS BIGINT) AS upto,
           CAST(SUM(n) OVER (PARTITION BY band) AS BIGINT) AS assigned
    FROM counts WHERE minutes IS NOT NULL
), waits AS (
    SELECT band, MAX(assigned) AS assigned,
           MIN(CASE WHEN upto >= (assigned + 1) / 2 THEN minutes END) AS lower_middle,
           MIN(CASE WHEN upto >= (assigned + 2) / 2 THEN minutes END) AS upper_middle,
           MIN(CASE WHEN upto >= (9 * assigned + 9) / 10 THEN minutes END) AS p90
    FROM cumulative GROUP BY band
)"""

_FAIRNESS_SQL = """
WITH volume AS (
    SELECT {organisation} AS organisation_id, COUNT(*) AS tickets
    FROM {table}
    WHERE {registered_at} >= %(lo)s AND {registered_at} < %(hi)s
    GROUP BY {organisation}
), banded AS (
    SELECT organisation_id, {band_case} AS band FROM volume v
), counts AS (
    -- How many tickets of each band waited each number of minutes: a histogram, so the
    -- medians below read a few thousand rows instead of sorting every ticket. The table
    -- is read twice rather than kept in a CTE, so each read can run in parallel.
    SELECT b.band, t.{assignment_minutes} AS minutes, COUNT(*) AS n,
           SUM(CASE WHEN t.{assigned_at} IS NOT NULL AND t.{assigned_at} <= t.{assignment_due}
               THEN 1 ELSE 0 END) AS met,
           SUM(CASE WHEN t.{assigned_at} > t.{assignment_due}
                     OR (t.{assigned_at} IS NULL AND t.{assignment_due} < %(now)s)
               THEN 1 ELSE 0 END) AS missed
    FROM {table} t JOIN banded b ON b.organisation_id = t.{organisation}
    WHERE t.{registered_at} >= %(lo)s AND t.{registered_at} < %(hi)s
    GROUP BY b.band, t.{assignment_minutes}
), {band_waits}, sizes AS (
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
    cases, params = band_cases(bands)
    sql = _FAIRNESS_SQL.format(
        **_sql_names(),
        band_case=f"CASE {' '.join(cases)} END",
        band_waits=BAND_WAITS,
    )
    lo, hi = period_bounds(start, end)
    # As the ORM passes them: SQLite compares datetimes as UTC text.
    adapt = connection.ops.adapt_datetimefield_value
    params |= {"lo": adapt(lo), "hi": adapt(hi), "now": adapt(now)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0]: row for row in cursor.fetchall()}
    return fairness_from_rows(bands, found)


def band_cases(bands: Any) -> tuple[list[str], dict[str, Any]]:
    """The ``WHEN … THEN band`` arms that put an organisation (``v.tickets``) in its size
    band, with their parameters, for the fairness queries."""
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
    return cases, params


def fairness_from_rows(bands: Any, found: dict[Any, Any]) -> dict[str, Any]:
    """The fairness figures per size band from the fairness query's rows (by band key):
    organisations, tickets, assigned, median bounds, p90, met, missed."""
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
