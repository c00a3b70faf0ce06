"""A constructed dataset whose report figures are worked out by hand (tests/reports/*).

The figures are taken at NOW, Wednesday 10 March 2027 12:00 (Stockholm). Weekdays are
working days of 9 hours (08:00–17:00, 540 minutes); no holiday falls in the dates used.
For a ticket registered at 10:00 on a weekday: assignment is due 2 working days later at
10:00, same-day at 17:00 that day, resolution 10 working days later at 10:00.

Tickets are made directly with their timestamps, and their stored clock columns are
computed by the clocks' own function: these tests are about the reports' aggregation;
the clocks and actions have their own tests.

    #   org  registered          assigned (min)       started      resolved (min)           A S R
    T1  A    Mon  1 Feb 10:00    10:30 (30)           11:00        Wed 3 Feb 10:00 (1080)   + + +  closed
    T2  A    Tue  2 Feb 10:00    Fri 5 Feb 10:00      10:30        Wed 24 Feb 10:00 (8640)  - - -  resolved
                                 (1620, due Thu 4)                 (due Tue 16 Feb)
    T3  B    Mon  1 Mar 10:00    11:00 (60)           11:30        — due Mon 15 Mar         + + ·  in progress, production down
    T4  B    Tue  2 Mar 10:00    — due Thu 4 Mar      —            — due Tue 16 Mar         - - ·  new
    T5  A    Mon  8 Mar 09:00    16:00 (420)          Tue 9 09:00  — due Mon 22 Mar         + - ·  waiting on the customer
    T6  A    Wed 10 Mar 08:30    — due Fri 12 Mar     —            — due Wed 24 Mar         · · ·  new
    T7  B    Mon 15 Feb 10:00    10:20 (20)           10:40        — due Mon 1 Mar, past    + + -  in progress
    T8  B    Tue  1 Dec 2026 10  10:05 (5)            10:10        Wed 2 Dec 10:00 (540)    + + +  closed

    + met, - missed, · pending. T2 resolved after 16 working days: 16 × 540 = 8640.

    kind / channel / impact / code owner:
    T1 how_to/portal  T2 bug(partner)/email  T3 configuration/phone/production down
    T4 bug(odoo_enterprise)/email  T5 how_to/portal  T6 configuration/portal
    T7 configuration/phone  T8 infrastructure/email
    Assignees: T1, T3, T7, T8 Carl (consultant); T2, T5 Cecilia (other_consultant).

Billing (organisation A has a Maintenance and Support Agreement from 2026-01-01, B none;
the default rate, 1200.00 SEK an hour):

    T8 (B, infrastructure)  15 min on 2026-12-02   free
    T1 (A, how_to)          45 min on 2027-02-02   included (agreement)
    T2 (A, bug, partner)    60 min on 2027-02-20   free
    T7 (B, configuration)   90 min on 2027-02-16   charged: 90 min, 1800.00
    T3 (B, configuration)   20 min on 2027-03-02   charged, on no statement yet
    T6 (A, configuration)   12 min on 2027-03-10   charged: 30 min minimum, 600.00

    Statements: B 2026-12 issued; A 2027-02 issued; B 2027-02 issued, then credited (a
    credit statement), then drafted again; A 2027-03 drafted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from supportdesk.billing import actions as billing
from supportdesk.billing.models import Statement
from supportdesk.commitments.clocks import recompute_clocks
from supportdesk.core import clock
from supportdesk.tickets.models import Channel, Ticket
from tests.commitments.helpers import local
from tests.factories import UserFactory

NOW = local(2027, 3, 10, 12, 0)


def make_ticket(
    requester: Any,
    registered: dt.datetime,
    *,
    kind: str,
    channel: str,
    status: str,
    assigned: dt.datetime | None = None,
    started: dt.datetime | None = None,
    resolved: dt.datetime | None = None,
    assignee: Any = None,
    impact: str = "",
    code_owner: str = "",
    save: bool = True,
) -> Ticket:
    """A ticket with these timestamps and the clock columns the clocks compute from them."""
    ticket = Ticket(
        organisation=requester.organisation,
        requester=requester,
        channel=channel,
        subject=f"Registered {registered:%Y-%m-%d %H:%M}",
        kind=kind,
        impact=impact,
        impact_review="confirmed" if impact else "",
        queue_rank=0 if impact else 1,
        code_owner=code_owner,
        status=status,
        assignee=assignee,
        registered_at=registered,
        assigned_at=assigned,
        started_at=started,
        resolved_at=resolved,
        closed_at=resolved + dt.timedelta(hours=2) if resolved and status == "closed" else None,
        updated_at=resolved or started or registered,
    )
    recompute_clocks(ticket, events=[])
    if save:
        ticket.save()
    return ticket


def tickets_for(
    requester: Any, n: int, consultant: Any, *, offset: int = 0, now: dt.datetime = NOW
) -> list[Ticket]:
    """``n`` tickets of the requester's organisation over the year before ``now`` — three
    of them in the last hours — in office hours, most resolved; saved in one query."""
    tz = timezone.get_default_timezone()
    rows = []
    for i in range(n):
        if i < 3:
            registered = now - dt.timedelta(hours=3 + i)
        else:
            day = timezone.localtime(now - dt.timedelta(days=(7 * i + offset) % 360), tz)
            registered = day.replace(hour=8 + (5 * i) % 8, minute=(17 * i) % 60)
        worked = i % 7 != 3
        assigned = registered + dt.timedelta(minutes=5 + (37 * i) % 600) if worked else None
        resolved = registered + dt.timedelta(days=(3 * i) % 19, hours=2) if i % 5 else None
        if assigned is None or assigned >= now:
            assigned = resolved = None
        if resolved is not None and resolved >= now:
            resolved = None
        status = "closed" if resolved else ("in_progress" if assigned else "new")
        rows.append(
            make_ticket(
                requester,
                registered,
                kind=["how_to", "bug", "configuration", "infrastructure"][i % 4],
                channel=["portal", "email", "phone", "portal", "api"][i % 5],
                status=status,
                assigned=assigned,
                started=min(assigned + dt.timedelta(minutes=15), now) if assigned else None,
                resolved=resolved,
                assignee=consultant if assigned else None,
                impact="production_down" if i % 23 == 5 else "",
                code_owner=["odoo_community", "partner", "customer"][i % 3] if i % 4 == 1 else "",
                save=False,
            )
        )
    return Ticket.objects.bulk_create(rows)


@pytest.fixture
def cecilia(other_consultant):
    return other_consultant


@pytest.fixture
def tickets(alice, bob, consultant, cecilia) -> dict[str, Ticket]:
    carl = consultant
    t: dict[str, Ticket] = {}
    t["T1"] = make_ticket(
        alice,
        local(2027, 2, 1, 10),
        kind="how_to",
        channel=Channel.PORTAL,
        status="closed",
        assigned=local(2027, 2, 1, 10, 30),
        started=local(2027, 2, 1, 11),
        resolved=local(2027, 2, 3, 10),
        assignee=carl,
    )
    t["T2"] = make_ticket(
        alice,
        local(2027, 2, 2, 10),
        kind="bug",
        code_owner="partner",
        channel=Channel.EMAIL,
        status="resolved",
        assigned=local(2027, 2, 5, 10),
        started=local(2027, 2, 5, 10, 30),
        resolved=local(2027, 2, 24, 10),
        assignee=cecilia,
    )
    t["T3"] = make_ticket(
        bob,
        local(2027, 3, 1, 10),
        kind="configuration",
        channel=Channel.PHONE,
        status="in_progress",
        impact="production_down",
        assigned=local(2027, 3, 1, 11),
        started=local(2027, 3, 1, 11, 30),
        assignee=carl,
    )
    t["T4"] = make_ticket(
        bob,
        local(2027, 3, 2, 10),
        kind="bug",
        code_owner="odoo_enterprise",
        channel=Channel.EMAIL,
        status="new",
    )
    t["T5"] = make_ticket(
        alice,
        local(2027, 3, 8, 9),
        kind="how_to",
        channel=Channel.PORTAL,
        status="waiting_customer",
        assigned=local(2027, 3, 8, 16),
        started=local(2027, 3, 9, 9),
        assignee=cecilia,
    )
    t["T6"] = make_ticket(
        alice,
        local(2027, 3, 10, 8, 30),
        kind="configuration",
        channel=Channel.PORTAL,
        status="new",
    )
    t["T7"] = make_ticket(
        bob,
        local(2027, 2, 15, 10),
        kind="configuration",
        channel=Channel.PHONE,
        status="in_progress",
        assigned=local(2027, 2, 15, 10, 20),
        started=local(2027, 2, 15, 10, 40),
        assignee=carl,
    )
    t["T8"] = make_ticket(
        bob,
        local(2026, 12, 1, 10),
        kind="infrastructure",
        channel=Channel.EMAIL,
        status="closed",
        assigned=local(2026, 12, 1, 10, 5),
        started=local(2026, 12, 1, 10, 10),
        resolved=local(2026, 12, 2, 10),
        assignee=carl,
    )
    return t


@pytest.fixture
def biller(db):
    return UserFactory(
        email="bea@partner.example",
        name="Bea Billing",
        role="business_consultant",
        organisation=None,
    )


@pytest.fixture
def statements(tickets, org_a, org_b, consultant, biller) -> dict[str, Statement]:
    org_a.agreements.create(valid_from=dt.date(2026, 1, 1))
    s: dict[str, Statement] = {}
    with clock.at(NOW):

        def log(name: str, minutes: int, day: dt.date) -> None:
            billing.time_log(
                ticket=tickets[name],
                actor=consultant,
                minutes=minutes,
                description="Worked on it",
                date=day,
            )

        def draft(org: Any, month: dt.date) -> Statement:
            statement = billing.statement_draft(organisation=org, month=month, actor=biller)
            assert statement is not None
            return statement

        log("T8", 15, dt.date(2026, 12, 2))
        log("T1", 45, dt.date(2027, 2, 2))
        log("T2", 60, dt.date(2027, 2, 20))
        log("T7", 90, dt.date(2027, 2, 16))
        log("T3", 20, dt.date(2027, 3, 2))
        log("T6", 12, dt.date(2027, 3, 10))
        s["b_dec"] = billing.statement_issue(
            statement=draft(org_b, dt.date(2026, 12, 1)), actor=biller
        )
        s["a_feb"] = billing.statement_issue(
            statement=draft(org_a, dt.date(2027, 2, 1)), actor=biller
        )
        s["b_feb_first"] = billing.statement_issue(
            statement=draft(org_b, dt.date(2027, 2, 1)), actor=biller
        )
        s["b_feb_credit"] = billing.statement_credit(
            statement=s["b_feb_first"], actor=biller, reason="Wrong month"
        )
        s["b_feb"] = draft(org_b, dt.date(2027, 2, 1))
        s["a_mar"] = draft(org_a, dt.date(2027, 3, 1))
    return s


@pytest.fixture
def dataset(tickets, statements):
    """Everything above, and the clock at NOW for the test; the dashboard's kept figures
    built at NOW (``reports.figures``), so the dashboard reads them."""
    from supportdesk.reports.figures import rebuild

    rebuild(now=NOW)
    with clock.at(NOW):
        yield tickets
