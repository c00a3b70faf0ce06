"""The dashboard's figures read from the kept tables (``reports.figures``): hundreds of rows.

Each function returns exactly what its counterpart computed from the tickets returns
(``attainment_figures``, ``attainment_by_period``, ``backlog_by_age``,
``load_per_consultant``, ``breakdowns``, ``fairness``), for the dashboard's own periods —
all of which end today. A property test holds them equal over random histories.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Min, Q, Sum

from supportdesk.accounts.models import Role, User
from supportdesk.commitments.calendar import WorkingCalendar
from supportdesk.commitments.kpi import attainment_entry
from supportdesk.reports import models as figure_models
from supportdesk.reports.selectors.breakdowns import (
    BAND_WAITS,
    BREAKDOWNS,
    band_cases,
    fairness_from_rows,
)
from supportdesk.reports.selectors.common import (
    AGE_BANDS,
    LOAD_RESOLVED_DAYS,
    MEASURES,
    SIZE_BANDS,
    SizeBand,
    _share,
    months_between,
)
from supportdesk.reports.selectors.desk import age_boundaries


def _median(histogram: dict[int, int]) -> float | None:
    """The middle value, or the mean of the middle two, of a value → count histogram."""
    count = sum(n for n in histogram.values() if n > 0)
    if count == 0:
        return None
    lo, hi = (count - 1) // 2, count // 2
    picked: list[int] = []
    seen = 0
    for minutes in sorted(histogram):
        n = histogram[minutes]
        if n <= 0:
            continue
        if seen <= lo < seen + n:
            picked.append(minutes)
        if seen <= hi < seen + n:
            picked.append(minutes)
            break
        seen += n
    return sum(picked) / len(picked)


def _sum_days(days: dict[dt.date, tuple[int, ...]], start: dt.date, end: dt.date) -> list[int]:
    total = [0] * len(figure_models.DAY_COUNTS)
    for day, values in days.items():
        if start <= day <= end:
            for k, value in enumerate(values):
                total[k] += value
    return total


def attainment_and_trend(
    named: list[tuple[str, str, tuple[dt.date, dt.date]]],
    trend: tuple[dt.date, dt.date],
    *,
    today: dt.date,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The named periods' attainment (``attainment_figures``, without the missed lists)
    and the weekly trend (``attainment_by_period``): two queries.

    The named periods are the dashboard's: this week, this month, this quarter, each
    ending today, so their medians are read from the week's and the months' histograms.
    """
    first = min([trend[0], *(span[0] for _k, _l, span in named)])
    days = {
        row[0]: tuple(row[1:])
        for row in figure_models.FigureDay.objects.filter(
            day__gte=first, day__lte=today
        ).values_list("day", *figure_models.DAY_COUNTS)
    }
    wanted = Q()
    buckets: dict[str, list[tuple[str, dt.date]]] = {}
    for key, _label, (start, end) in named:
        if end != today:
            raise ValueError(f"{key}: the kept figures serve periods ending today")
        if start.weekday() == 0 and (end - start).days < 7:
            buckets[key] = [("w", start)]
        elif start.day == 1:
            buckets[key] = [("m", month) for month in months_between(start, end)]
        else:
            raise ValueError(f"{key}: starts neither on a Monday nor on the 1st")
        for unit, bucket in buckets[key]:
            wanted |= Q(unit=unit, start=bucket)
    histograms: dict[tuple[str, dt.date, str], dict[int, int]] = {}
    for unit, start, measure, minutes, n in figure_models.FigureMinutes.objects.filter(
        wanted, n__gt=0
    ).values_list("unit", "start", "measure", "minutes", "n"):
        histograms.setdefault((unit, start, measure), {})[minutes] = n

    figures = []
    for key, label, (start, end) in named:
        total = dict(zip(figure_models.DAY_COUNTS, _sum_days(days, start, end), strict=True))
        result: dict[str, Any] = {
            "period": key,
            "label": label,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "registered": total["registered"],
        }
        for name in MEASURES:
            entry = attainment_entry(
                name,
                met=total[f"{name}_met"],
                missed=total[f"{name}_missed"],
                registered=total["registered"],
            )
            measure = {"assignment": "a", "resolution": "r"}.get(name, "")
            if measure:
                merged: dict[int, int] = {}
                for unit, bucket in buckets[key]:
                    for minutes, n in histograms.get((unit, bucket, measure), {}).items():
                        merged[minutes] = merged.get(minutes, 0) + n
                median = _median(merged)
                entry["median_working_hours"] = (
                    round(median / 60, 2) if median is not None else None
                )
            result[name] = entry
        figures.append(result)

    start, end = trend
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    week = monday
    while week <= end:
        total = dict(
            zip(
                figure_models.DAY_COUNTS,
                _sum_days(days, week, week + dt.timedelta(days=6)),
                strict=True,
            )
        )
        entry = {"start": week, "registered": total["registered"]}
        for name in MEASURES:
            met, missed = total[f"{name}_met"], total[f"{name}_missed"]
            entry[f"{name}_met"] = met
            entry[f"{name}_missed"] = missed
            entry[f"{name}_share"] = _share(met, missed)
        weeks.append(entry)
        week += dt.timedelta(weeks=1)
    return figures, weeks


def backlog_by_age(*, now: dt.datetime, calendar: WorkingCalendar) -> list[dict[str, Any]]:
    """``desk.backlog_by_age`` from the open tickets per working day of registration.

    A ticket is at least ``k`` working days old when it was registered before the close
    of the ``k``-th working day before today's, that is when its working day of
    registration is that day or earlier.
    """
    ages = sorted({band[2] for band in AGE_BANDS if band[2] > 0})
    bounds = age_boundaries(now, calendar, ages)
    limit = {k: close.astimezone(calendar.tz).date() for k, close in bounds.items()}
    counts = {key: [0, 0, 0] for key, *_rest in AGE_BANDS}
    for workday, n_open, unassigned, waiting in figure_models.FigureBacklog.objects.filter(
        open__gt=0
    ).values_list("workday", "open", "unassigned", "waiting"):
        for key, _label, least, below in AGE_BANDS:
            if least > 0 and not workday <= limit[least]:
                continue
            if below is not None and workday <= limit[below]:
                continue
            counts[key][0] += n_open
            counts[key][1] += unassigned
            counts[key][2] += waiting
    return [
        {
            "age": label,
            "open": counts[key][0],
            "unassigned": counts[key][1],
            "waiting": counts[key][2],
        }
        for key, label, _least, _below in AGE_BANDS
    ]


def load_per_consultant(*, today: dt.date) -> list[dict[str, Any]]:
    """``desk.load_per_consultant`` from the consultants' figures: two queries."""
    since = today - dt.timedelta(days=LOAD_RESOLVED_DAYS)
    counts: dict[int, dict[str, Any]] = {}
    for grouped in (
        figure_models.FigureConsultant.objects.values("assignee_id")
        .annotate(
            # Named apart from the columns, which the filters below read.
            n_open=Sum("open"),
            n_assigned=Sum("assigned"),
            n_in_progress=Sum("in_progress"),
            n_waiting=Sum("waiting"),
            n_resolved=Sum("resolved", filter=Q(day__gte=since)),
            oldest=Min("day", filter=Q(open__gt=0)),
        )
        .order_by()
    ):
        if (grouped["n_open"] or 0) > 0 or (grouped["n_resolved"] or 0) > 0:
            counts[grouped["assignee_id"]] = dict(grouped)
    people = User.objects.filter(
        Q(role=Role.CONSULTANT, is_active=True) | Q(pk__in=list(counts))
    ).order_by("name", "email")
    rows: list[dict[str, Any]] = []
    for person in people:
        row = counts.get(person.pk, {})
        rows.append(
            {
                "consultant": str(person),
                "open": row.get("n_open") or 0,
                "assigned": row.get("n_assigned") or 0,
                "in_progress": row.get("n_in_progress") or 0,
                "waiting": row.get("n_waiting") or 0,
                "resolved_30_days": row.get("n_resolved") or 0,
                "oldest_open": row.get("oldest"),
            }
        )
    rows.sort(key=lambda r: (-r["open"], r["consultant"]))
    return rows


def breakdowns(start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
    """``breakdowns.breakdowns`` from the weekly figures; ``start`` is a Monday."""
    found = {
        (row["dimension"], row["value"]): (row["n_registered"], row["n_open"])
        for row in figure_models.FigureBreakdown.objects.filter(week__gte=start, week__lte=end)
        .values("dimension", "value")
        .annotate(n_registered=Sum("registered"), n_open=Sum("open"))
        .order_by()
    }
    return {
        dimension: [
            {
                "value": value,
                "label": str(label),
                "registered": int(found.get((dimension, value), (0, 0))[0]),
                "open": int(found.get((dimension, value), (0, 0))[1]),
            }
            for value, label in choices.choices
        ]
        for dimension, (_title, choices) in BREAKDOWNS.items()
    }


# The waits by band: kept per band (a few thousand rows) for the dashboard's bands; summed
# from the organisations' waits (a row per organisation and minute) for any others.
_BAND_COUNTS = "SELECT band, minutes, n FROM {band_waits} WHERE n > 0"
_ORGANISATION_COUNTS = """SELECT b.band, w.minutes, SUM(w.n) AS n
    FROM {waits} w JOIN banded b ON b.organisation_id = w.organisation_id
    WHERE w.n > 0
    GROUP BY b.band, w.minutes"""

_FAIRNESS_SQL = """
WITH banded AS (
    SELECT organisation_id, {band_case} AS band, tickets, met, missed
    FROM {organisations} v WHERE v.tickets > 0
), counts AS (
    {counts}
), {band_waits}, totals AS (
    SELECT band, COUNT(*) AS organisations, SUM(tickets) AS tickets, SUM(met) AS met,
           SUM(missed) AS missed
    FROM banded GROUP BY band
)
SELECT t.band, t.organisations, t.tickets, COALESCE(w.assigned, 0), w.lower_middle,
       w.upper_middle, w.p90, t.met, t.missed
FROM totals t LEFT JOIN waits w ON w.band = t.band
"""


def fairness(*, bands: tuple[SizeBand, ...] = SIZE_BANDS) -> dict[str, Any]:
    """``breakdowns.fairness`` over the fairness window from the organisations' figures:
    one query over a few hundred organisations and the waits kept per band."""
    cases, params = band_cases(bands)
    q = connection.ops.quote_name
    counts = (
        _BAND_COUNTS.format(band_waits=q(figure_models.FigureBandWait._meta.db_table))
        if bands == SIZE_BANDS
        else _ORGANISATION_COUNTS.format(waits=q(figure_models.FigureWait._meta.db_table))
    )
    sql = _FAIRNESS_SQL.format(
        organisations=q(figure_models.FigureOrganisation._meta.db_table),
        counts=counts,
        band_case=f"CASE {' '.join(cases)} END",
        band_waits=BAND_WAITS,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0]: row for row in cursor.fetchall()}
    return fairness_from_rows(bands, found)
