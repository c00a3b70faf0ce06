"""A report page costs the same number of queries at any size (all aggregation in the
database), and first come, first served is measured by organisation size band."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportdesk.accounts.models import Organisation
from supportdesk.billing.models import Charge, Statement, StatementLine
from supportdesk.commitments.clocks import current_calendar
from supportdesk.core import clock
from supportdesk.reports.selectors import SIZE_BANDS, fairness
from supportdesk.reports.tables import commitments_report
from supportdesk.tickets.models import Ticket
from tests.commitments.helpers import local
from tests.factories import UserFactory
from tests.reports.conftest import NOW, make_ticket, tickets_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]


def grow(n_orgs: int, per_org: int, consultant, *, viewer) -> None:
    """``n_orgs`` more organisations with ``per_org`` tickets each and a draft statement
    each; the viewer's organisation gets ``per_org`` more tickets too."""
    tickets_for(viewer, per_org, consultant)
    for k in range(n_orgs):
        org = Organisation.objects.create(name=f"Grown {k} AB")
        tickets = tickets_for(UserFactory(organisation=org), per_org, consultant, offset=k)
        statement = Statement.objects.create(
            organisation=org,
            month=dt.date(2027, 2, 1),
            hourly_rate=Decimal("1200.00"),
            vat_percent=Decimal("25.00"),
        )
        StatementLine.objects.create(
            statement=statement,
            position=1,
            type=StatementLine.Type.ENTRY,
            ticket=tickets[0],
            raw_minutes=60,
            billed_minutes=60,
            charge=Charge.CHARGED,
            reason_data={"type": "rule", "charge": "charged", "kind": "configuration", "owner": ""},
            amount=Decimal("1200.00"),
        )


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


PAGES = [
    ("dispatcher", "reports:commitments", {}),
    ("dispatcher", "reports:billing", {"start": "2026-12", "end": "2027-03"}),
    ("alice", "reports:service", {}),
    ("dispatcher", "reports:export_workbook", {}),
]


@pytest.mark.parametrize(("who", "name", "params"), PAGES)
def test_a_page_costs_the_same_queries_at_two_sizes(
    client, django_assert_num_queries, dataset, consultant, request, who, name, params
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = reverse(name, args=["commitments"]) if name.endswith("workbook") else reverse(name)
    current_calendar()  # the calendar is cached per process: load it before counting
    # A ticket resolved this week, so every median of the three periods is computed.
    make_ticket(
        user if who == "alice" else UserFactory(organisation=dataset["T1"].organisation),
        local(2027, 3, 10, 9), kind="how_to", channel="portal", status="closed",
        assigned=local(2027, 3, 10, 9, 5), started=local(2027, 3, 10, 9, 6),
        resolved=local(2027, 3, 10, 9, 30), assignee=consultant,
    )  # fmt: skip
    client.get(url, params)  # the first request after log-in writes the session
    small = _count(client, url, params)
    grow(30, 12, consultant, viewer=request.getfixturevalue("alice"))
    assert Ticket.objects.count() > 300
    with django_assert_num_queries(small):
        client.get(url, params)


def test_the_commitments_report_is_a_fixed_number_of_queries(dataset, consultant):
    current_calendar()
    with CaptureQueriesContext(connection) as queries:
        commitments_report(now=NOW)
    # Read from the kept figures (the dataset builds them): state 1, days 1, histograms 1,
    # at risk 2, backlog 1, load 2, breakdowns 1, fairness 1.
    assert len(queries) == 10


def _bulk(org_name: str, minutes: list[int | None], requester_of) -> None:
    org = Organisation.objects.create(name=org_name)
    requester = requester_of(org)
    rows = []
    for i, wait in enumerate(minutes):
        registered = local(2027, 3, 1, 10) - dt.timedelta(days=2 * i)  # within the window
        ticket = make_ticket(
            requester, registered, kind="how_to", channel="portal", status="new", save=False
        )
        ticket.assignment_minutes = wait  # the working minutes the bands are measured on
        ticket.assigned_at = registered if wait is not None else None
        rows.append(ticket)
    Ticket.objects.bulk_create(rows)


def test_fairness_bands_medians_and_no_advantage_for_large_customers(db):
    def requester_of(org):
        return UserFactory(organisation=org)

    # Large: 120 tickets, 60 waited 60 min and 60 waited 120: the 60th and 61st are 60
    # and 120, median 90 min = 1.5 h; 90th percentile: rank ceil(108) = 120 min = 2 h.
    _bulk("Large AB", [60] * 60 + [120] * 60, requester_of)
    # Medium: 12 tickets waiting 10, 20, … 120 min: median (60 + 70) / 2 = 65 min = 1.08 h;
    # 90th percentile: rank ceil(10.8) = 11th = 110 min = 1.83 h.
    _bulk("Medium AB", [10 * k for k in range(1, 13)], requester_of)
    # Small: 30 and 50 min, and one not assigned: median 40 min = 0.67 h; rank 2 = 50 min.
    _bulk("Small AB", [30, 50, None], requester_of)
    with clock.at(NOW):
        result = fairness(dt.date(2026, 3, 16), dt.date(2027, 3, 10), now=NOW)
    got = {
        r["band"]: (
            r["organisations"],
            r["tickets"],
            r["assigned"],
            r["median_wait_hours"],
            r["p90_wait_hours"],
        )
        for r in result["bands"]
    }
    assert got == {
        "small": (1, 3, 2, 0.67, 0.83),
        "medium": (1, 12, 12, 1.08, 1.83),
        "large": (1, 120, 120, 1.5, 2.0),
    }
    # Large customers waited longer at the median than the others: no advantage.
    assert result["large_advantage"] is False
    assert [b.key for b in SIZE_BANDS] == ["small", "medium", "large"]


def test_a_large_customer_served_faster_is_flagged(db):
    def requester_of(org):
        return UserFactory(organisation=org)

    _bulk("Large AB", [10] * 120, requester_of)  # median 10 min
    _bulk("Small AB", [60, 60], requester_of)  # median 60 min: large waited far less
    with clock.at(NOW):
        result = fairness(dt.date(2026, 3, 16), dt.date(2027, 3, 10), now=NOW)
    assert result["large_advantage"] is True
