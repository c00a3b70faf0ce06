"""Charts as inline SVG, drawn on the server by pygal from the reports' tables.

No JavaScript and nothing fetched: pygal's tooltip script is turned off (``js=[]``) and
its inline configuration script and comments are dropped, so the page shows and prints
the chart as it is. Each chart is an image with a label; the table it is drawn from is
its accessible alternative on the page.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pygal
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from supportdesk.commitments.kpi import TARGETS
from supportdesk.reports.selectors import MEASURE_LABELS, MEASURES
from supportdesk.reports.tables import Report, Table

# Okabe–Ito colours: told apart with the common colour-vision deficiencies, and in print.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=COLOURS,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    title_font_size=15,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    opacity=".85",
    opacity_hover=".95",
    guide_stroke_color="#ccc",
    major_guide_stroke_color="#999",
)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _config(title: str, **options: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 760,
        "height": 320,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "margin": 12,
        "truncate_legend": -1,
        "truncate_label": -1,
        # pygal measures text in its own font; leave room for the legend under the axis.
        "margin_bottom": 28,
        **options,
    }


def render(chart: Any, label: str) -> SafeString:
    """The chart's SVG to inline in a page: no script, no comments, labelled as an image."""
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label, quote=True)}" ', 1)
    return mark_safe(svg)  # noqa: S308 - pygal escapes every text it draws


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def attainment_trend(table: Table, measure: str, *, label_every: int = 8) -> SafeString:
    """One commitment's attainment per period (%), with its target as a line."""
    title = _("%(measure)s (target %(target)s %%)") % {
        "measure": MEASURE_LABELS[measure],
        "target": f"{TARGETS[measure] * 100:.0f}",
    }
    chart = pygal.Line(
        **_config(
            title,
            range=(0, 100),
            y_title="% of decided tickets",
            x_label_rotation=0,
            show_minor_x_labels=False,
            x_labels_major_every=label_every,
            allow_interruptions=True,
            dots_size=2,
            width=520,
            height=320,
        )
    )
    labels = [_period_label(row["start"], table) for row in table.rows]
    chart.x_labels = labels
    chart.add(_("Attained"), [_percent(row[f"{measure}_share"]) for row in table.rows])
    chart.add(
        _("Target"),
        [TARGETS[measure] * 100] * len(labels),
        show_dots=False,
        stroke_style={"dasharray": "6,4", "width": 2},
    )
    if table.key == "trend":
        return render(chart, _("Chart: %(title)s, by week") % {"title": title})
    return render(chart, _("Chart: %(title)s, by month") % {"title": title})


def _period_label(value: Any, table: Table) -> str:
    return value.strftime("%Y-%m") if table.key == "monthly" else value.strftime("%d %b %y")


def bars(
    table: Table,
    *,
    label_key: str,
    series: list[tuple[str, str]],
    title: str | None = None,
    stacked: bool = False,
    horizontal: bool = False,
    y_title: str = "",
    label_format: str | None = None,
    width: int = 760,
) -> SafeString:
    """A bar chart of some of a table's columns; ``series`` is (column key, legend)."""
    title = title or table.title
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    rows = table.rows
    height = max(240, 70 + 26 * len(rows)) if horizontal else 300
    chart = kind(
        **_config(
            title,
            width=width,
            y_title=y_title,
            height=height,
            x_label_rotation=0 if horizontal else (30 if len(rows) > 6 else 0),
            show_legend=len(series) > 1,
        )
    )
    chart.x_labels = [
        row[label_key].strftime(label_format) if label_format else str(row[label_key])
        for row in rows
    ]
    for key, legend in series:
        chart.add(legend, [_number(row.get(key)) for row in rows])
    return render(chart, _("Chart: %(title)s") % {"title": title})


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# --- the charts of each report ------------------------------------------------------


# Rendered charts are kept in the shared cache under a digest of what they draw: the
# same figures draw the same SVG, so only a chart whose table changed is drawn again.
CHART_SECONDS = 24 * 3600
_CHART_VERSION = "1"  # bump when the charts' look changes


def _chart_key(name: str, table: Table) -> str:
    raw = repr(
        (
            _CHART_VERSION,
            pygal.__version__,
            translation.get_language(),
            name,
            table.key,
            str(table.title),
            table.rows,
        )
    )
    return "reports:chart:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_charts(
    drawn: dict[str, tuple[Table, Callable[[], SafeString]]],
) -> dict[str, SafeString]:
    """Each chart (name → its table and how to draw it) from the cache, or drawn and kept:
    one read of the cache for all of them, one write for those drawn."""
    keys = {name: _chart_key(name, table) for name, (table, _draw) in drawn.items()}
    found = cache.get_many(list(keys.values()))
    charts: dict[str, SafeString] = {}
    missing: dict[str, str] = {}
    for name, (_table, draw) in drawn.items():
        svg = found.get(keys[name])
        if svg is None:
            charts[name] = draw()
            missing[keys[name]] = str(charts[name])
        else:
            charts[name] = mark_safe(svg)  # noqa: S308 - drawn by render() above
    if missing:
        cache.set_many(missing, CHART_SECONDS)
    return charts


def commitments_charts(report: Report) -> dict[str, SafeString]:
    return cached_charts(_commitments_drawn(report))


def _commitments_drawn(report: Report) -> dict[str, tuple[Table, Callable[[], SafeString]]]:
    trend = report.tables["trend"]
    drawn: dict[str, tuple[Table, Callable[[], SafeString]]] = {
        f"trend_{m}": (trend, partial(attainment_trend, trend, m)) for m in MEASURES
    }
    backlog = report.tables["backlog"]
    drawn["backlog"] = (
        backlog,
        partial(
            bars,
            backlog,
            label_key="age",
            series=[
                ("open", _("Open")),
                ("unassigned", _("Unassigned")),
                ("waiting", _("Waiting")),
            ],
            y_title="tickets",
            width=520,
        ),
    )
    drawn["load"] = (
        report.tables["load"],
        partial(
            bars,
            report.tables["load"],
            label_key="consultant",
            series=[
                ("assigned", _("Assigned, not started")),
                ("in_progress", _("In progress")),
                ("waiting", _("Waiting")),
            ],
            stacked=True,
            horizontal=True,
            width=520,
        ),
    )
    for dimension in ("kind", "channel", "impact", "code_owner"):
        drawn[dimension] = (
            report.tables[dimension],
            partial(
                bars,
                report.tables[dimension],
                label_key="label",
                series=[("registered", _("Registered")), ("open", _("Open now"))],
                horizontal=True,
                width=520,
            ),
        )
    drawn["fairness"] = (
        report.tables["fairness"],
        partial(
            bars,
            report.tables["fairness"],
            label_key="label",
            series=[("median_wait_hours", _("Median")), ("p90_wait_hours", _("90th percentile"))],
            title=_("Wait to assignment by organisation size"),
            y_title="working hours",
        ),
    )
    return drawn


def billing_charts(report: Report) -> dict[str, SafeString]:
    return {
        "months": bars(
            report.tables["months"],
            label_key="month",
            label_format="%Y-%m",
            series=[
                ("billable_hours", _("Billable")),
                ("included_hours", _("Included")),
                ("free_hours", _("Free")),
            ],
            stacked=True,
            y_title="hours",
        ),
        "statements": bars(
            report.tables["statements"],
            label_key="month",
            label_format="%Y-%m",
            series=[
                ("drafted", _("Drafts")),
                ("issued", _("Issued")),
                ("credited", _("Credited")),
            ],
            y_title="statements",
        ),
    }


def service_charts(report: Report) -> dict[str, SafeString]:
    monthly = report.tables["monthly"]
    charts = {f"monthly_{m}": attainment_trend(monthly, m, label_every=2) for m in MEASURES}
    charts["status"] = bars(
        report.tables["status"],
        label_key="label",
        series=[("tickets", _("Tickets"))],
        horizontal=True,
        width=520,
    )
    charts["billed"] = bars(
        report.tables["billed"],
        label_key="month",
        label_format="%Y-%m",
        series=[
            ("billable_hours", _("Billed")),
            ("included_hours", _("Included")),
            ("free_hours", _("Free")),
        ],
        stacked=True,
        y_title="hours",
        width=520,
    )
    return charts
