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
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

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
            "title": str(self.title),
            "caption": str(self.caption),
            "columns": [
                {"key": c.key, "label": str(c.label), "kind": c.kind} for c in self.columns
            ],
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
            "title": str(self.title),
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
    if isinstance(value, Decimal | Promise):
        return str(value)  # money; or words in the active language
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
        title=_("Attainment against targets"),
        caption=caption,
        columns=[
            Column("period", _("Period")),
            Column("from", _("From"), DATE),
            Column("to", _("To"), DATE),
            Column("measure", _("Commitment")),
            Column("target", _("Target"), SHARE),
            Column("share", _("Attained"), SHARE),
            Column("on_target", _("On target"), BOOL),
            Column("met", _("Met"), INT),
            Column("missed", _("Missed"), INT),
            Column("pending", _("Pending"), INT),
            Column("median_working_hours", _("Median (working hours)"), HOURS),
        ],
        rows=rows,
    )


def _trend_columns(first: Column) -> list[Column]:
    columns = [first, Column("registered", _("Registered"), INT)]
    for name in MEASURES:
        label = MEASURE_LABELS[name]
        columns += [
            Column(f"{name}_share", _("%(label)s: attained") % {"label": label}, SHARE),
            Column(f"{name}_met", _("%(label)s: met") % {"label": label}, INT),
            Column(f"{name}_missed", _("%(label)s: missed") % {"label": label}, INT),
        ]
    return columns


def _count_table(key: str, title: str, caption: str, rows: list[dict[str, Any]]) -> Table:
    return Table(
        key=key,
        title=title,
        caption=caption,
        columns=[
            Column("label", title),
            Column("registered", _("Registered"), INT),
            Column("open", _("Open now"), INT),
        ],
        rows=rows,
    )


def commitments_report(*, now: dt.datetime, kept: bool | None = None) -> Report:
    """The desk's dashboard (R3, R4, R5): a fixed number of queries at any size.

    ``kept`` (the default once ``supportdesk report rebuild`` or the sweep has built them):
    the figures are read from the tables ``reports.figures`` keeps, as of the last sweep
    (at most a minute old); otherwise, or with ``kept=False``, they are computed from the
    tickets at ``now``.
    """
    from supportdesk.reports import figures as kept_figures
    from supportdesk.reports.selectors import kept as read

    periods = Periods(timezone.localdate(now))
    calendar = current_calendar()
    trend_start, trend_end = periods.trend
    state = kept_figures.built() if kept is not False else None
    if kept and state is None:
        raise ValueError("the figures have not been built: run supportdesk report rebuild")
    report = Report(
        key="commitments",
        title=_("Commitments dashboard"),
        generated_at=now,
        params={"today": periods.today.isoformat(), "trend_from": trend_start.isoformat()},
    )
    report.facts["figures_as_of"] = state.swept_until.isoformat() if state else now.isoformat()
    if state is not None:
        figures, trend = read.attainment_and_trend(
            periods.named(), periods.trend, today=periods.today
        )
        backlog = read.backlog_by_age(now=now, calendar=calendar)
        load = read.load_per_consultant(today=periods.today)
        by_dimension = read.breakdowns(trend_start, trend_end)
        fair = read.fairness()
    else:
        figures = selectors.attainment_figures(periods.named(), now=now)
        trend = selectors.attainment_by_period(trend_start, trend_end, unit="week", now=now)
        backlog = selectors.backlog_by_age(now=now, calendar=calendar)
        load = selectors.load_per_consultant(now=now)
        by_dimension = selectors.breakdowns(trend_start, trend_end)
        fair = selectors.fairness(trend_start, trend_end, now=now)
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
            title=_("Attainment by week"),
            caption=(
                _(
                    "Tickets registered each week from %(start)s, by the Monday of the week "
                    "of registration."
                )
                % {"start": date_format(trend_start)}
            ),
            columns=_trend_columns(Column("start", _("Week of"), DATE)),
            rows=trend,
        )
    )
    at_risk, at_risk_total = selectors.tickets_at_risk(now=now, calendar=calendar)
    report.facts["at_risk_total"] = at_risk_total
    report.add(
        Table(
            key="at_risk",
            title=_("Tickets at risk now"),
            caption=(
                _(
                    "Open tickets past the dispatchers' warning without an assignee, or due "
                    "to be resolved within one working day or overdue, in the queue order."
                )
                + (
                    " "
                    + _("The first %(shown)s of %(total)s.")
                    % {"shown": len(at_risk), "total": at_risk_total}
                    if at_risk_total > len(at_risk)
                    else ""
                )
            ),
            columns=[
                Column("number", _("Ticket"), link="console:workspace"),
                Column("subject", _("Subject")),
                Column("organisation", _("Organisation")),
                Column("status", _("Status")),
                Column("assignee", _("Assignee")),
                Column("clock", _("Clock")),
                Column("due", _("Due"), DATETIME),
                Column("working_hours_left", _("Working hours left"), HOURS),
            ],
            rows=at_risk,
        )
    )
    report.add(
        Table(
            key="backlog",
            title=_("Backlog by age"),
            caption=_("Open tickets by working days since the working day of registration."),
            columns=[
                Column("age", _("Age")),
                Column("open", _("Open"), INT),
                Column("unassigned", _("Unassigned"), INT),
                Column("waiting", _("Waiting"), INT),
            ],
            rows=backlog,
        )
    )
    report.add(
        Table(
            key="load",
            title=_("Load per consultant"),
            caption=(
                _(
                    "Open tickets per assignee by status, and tickets they resolved in the "
                    "last %(days)s days."
                )
                % {"days": selectors.LOAD_RESOLVED_DAYS}
            ),
            columns=[
                Column("consultant", _("Consultant")),
                Column("open", _("Open"), INT),
                Column("assigned", _("Assigned, not started"), INT),
                Column("in_progress", _("In progress"), INT),
                Column("waiting", _("Waiting"), INT),
                Column(
                    "resolved_30_days",
                    _("Resolved, last %(days)s days") % {"days": selectors.LOAD_RESOLVED_DAYS},
                    INT,
                ),
                Column("oldest_open", _("Oldest open since"), DATE),
            ],
            rows=load,
        )
    )
    for dimension, rows in by_dimension.items():
        title = str(selectors.BREAKDOWNS[dimension][0])
        report.add(
            _count_table(
                dimension,
                title,
                _(
                    "Tickets registered since %(start)s by %(dimension)s, and how many of "
                    "them are open now."
                )
                % {"start": date_format(trend_start), "dimension": title.lower()},
                rows,
            )
        )
    report.facts["large_advantage"] = fair["large_advantage"]
    report.add(
        Table(
            key="fairness",
            title=_("First come, first served"),
            caption=(
                _(
                    "Working hours from registration to assignment by organisation size band; "
                    "size is an organisation's tickets registered since %(start)s."
                )
                % {"start": date_format(trend_start)}
            ),
            columns=[
                Column("label", _("Organisation size")),
                Column("organisations", _("Organisations"), INT),
                Column("tickets", _("Tickets"), INT),
                Column("assigned", _("Assigned"), INT),
                Column("median_wait_hours", _("Median wait (working hours)"), HOURS),
                Column("p90_wait_hours", _("90th percentile wait (working hours)"), HOURS),
                Column("assigned_in_time_share", _("Assigned within 2 working days"), SHARE),
            ],
            rows=fair["bands"],
        )
    )
    return report


# --- the billing overview -------------------------------------------------------------


def _hours_columns() -> list[Column]:
    return [
        Column("billable_hours", _("Billable hours"), HOURS),
        Column("included_hours", _("Included hours"), HOURS),
        Column("free_hours", _("Free hours"), HOURS),
        Column("net", _("Net (SEK)"), MONEY),
    ]


def billing_report(*, first: dt.date, last: dt.date, now: dt.datetime) -> Report:
    """Hours and statements per month (R6): three queries."""
    report = Report(
        key="billing",
        title=_("Billing overview"),
        generated_at=now,
        params={"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m")},
    )
    span = _("%(first)s to %(last)s") % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"}
    report.add(
        Table(
            key="months",
            title=_("Hours per month"),
            caption=_("Hours on draft and issued statements, all organisations, %(span)s.")
            % {"span": span},
            columns=[Column("month", _("Month"), MONTH), *_hours_columns()],
            rows=selectors.billing_months(first, last),
        )
    )
    report.add(
        Table(
            key="hours",
            title=_("Hours per organisation"),
            caption=(
                _(
                    "Billable, included and free hours on each organisation's live statement, "
                    "%(span)s."
                )
                % {"span": span}
            ),
            columns=[
                Column("month", _("Month"), MONTH),
                Column("organisation", _("Organisation")),
                Column("status", _("Statement")),
                *_hours_columns(),
            ],
            rows=selectors.billing_hours(first, last),
        )
    )
    report.add(
        Table(
            key="statements",
            title=_("Statements"),
            caption=_("Statements by the month they bill, %(span)s.") % {"span": span},
            columns=[
                Column("month", _("Month"), MONTH),
                Column("drafted", _("Drafts"), INT),
                Column("issued", _("Issued"), INT),
                Column("credited", _("Credited"), INT),
                Column("credit_statements", _("Credit statements"), INT),
                Column("drafted_net", _("Net of drafts (SEK)"), MONEY),
                Column("issued_net", _("Net issued (SEK)"), MONEY),
                Column("credited_net", _("Net credited (SEK)"), MONEY),
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
        title=_("Our service to %(name)s") % {"name": organisation.name},
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
            _(
                "How the tickets of %(name)s met our published commitments; tickets whose "
                "deadline is still ahead are not counted yet."
            )
            % {"name": organisation.name},
            figures,
        )
    )
    report.add(
        Table(
            key="monthly",
            title=_("Attainment by month"),
            caption=_("The tickets of %(name)s by month of registration.")
            % {"name": organisation.name},
            columns=_trend_columns(Column("start", _("Month"), MONTH)),
            rows=selectors.attainment_by_period(
                year_start, year_end, unit="month", now=now, tickets=tickets
            ),
        )
    )
    report.add(
        Table(
            key="status",
            title=_("Tickets by status"),
            caption=_("All the tickets of %(name)s by their status now.")
            % {"name": organisation.name},
            columns=[Column("label", _("Status")), Column("tickets", _("Tickets"), INT)],
            rows=selectors.tickets_by_status(organisation),
        )
    )
    report.add(
        Table(
            key="billed",
            title=_("Billed hours per month"),
            caption=_("Hours on the issued statements of %(name)s, by the month billed.")
            % {"name": organisation.name},
            columns=[Column("month", _("Month"), MONTH), *_hours_columns()],
            rows=selectors.billed_hours_by_month(organisation, year_start, year_end),
        )
    )
    return report
