"""A statement as documents: the PDF (WeasyPrint) and the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from supportdesk.accounts.models import User
from supportdesk.billing.models import Statement, StatementLine
from supportdesk.billing.selectors import statement_lines_for_user


def statement_context(statement: Statement, viewer: User) -> dict[str, Any]:
    """What the page and the PDF show ``viewer``: lines of tickets they could not open
    carry no subject or description."""
    lines = statement_lines_for_user(viewer, statement)
    return {
        "statement": statement,
        "lines": lines,
        "logged_minutes": sum(line.raw_minutes for line in lines),
        "SITE_NAME": settings.SITE_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }


def statement_pdf(statement: Statement, viewer: User) -> bytes:
    """The statement as a PDF, rendered from the same lines as its page."""
    from weasyprint import HTML

    html = render_to_string("billing/statement_pdf.html", statement_context(statement, viewer))
    # No base URL: the document carries its own styles and loads nothing.
    return HTML(string=html).write_pdf()


CSV_COLUMNS = [
    "statement",
    "organisation",
    "month",
    "ticket",
    "subject",
    "date",
    "consultant",
    "what was done",
    "logged minutes",
    "billed minutes",
    "charge",
    "reason",
    "amount (SEK)",
]


def _cell(value: object) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def statement_csv(statement: Statement, viewer: User) -> str:
    """One row per line, then the totals; numbers as plain numbers, text never a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    reference = statement.number or "draft"
    lines: list[StatementLine] = statement_lines_for_user(viewer, statement)
    for line in lines:
        writer.writerow(
            [
                reference,
                _cell(statement.organisation.name),
                f"{statement.month:%Y-%m}",
                line.ticket_number,
                _cell(line.ticket.subject),
                line.date.isoformat() if line.date else "",
                _cell(line.consultant_name),
                _cell(line.description),
                line.raw_minutes,
                line.billed_minutes,
                line.charge,
                _cell(line.reason),
                f"{line.amount:.2f}",
            ]
        )
    blank = [""] * 9
    writer.writerow(
        [reference, *blank[:8], statement.billed_minutes, "", "net", f"{statement.net:.2f}"]
    )
    writer.writerow(
        [
            reference,
            *blank,
            "",
            f"VAT {statement.vat_percent.normalize():f} %",
            f"{statement.vat:.2f}",
        ]
    )
    writer.writerow([reference, *blank, "", "total", f"{statement.gross:.2f}"])
    return out.getvalue()
