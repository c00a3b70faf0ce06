"""CSV and XLSX of the reports' tables: the same values the page, API and command show.

CSV carries plain values (shares from 0 to 1, hours with two decimals, ISO dates); XLSX
carries numbers with number formats (a share shows as a percentage), one sheet per table.
Text is never written as a formula: a leading =, +, - or @ is quoted in CSV, and XLSX
cells of text are written as strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from supportdesk.reports import tables as columns
from supportdesk.reports.tables import Report, Table, json_value

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == columns.BOOL:
        return "yes" if value else "no"
    if kind == columns.DATETIME and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(json_value(value, kind))
    if (
        kind not in {columns.INT, columns.SHARE, columns.HOURS, columns.MONEY}
        and text
        and text[0] in "=+-@\t\r"
    ):
        return "'" + text
    return text


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(c.key), c.kind) for c in table.columns])
    return out.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the workbook.
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def tables_xlsx(tables: list[Table], *, title: str) -> bytes:
    """A workbook with one sheet per table: a header row, then the rows."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": title})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats = {
        columns.SHARE: book.add_format({"num_format": "0.0%"}),
        columns.HOURS: book.add_format({"num_format": "0.00"}),
        columns.MONEY: book.add_format({"num_format": "#,##0.00"}),
        columns.DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
        columns.MONTH: book.add_format({"num_format": "yyyy-mm"}),
        columns.DATETIME: book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, column.label, bold)
            sheet.set_column(col, col, max(10, min(40, len(column.label) + 2)))
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(table.rows, start=1):
            for col, column in enumerate(table.columns):
                _write(sheet, r, col, row.get(column.key), column.kind, formats)
    book.close()
    return out.getvalue()


def _write(sheet: Any, row: int, col: int, value: Any, kind: str, formats: dict[str, Any]) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif kind == columns.BOOL:
        sheet.write_string(row, col, "yes" if value else "no")
    elif kind in {columns.DATE, columns.MONTH} and isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), formats[kind])
    elif kind == columns.DATETIME and isinstance(value, dt.datetime):
        # Excel has no time zones: the desk's wall clock, as the page shows it.
        sheet.write_datetime(row, col, value.replace(tzinfo=None), formats[kind])
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value), formats.get(kind))
    else:
        sheet.write_string(row, col, str(value))


def report_xlsx(report: Report) -> bytes:
    return tables_xlsx(list(report.tables.values()), title=report.title)
