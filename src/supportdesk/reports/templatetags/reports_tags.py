"""How the reports' values read on a page: shares as percentages, hours, money, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from supportdesk.reports import tables as columns
from supportdesk.reports.selectors.common import MEASURES
from supportdesk.reports.tables import Table

register = template.Library()
DASH = "—"


@register.filter
def cell(value: Any, kind: str) -> str:
    if value is None:
        return DASH
    if kind == columns.SHARE:
        return f"{float(value) * 100:.1f} %"
    if kind == columns.HOURS:
        return f"{float(value):.2f}"
    if kind == columns.MONEY and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):,.2f}".replace(",", "\u202f")
    if kind == columns.INT and isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if kind == columns.BOOL:
        return "yes" if value else "no"
    if kind == columns.DATETIME and isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if kind == columns.MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if kind == columns.DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@register.filter
def numeric(kind: str) -> bool:
    return kind in {columns.INT, columns.SHARE, columns.HOURS, columns.MONEY}


@register.filter
def dated(kind: str) -> bool:
    return kind in {columns.DATE, columns.MONTH, columns.DATETIME}


@register.inclusion_tag("reports/_table.html", takes_context=True)
def report_table(context: Any, table: Table, *, hidden_caption: bool = False) -> dict[str, Any]:
    """A report table with its caption and its CSV and XLSX links."""
    return {
        "table": table,
        "report": context["report"],
        "export_query": context.get("export_query", ""),
        "hidden_caption": hidden_caption,
    }


@register.inclusion_tag("reports/_section.html", takes_context=True)
def report_section(context: Any, key: str, title: str) -> dict[str, Any]:
    """A section of a report page: its heading, its chart (when the page has one by that
    key) and its table, all three named by the table's key."""
    return {
        "key": key,
        "title": title,
        "svg": (context.get("charts") or {}).get(key),
        "table": context["report"].tables[key],
        "report": context["report"],
        "export_query": context.get("export_query", ""),
    }


@register.inclusion_tag("reports/_measures.html", takes_context=True)
def report_measures(context: Any, key: str, title: str, summary: str) -> dict[str, Any]:
    """A section with a chart of each commitment (``<key>_assignment``, ``_same_day``,
    ``_resolution``) over the periods of the table ``key``, the table folded below."""
    return {
        "key": key,
        "title": title,
        "summary": summary,
        "svgs": [context["charts"][f"{key}_{measure}"] for measure in MEASURES],
        "table": context["report"].tables[key],
        "report": context["report"],
        "export_query": context.get("export_query", ""),
    }


@register.filter
def negative(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and value < 0


@register.simple_tag
def cell_of(row: dict[str, Any], column: Any) -> str:
    return cell(row.get(column.key), column.kind)


@register.simple_tag
def value_of(row: dict[str, Any], key: str) -> Any:
    return row.get(key)
