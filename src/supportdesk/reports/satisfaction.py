"""Help center and satisfaction as report tables: the desk's page, and the customer's figures.

The same tables are shown, charted and exported (CSV/XLSX) like every other report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from supportdesk.accounts.models import Organisation
from supportdesk.help import selectors as help_selectors
from supportdesk.reports.tables import INT, MONTH, SHARE, TEXT, Column, Report, Table

FIGURE_COLUMNS = [
    Column("asked", "Asked", INT),
    Column("answered", "Answered", INT),
    Column("response_rate", "Response rate", SHARE),
    Column("average", "Average rating (1-5)", TEXT),
    Column("low", "Low ratings", INT),
]
BY = {
    "month": ("By month", "Month", MONTH),
    "consultant": ("By consultant", "Consultant", TEXT),
    "kind": ("By kind of request", "Kind of request", TEXT),
    "code_owner": ("By code owner", "Code owner", TEXT),
    "organisation": ("By organisation", "Organisation", TEXT),
}


def _average(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Shown with two decimals; "—" when nobody answered.
    return [{**r, "average": "—" if r["average"] is None else f"{r['average']:.2f}"} for r in rows]


def satisfaction_report(*, now: dt.datetime) -> Report:
    """ "How did we do?" answers by month, consultant, kind, code owner and organisation,
    with the response rate; and the answers found before a ticket."""
    report = Report(
        key="satisfaction", title="Help center and satisfaction", generated_at=now, params={}
    )
    requests = help_selectors.requests()
    total = help_selectors.satisfaction_total(requests)
    report.facts = {"satisfaction": total, "deflection": help_selectors.deflection_figures()}
    for group, (title, label, kind) in BY.items():
        report.add(
            Table(
                key=f"by_{group}",
                title=f"Satisfaction {title.lower()}",
                caption='Contacts asked "How did we do?" after a resolution, and their answers.',
                columns=[Column("group", label, kind), *FIGURE_COLUMNS],
                rows=_average(help_selectors.satisfaction_by(requests, group)),
            )
        )
    deflection = report.facts["deflection"]
    report.add(
        Table(
            key="deflection",
            title="Answers before a ticket",
            caption="Articles suggested while customers wrote a new ticket, opened, and problems "
            "solved without registering one.",
            columns=[Column("measure", "Measure"), Column("value", "Count", INT)],
            rows=[
                {"measure": "Forms with suggestions", "value": deflection["forms"]},
                {"measure": "Suggestions shown", "value": deflection["suggested"]},
                {"measure": "Articles opened", "value": deflection["opened"]},
                {"measure": "Solved without a ticket", "value": deflection["solved"]},
            ],
        )
    )
    return report


def add_service_satisfaction(report: Report, organisation: Organisation) -> None:
    """The customer's own figures on their Our service page."""
    requests = help_selectors.requests(organisation_id=organisation.pk)
    report.facts["satisfaction"] = help_selectors.satisfaction_total(requests)
    report.add(
        Table(
            key="satisfaction",
            title="Your ratings by month",
            caption=f"How {organisation.name}'s contacts rated our work after a resolution.",
            columns=[Column("group", "Month", MONTH), *FIGURE_COLUMNS],
            rows=_average(help_selectors.satisfaction_by(requests, "month")),
        )
    )
