"""The reports as tables: one structure behind the pages, charts, exports, API and command.

A report is a few named tables of plain values (counts, shares from 0 to 1, hours, money,
dates). The page renders them, the charts draw them, CSV and XLSX export them, the API and
``supportdesk report`` print them as JSON: the same figures everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from supportdesk.accounts.models import Organisation
from supportdesk.commitments.clocks import current_calendar
from supportdesk.commitments.kpi import TARGETS
from supportdesk.reports import selectors
from supportdesk.reports.selectors import MEASURE_LABELS, MEASURES, Periods

# Column kinds: how a value is shown and exported.
TEXT, INT, SHARE, HOURS, MONEY, DATE, MONTH, DATETIME, BOOL = (
    "text",
    "int",
    "share",
    "hours",
    "money",
    "date",
    "month",
    "datetime",
    "bool",
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    link: str = ""  # a URL name taking the value, e.g. a ticket's number


@dataclass
class Table:
    key: str
    title: str
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "caption": self.caption,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [
                {c.key: json_value(row.get(c.key), c.kind) for c in self.columns}
                for row in self.rows
            ],
        }


@dataclass
class Report:
    key: str
    title: str
    generated_at: dt.datetime
    params: dict[str, Any]
    tables: dict[str, Table] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, table: Table) -> Table:
        self.tables[table.key] = table
        return table

    def as_json(self) -> dict[str, Any]:
        return {
            "report": self.key,
            "title": self.title,
            "generated_at": self.generated_at.isoformat(),
            "params": self.params,
            "facts": self.facts,
            "tables": {key: table.as_json() for key, table in self.tables.items()},
        }


def json_value(value: Any, kind: str) -> Any:
    """A value as JSON carries it: ISO dates, money as a string of öre precision."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m") if kind == MONTH else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- the commitments dashboard ------------------------------------------------------


def _attainment_table(key: str, caption: str, figures: list[dict[str, Any]]) -> Table:
    rows = []
    for figure in figures:
        for name in MEASURES:
            entry = figure[name]
            rows.append(
                {
                    "period": figure["label"],
                    "from": dt.date.fromisoformat(figure["from"]),
                    "to": dt.date.fromisoformat(figure["to"]),
                    "measure": MEASURE_LABELS[name],
                    "target": TARGETS[name],
                    "share": entry["share"],
                    "on_target": entry["on_target"],
                    "met": entry["met"],
                    "missed": entry["missed"],
                    "pending": entry["pending"],
                    "median_working_hours": entry.get("median_working_hours"),
                }
            )
    return Table(
        key=key,
        title="Attainment against targets",
        caption=caption,
        columns=[
            Column("period", "Period"),
            Column("from", "From", DATE),
            Column("to", "To", DATE),
            Column("measure", "Commitment"),
            Column("target", "Target", SHARE),
            Column("share", "Attained", SHARE),
            Column("on_target", "On target", BOOL),
            Column("met", "Met", INT),
            Column("missed", "Missed", INT),
            Column("pending", "Pending", INT),
            Column("median_working_hours", "Median (working hours)", HOURS),
        ],
        rows=rows,
    )


def _trend_columns(first: Column) -> list[Column]:
    columns = [first, Column("registered", "Registered", INT)]
    for name in MEASURES:
        label = MEASURE_LABELS[name]
        columns += [
            Column(f"{name}_share", f"{label}: attained", SHARE),
            Column(f"{name}_met", f"{label}: met", INT),
            Column(f"{name}_missed", f"{label}: missed", INT),
        ]
    return columns


def _count_table(key: str, title: str, caption: str, rows: list[dict[str, Any]]) -> Table:
    return Table(
        key=key,
        title=title,
        caption=caption,
        columns=[
            Column("label", title),
            Column("registered", "Registered", INT),
            Column("open", "Open now", INT),
        ],
        rows=rows,
    )


def commitments_report(*, now: dt.datetime) -> Report:
    """The desk's dashboard (R3, R4, R5): a fixed number of queries at any size."""
    periods = Periods(timezone.localdate(now))
    calendar = current_calendar()
    trend_start, trend_end = periods.trend
    report = Report(
        key="commitments",
        title="Commitments dashboard",
        generated_at=now,
        params={"today": periods.today.isoformat(), "trend_from": trend_start.isoformat()},
    )
    figures = selectors.attainment_figures(periods.named(), now=now)
    report.add(
        _attainment_table(
            "attainment",
            "Share of decided tickets that met each commitment, by period of registration; "
            "pending tickets (deadline still ahead) are left out.",
            figures,
        )
    )
    report.add(
        Table(
            key="trend",
            title="Attainment by week",
            caption=(
                f"Tickets registered each week from {trend_start:%d %b %Y}, by the Monday "
                "of the week of registration."
            ),
            columns=_trend_columns(Column("start", "Week of", DATE)),
            rows=selectors.attainment_by_period(trend_start, trend_end, unit="week", now=now),
        )
    )
    at_risk, at_risk_total = selectors.tickets_at_risk(now=now, calendar=calendar)
    report.facts["at_risk_total"] = at_risk_total
    report.add(
        Table(
            key="at_risk",
            title="Tickets at risk now",
            caption=(
                "Open tickets past the dispatchers' warning without an assignee, or due to "
                "be resolved within one working day or overdue, in the queue order"
                + (
                    f" (the first {len(at_risk)} of {at_risk_total})"
                    if at_risk_total > len(at_risk)
                    else ""
                )
                + "."
            ),
            columns=[
                Column("number", "Ticket", link="console:workspace"),
                Column("subject", "Subject"),
                Column("organisation", "Organisation"),
                Column("status", "Status"),
                Column("assignee", "Assignee"),
                Column("clock", "Clock"),
                Column("due", "Due", DATETIME),
                Column("working_hours_left", "Working hours left", HOURS),
            ],
            rows=at_risk,
        )
    )
    report.add(
        Table(
            key="backlog",
            title="Backlog by age",
            caption="Open tickets by working days since the working day of registration.",
            columns=[
                Column("age", "Age"),
                Column("open", "Open", INT),
                Column("unassigned", "Unassigned", INT),
                Column("waiting", "Waiting", INT),
            ],
            rows=selectors.backlog_by_age(now=now, calendar=calendar),
        )
    )
    report.add(
        Table(
            key="load",
            title="Load per consultant",
            caption=(
                "Open tickets per assignee by status, and tickets they resolved in the "
                f"last {selectors.LOAD_RESOLVED_DAYS} days."
            ),
            columns=[
                Column("consultant", "Consultant"),
                Column("open", "Open", INT),
                Column("assigned", "Assigned, not started", INT),
                Column("in_progress", "In progress", INT),
                Column("waiting", "Waiting", INT),
                Column(
                    "resolved_30_days", f"Resolved, last {selectors.LOAD_RESOLVED_DAYS} days", INT
                ),
                Column("oldest_open", "Oldest open since", DATE),
            ],
            rows=selectors.load_per_consultant(now=now),
        )
    )
    for dimension, rows in selectors.breakdowns(trend_start, trend_end).items():
        title = selectors.BREAKDOWNS[dimension][0]
        report.add(
            _count_table(
                dimension,
                title,
                f"Tickets registered since {trend_start:%d %b %Y} by {title.lower()}, "
                "and how many of them are open now.",
                rows,
            )
        )
    fair = selectors.fairness(trend_start, trend_end, now=now)
    report.facts["large_advantage"] = fair["large_advantage"]
    report.add(
        Table(
            key="fairness",
            title="First come, first served",
            caption=(
                "Working hours from registration to assignment by organisation size band; "
                f"size is an organisation's tickets registered since {trend_start:%d %b %Y}."
            ),
            columns=[
                Column("label", "Organisation size"),
                Column("organisations", "Organisations", INT),
                Column("tickets", "Tickets", INT),
                Column("assigned", "Assigned", INT),
                Column("median_wait_hours", "Median wait (working hours)", HOURS),
                Column("p90_wait_hours", "90th percentile wait (working hours)", HOURS),
                Column("assigned_in_time_share", "Assigned within 2 working days", SHARE),
            ],
            rows=fair["bands"],
        )
    )
    return report


# --- the billing overview -------------------------------------------------------------


def _hours_columns() -> list[Column]:
    return [
        Column("billable_hours", "Billable hours", HOURS),
        Column("included_hours", "Included hours", HOURS),
        Column("free_hours", "Free hours", HOURS),
        Column("net", "Net (SEK)", MONEY),
    ]


def billing_report(*, first: dt.date, last: dt.date, now: dt.datetime) -> Report:
    """Hours and statements per month (R6): three queries."""
    report = Report(
        key="billing",
        title="Billing overview",
        generated_at=now,
        params={"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m")},
    )
    span = f"{first:%Y-%m} to {last:%Y-%m}"
    report.add(
        Table(
            key="months",
            title="Hours per month",
            caption=f"Hours on draft and issued statements, all organisations, {span}.",
            columns=[Column("month", "Month", MONTH), *_hours_columns()],
            rows=selectors.billing_months(first, last),
        )
    )
    report.add(
        Table(
            key="hours",
            title="Hours per organisation",
            caption=(
                f"Billable, included and free hours on each organisation's live statement, {span}."
            ),
            columns=[
                Column("month", "Month", MONTH),
                Column("organisation", "Organisation"),
                Column("status", "Statement"),
                *_hours_columns(),
            ],
            rows=selectors.billing_hours(first, last),
        )
    )
    report.add(
        Table(
            key="statements",
            title="Statements",
            caption=f"Statements by the month they bill, {span}.",
            columns=[
                Column("month", "Month", MONTH),
                Column("drafted", "Drafts", INT),
                Column("issued", "Issued", INT),
                Column("credited", "Credited", INT),
                Column("credit_statements", "Credit statements", INT),
                Column("drafted_net", "Net of drafts (SEK)", MONEY),
                Column("issued_net", "Net issued (SEK)", MONEY),
                Column("credited_net", "Net credited (SEK)", MONEY),
            ],
            rows=selectors.statements_by_month(first, last),
        )
    )
    return report


# --- one organisation: the customer's view --------------------------------------------


def service_report(*, organisation: Organisation, now: dt.datetime) -> Report:
    """How one organisation was served (R3, R5, R9): its own tickets and statements only."""
    periods = Periods(timezone.localdate(now))
    year_start, year_end = periods.year_of_months
    tickets = selectors.organisation_tickets(organisation)
    report = Report(
        key="service",
        title=f"Our service to {organisation.name}",
        generated_at=now,
        params={"organisation": organisation.name, "organisation_id": organisation.pk},
    )
    named = [
        ("quarter", "This quarter", periods.quarter),
        ("year", "Last 12 months", (year_start, year_end)),
    ]
    figures = selectors.attainment_figures(named, now=now, tickets=tickets)
    report.add(
        _attainment_table(
            "attainment",
            f"How {organisation.name}'s tickets met our published commitments; tickets whose "
            "deadline is still ahead are not counted yet.",
            figures,
        )
    )
    report.add(
        Table(
            key="monthly",
            title="Attainment by month",
            caption=f"{organisation.name}'s tickets by month of registration.",
            columns=_trend_columns(Column("start", "Month", MONTH)),
            rows=selectors.attainment_by_period(
                year_start, year_end, unit="month", now=now, tickets=tickets
            ),
        )
    )
    report.add(
        Table(
            key="status",
            title="Tickets by status",
            caption=f"All of {organisation.name}'s tickets by their status now.",
            columns=[Column("label", "Status"), Column("tickets", "Tickets", INT)],
            rows=selectors.tickets_by_status(organisation),
        )
    )
    report.add(
        Table(
            key="billed",
            title="Billed hours per month",
            caption=f"Hours on {organisation.name}'s issued statements, by the month billed.",
            columns=[Column("month", "Month", MONTH), *_hours_columns()],
            rows=selectors.billed_hours_by_month(organisation, year_start, year_end),
        )
    )
    return report
