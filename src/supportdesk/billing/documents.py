"""A statement as documents: the PDF (WeasyPrint) and the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportdesk.accounts.models import User
from supportdesk.billing.models import Charge, Statement, StatementLine
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
    gettext_lazy("statement"),
    gettext_lazy("organisation"),
    gettext_lazy("month"),
    gettext_lazy("ticket"),
    gettext_lazy("subject"),
    gettext_lazy("date"),
    gettext_lazy("consultant"),
    gettext_lazy("what was done"),
    gettext_lazy("logged minutes"),
    gettext_lazy("billed minutes"),
    gettext_lazy("charge"),
    gettext_lazy("reason"),
    gettext_lazy("amount (SEK)"),
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
    writer.writerow([str(column) for column in CSV_COLUMNS])
    reference = statement.number or _("draft")
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
                str(Charge(line.charge).label),
                _cell(line.reason),
                f"{line.amount:.2f}",
            ]
        )
    blank = [""] * 9
    writer.writerow(
        [reference, *blank[:8], statement.billed_minutes, "", _("net"), f"{statement.net:.2f}"]
    )
    writer.writerow(
        [
            reference,
            *blank,
            "",
            _("VAT %(percent)s %%") % {"percent": f"{statement.vat_percent.normalize():f}"},
            f"{statement.vat:.2f}",
        ]
    )
    writer.writerow([reference, *blank, "", _("total"), f"{statement.gross:.2f}"])
    return out.getvalue()
