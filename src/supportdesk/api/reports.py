"""``GET /api/v1/reports/…``: the reports' tables as JSON, the same figures as the pages.

``commitments`` and ``billing`` are for staff (404 for anyone else); ``service`` is the
caller's own organisation's report (staff name one with ``organisation_id``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from supportdesk.accounts.http import request_user
from supportdesk.api.schemas import ErrorOut
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.core.schemas import CleanSchema, Code, Id
from supportdesk.reports.access import organisation_for_report, require_staff
from supportdesk.reports.forms import MonthRange
from supportdesk.reports.tables import billing_report, commitments_report, service_report

router = Router(tags=["reports"])


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class TableOut(Schema):
    title: str
    caption: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


class ReportOut(Schema):
    report: str
    title: str
    generated_at: str
    params: dict[str, Any]
    facts: dict[str, Any]
    tables: dict[str, TableOut]


class MonthsIn(CleanSchema):
    start: Code | None = None
    end: Code | None = None


class OrganisationIn(CleanSchema):
    organisation_id: Id | None = None


ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@router.get("/commitments", response={200: ReportOut, **ERRORS})
def commitments(request: HttpRequest) -> dict[str, Any]:
    """The commitments dashboard (R3, R4, R5): attainment this week, month and quarter;
    weekly trend; tickets at risk; backlog by age; load; tickets by kind, channel, impact
    and code owner; wait to assignment by organisation size. Staff only."""
    require_staff(request_user(request))
    return commitments_report(now=clock.now()).as_json()


@router.get("/billing", response={200: ReportOut, **ERRORS})
def billing(request: HttpRequest, months: Query[MonthsIn]) -> dict[str, Any]:
    """Billable, included and free hours per organisation and month, and statements
    drafted, issued and credited (R6). ``start``/``end`` are months like ``2027-03``
    (default: the last 12 months). Staff only."""
    require_staff(request_user(request))
    now = clock.now()
    form = MonthRange(
        {"start": months.start or "", "end": months.end or ""}, today=timezone.localdate(now)
    )
    if not form.is_valid():
        raise InvalidInput(*form.first_error())
    first, last = form.months()
    return billing_report(first=first, last=last, now=now).as_json()


@router.get("/service", response={200: ReportOut, **ERRORS})
def service(request: HttpRequest, params: Query[OrganisationIn]) -> dict[str, Any]:
    """How an organisation was served: its attainment, its tickets by status, its billed
    hours per month. Customers get their own organisation's; staff name one."""
    user = request_user(request)
    organisation = organisation_for_report(user, params.organisation_id)
    if organisation is None:
        raise InvalidInput("organisation_id", _("is required for staff: name the organisation"))
    return service_report(organisation=organisation, now=clock.now()).as_json()
