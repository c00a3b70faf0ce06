"""Report pages and their exports: the desk's dashboards and each customer's service view.

A page costs a fixed number of queries whatever the number of tickets (the tables are
aggregated in the database); the exports rebuild the same report and write one table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify

from supportdesk.accounts.models import Organisation, User
from supportdesk.core import clock
from supportdesk.reports import charts, exports
from supportdesk.reports.access import organisation_for_report, require_staff
from supportdesk.reports.forms import MonthRange
from supportdesk.reports.satisfaction import add_service_satisfaction, satisfaction_report
from supportdesk.reports.tables import (
    Report,
    billing_report,
    commitments_report,
    service_report,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --- building a report for a request --------------------------------------------------


def _commitments(request: HttpRequest) -> tuple[Report, dict[str, Any]]:
    require_staff(_user(request))
    report = commitments_report(now=clock.now())
    return report, {}


def _commitments_page(request: HttpRequest) -> tuple[Report, dict[str, Any]]:
    """The dashboard and its charts, kept REPORTS_CACHE_SECONDS in the shared cache.

    The figures are read from the tables ``reports.figures`` keeps (hundreds of rows at a
    million tickets); every dispatcher opening the dashboard within the minute still gets
    the same snapshot (its "as of" time is shown), and "Refresh now" rebuilds it.
    """
    seconds = settings.REPORTS_CACHE_SECONDS
    key = f"reports:commitments:{translation.get_language()}"
    if seconds and request.GET.get("refresh") != "1":
        cached = cache.get(key)
        if cached is not None:
            require_staff(_user(request))
            return cached
    report, _extra = _commitments(request)
    page = (report, charts.commitments_charts(report))
    if seconds:
        cache.set(key, page, seconds)
    return page


def _billing(request: HttpRequest) -> tuple[Report, dict[str, Any]]:
    require_staff(_user(request))
    now = clock.now()
    form = MonthRange(request.GET or None, today=timezone.localdate(now))
    first, last = form.months()
    report = billing_report(first=first, last=last, now=now)
    return report, {"form": form}


def _service(request: HttpRequest) -> tuple[Report | None, dict[str, Any]]:
    user = _user(request)
    organisation = organisation_for_report(user, request.GET.get("organisation"))
    if organisation is None:
        return None, {}
    report = service_report(organisation=organisation, now=clock.now())
    add_service_satisfaction(report, organisation)
    return report, {"organisation": organisation}


def _satisfaction(request: HttpRequest) -> tuple[Report, dict[str, Any]]:
    require_staff(_user(request))
    return satisfaction_report(now=clock.now()), {}


BUILDERS: dict[str, Callable[[HttpRequest], tuple[Report | None, dict[str, Any]]]] = {
    "commitments": _commitments,
    "billing": _billing,
    "service": _service,
    "satisfaction": _satisfaction,
}


def _report(request: HttpRequest, key: str) -> tuple[Report | None, dict[str, Any]]:
    builder = BUILDERS.get(key)
    if builder is None:
        raise Http404("no such report")
    return builder(request)


def _export_query(request: HttpRequest) -> str:
    """The page's own parameters, carried to its export links."""
    keep = {k: v for k, v in request.GET.items() if k in {"start", "end", "organisation"}}
    return urlencode(keep)


def _page(
    request: HttpRequest, template: str, report: Report, report_charts: Any, **extra: Any
) -> HttpResponse:
    """A report page: the report, its charts, and the page's parameters for its exports."""
    context = {
        "report": report,
        "charts": report_charts,
        "export_query": _export_query(request),
        **extra,
    }
    return render(request, f"reports/{template}.html", context)


# --- pages ----------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if _user(request).is_support_staff:
        return redirect("reports:commitments")
    return redirect("reports:service")


@login_required
def commitments(request: HttpRequest) -> HttpResponse:
    report, report_charts = _commitments_page(request)
    return _page(
        request,
        "commitments",
        report,
        report_charts,
        cached_for=settings.REPORTS_CACHE_SECONDS,
    )


@login_required
def billing(request: HttpRequest) -> HttpResponse:
    report, extra = _billing(request)
    return _page(request, "billing", report, charts.billing_charts(report), **extra)


@login_required
def service(request: HttpRequest) -> HttpResponse:
    report, extra = _service(request)
    if report is None:
        # Staff choose the organisation whose view they want to see.
        organisations = Organisation.objects.order_by("name").only("pk", "name")
        return render(request, "reports/service_choose.html", {"organisations": organisations})
    return _page(request, "service", report, charts.service_charts(report), **extra)


@login_required
def satisfaction(request: HttpRequest) -> HttpResponse:
    report, _extra = _satisfaction(request)
    context = {"report": report, "export_query": ""}
    return render(request, "reports/satisfaction.html", context)


# --- exports --------------------------------------------------------------------------


def _filename(report: Report, table: str, extension: str) -> str:
    day = timezone.localdate(report.generated_at).isoformat()
    who = report.params.get("organisation")
    parts = [report.key, slugify(who) if who else "", table, day]
    return "-".join(p for p in parts if p) + "." + extension


@login_required
def export_table(request: HttpRequest, report: str, table: str, fmt: str) -> HttpResponse:
    built, _extra = _report(request, report)
    if built is None or table not in built.tables:
        raise Http404("no such table")
    chosen = built.tables[table]
    if fmt == "csv":
        response = HttpResponse(exports.table_csv(chosen), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.tables_xlsx([chosen], title=f"{built.title}: {chosen.title}"),
            content_type=exports.XLSX_TYPE,
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(built, table, fmt)}"'
    return response


@login_required
def export_workbook(request: HttpRequest, report: str) -> HttpResponse:
    built, _extra = _report(request, report)
    if built is None:
        raise Http404("no such report")
    response = HttpResponse(exports.report_xlsx(built), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(built, "all", "xlsx")}"'
    return response
