# ruff: noqa: S608 -- table names from the models and constant fragments; values are parameters
"""The kept figures made from scratch in SQL on PostgreSQL: a million tickets in seconds.

The same parts and sums as ``reports.figures.part_of`` and ``counts_of`` compute in
Python, written as one ``INSERT … SELECT`` of the parts and one grouped ``INSERT …
SELECT`` per table. The working day of registration is looked up in a temporary table of
the calendar's working days (the first close after the registration). The property test
(``tests/reports/test_kept_figures.py``, run on PostgreSQL) holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connection

from supportdesk.reports import models as figure_models
from supportdesk.reports.models import TicketFigures
from supportdesk.reports.selectors.common import SIZE_BANDS
from supportdesk.tickets.models import OPEN_STATUSES, WAITING_STATUSES, Kind, Ticket

if TYPE_CHECKING:
    from supportdesk.reports.figures import Context


def _t(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


_PARTS = """
INSERT INTO {parts} (ticket_id, counted, day, workday, organisation_id, assignee_id, kind,
    channel, impact, code_owner, status, unassigned, assignment, same_day, resolution,
    assignment_minutes, resolution_minutes, resolved_day, in_window)
SELECT t.id, TRUE, (t.registered_at AT TIME ZONE %(tz)s)::date,
    CASE WHEN t.status = ANY(%(open)s) THEN (
        SELECT w.day FROM figures_workdays w WHERE w.closes > t.registered_at
        ORDER BY w.closes LIMIT 1) END,
    t.organisation_id, t.assignee_id, t.kind, t.channel, t.impact, t.code_owner, t.status,
    t.assigned_at IS NULL,
    CASE WHEN t.assignment_due IS NULL THEN 0
         WHEN t.assigned_at IS NOT NULL THEN
             CASE WHEN t.assigned_at <= t.assignment_due THEN 1 ELSE 2 END
         WHEN t.assignment_due < %(now)s THEN 2 ELSE 0 END,
    CASE WHEN t.same_day_due IS NULL THEN 0
         WHEN t.assigned_at IS NOT NULL AND t.started_at IS NOT NULL
              AND t.assigned_at <= t.same_day_due AND t.started_at <= t.same_day_due THEN 1
         WHEN t.same_day_due < %(now)s
              OR (t.assigned_at IS NOT NULL AND t.assigned_at > t.same_day_due)
              OR (t.started_at IS NOT NULL AND t.started_at > t.same_day_due) THEN 2
         ELSE 0 END,
    CASE WHEN t.resolution_due IS NULL THEN 0
         WHEN t.resolved_at IS NOT NULL THEN
             CASE WHEN t.resolved_at <= t.resolution_due THEN 1 ELSE 2 END
         WHEN t.resolution_due < %(now)s AND NOT t.status = ANY(%(waiting)s) THEN 2
         ELSE 0 END,
    t.assignment_minutes, t.resolution_minutes,
    (t.resolved_at AT TIME ZONE %(tz)s)::date,
    (t.registered_at AT TIME ZONE %(tz)s)::date >= %(window)s
FROM {tickets} t
"""

_OPEN = "p.status = ANY(%(open)s)"
_WAITING = "p.status = ANY(%(waiting)s)"


def _n(condition: str) -> str:
    return f"COUNT(*) FILTER (WHERE {condition})"


def _band_case(tickets: str) -> str:
    """``figures.band_of`` in SQL (the bands' bounds and keys are the code's constants)."""
    cases = []
    for band in SIZE_BANDS:
        condition = f"{tickets} >= {int(band.least)}"
        if band.below is not None:
            condition += f" AND {tickets} < {int(band.below)}"
        assert band.key.isidentifier()
        cases.append(f"WHEN {condition} THEN '{band.key}'")
    return f"CASE {' '.join(cases)} END"


def _sums() -> list[str]:
    parts = _t(TicketFigures)
    day, minutes, backlog = (
        _t(figure_models.FigureDay),
        _t(figure_models.FigureMinutes),
        _t(figure_models.FigureBacklog),
    )
    breakdown, consultant = _t(figure_models.FigureBreakdown), _t(figure_models.FigureConsultant)
    organisation, wait = _t(figure_models.FigureOrganisation), _t(figure_models.FigureWait)
    statements = [
        f"""INSERT INTO {day} (day, registered, assignment_met, assignment_missed,
            same_day_met, same_day_missed, resolution_met, resolution_missed)
        SELECT day, COUNT(*), {_n("assignment = 1")}, {_n("assignment = 2")},
            {_n("same_day = 1")}, {_n("same_day = 2")}, {_n("resolution = 1")},
            {_n("resolution = 2")}
        FROM {parts} p WHERE counted GROUP BY day""",
        f"""INSERT INTO {backlog} (workday, open, unassigned, waiting)
        SELECT workday, COUNT(*), {_n("unassigned")}, {_n(_WAITING)}
        FROM {parts} p WHERE counted AND {_OPEN} GROUP BY workday""",
        f"""INSERT INTO {consultant} (assignee_id, day, open, assigned, in_progress, waiting,
            resolved)
        SELECT assignee_id, day, SUM(open), SUM(assigned), SUM(in_progress), SUM(waiting),
            SUM(resolved)
        FROM (
            SELECT assignee_id, day, COUNT(*) AS open,
                {_n("p.status = 'assigned'")} AS assigned,
                {_n("p.status = 'in_progress'")} AS in_progress,
                {_n(_WAITING)} AS waiting, 0 AS resolved
            FROM {parts} p WHERE counted AND assignee_id IS NOT NULL AND {_OPEN}
            GROUP BY assignee_id, day
            UNION ALL
            SELECT assignee_id, resolved_day, 0, 0, 0, 0, COUNT(*)
            FROM {parts} p WHERE counted AND assignee_id IS NOT NULL
                AND resolved_day IS NOT NULL
            GROUP BY assignee_id, resolved_day
        ) u GROUP BY assignee_id, day""",
        f"""INSERT INTO {organisation} (organisation_id, tickets, assigned, met, missed)
        SELECT organisation_id, COUNT(*), {_n("assignment_minutes IS NOT NULL")},
            {_n("assignment = 1")}, {_n("assignment = 2")}
        FROM {parts} p WHERE counted AND in_window GROUP BY organisation_id""",
        f"""INSERT INTO {wait} (organisation_id, minutes, n)
        SELECT organisation_id, assignment_minutes, COUNT(*)
        FROM {parts} p WHERE counted AND in_window AND assignment_minutes IS NOT NULL
        GROUP BY organisation_id, assignment_minutes""",
        # After the two above: the waits summed by the organisations' size bands.
        f"""INSERT INTO {_t(figure_models.FigureBandWait)} (band, minutes, n)
        SELECT {_band_case("o.tickets")}, w.minutes, SUM(w.n)
        FROM {wait} w JOIN {organisation} o ON o.organisation_id = w.organisation_id
        WHERE o.tickets > 0 AND w.n > 0
        GROUP BY 1, w.minutes""",
    ]
    for unit, trunc in (("w", "week"), ("m", "month")):
        for measure, column in (("a", "assignment_minutes"), ("r", "resolution_minutes")):
            statements.append(
                f"""INSERT INTO {minutes} (unit, start, measure, minutes, n)
                SELECT '{unit}', date_trunc('{trunc}', day)::date, '{measure}', {column},
                    COUNT(*)
                FROM {parts} p WHERE counted AND {column} IS NOT NULL
                GROUP BY date_trunc('{trunc}', day)::date, {column}"""
            )
    for dimension in ("kind", "channel", "impact", "code_owner"):
        only_bugs = f" AND kind = '{Kind.BUG}'" if dimension == "code_owner" else ""
        statements.append(
            f"""INSERT INTO {breakdown} (week, dimension, value, registered, open)
            SELECT date_trunc('week', day)::date, '{dimension}', {dimension}, COUNT(*),
                {_n(_OPEN)}
            FROM {parts} p WHERE counted{only_bugs}
            GROUP BY date_trunc('week', day)::date, {dimension}"""
        )
    return statements


def _working_days(ctx: Context, first: dt.date, last: dt.date) -> list[tuple[dt.date, Any]]:
    days = []
    day = first
    while day <= last:
        hours = ctx.calendar.day_hours(day)
        if hours is not None:
            days.append((day, hours[1]))
        day += dt.timedelta(days=1)
    return days


def rebuild_in_sql(ctx: Context) -> dict[str, Any]:
    """Fill the parts and the tables (emptied by the caller, in its transaction)."""
    params: dict[str, Any] = {
        "tz": str(ctx.tz),
        "open": [str(s) for s in OPEN_STATUSES],
        "waiting": [str(s) for s in WAITING_STATUSES],
        "now": ctx.now,
        "window": ctx.window_start,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(registered_at), max(registered_at) FROM {_t(Ticket)}"
            " WHERE status = ANY(%s)",
            [params["open"]],
        )
        low, high = cursor.fetchone()
        cursor.execute(
            "CREATE TEMPORARY TABLE figures_workdays (day date, closes timestamptz) ON COMMIT DROP"
        )
        if low is not None:
            tz = ctx.calendar.tz
            first = low.astimezone(tz).date() - dt.timedelta(days=1)
            # Past the last registration far enough to find its next working day.
            last = max(high, ctx.now).astimezone(tz).date() + dt.timedelta(days=60)
            cursor.executemany(
                "INSERT INTO figures_workdays (day, closes) VALUES (%s, %s)",
                _working_days(ctx, first, last),
            )
            cursor.execute("CREATE INDEX ON figures_workdays (closes)")
            cursor.execute("ANALYZE figures_workdays")
        cursor.execute(_PARTS.format(parts=_t(TicketFigures), tickets=_t(Ticket)), params)
        tickets = cursor.rowcount
        rows = 0
        for statement in _sums():
            cursor.execute(statement, params)
            rows += cursor.rowcount
        cursor.execute("DROP TABLE figures_workdays")
    return {"tickets": tickets, "rows": rows}
