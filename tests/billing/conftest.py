"""Billing fixtures: a business consultant who bills, and a clock in mid-2027."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.billing import actions
from supportdesk.billing.models import TimeEntry
from supportdesk.core import clock
from supportdesk.tickets.models import Channel, Ticket
from tests.factories import UserFactory

NOW = dt.datetime(2027, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _mid_2027():
    """Statements in these tests are for 2027; time is logged once it is done."""
    with clock.at(NOW):
        yield


@pytest.fixture
def biller(db):
    """A business consultant: drafts, issues and credits statements."""
    return UserFactory(
        email="bea@partner.example",
        name="Bea Billing",
        role="business_consultant",
        organisation=None,
    )


def ticket_of(requester, *, kind="configuration", code_owner="", subject="Posting fails"):
    """A ticket of the requester's organisation, as registered and classified by staff.

    Made directly: these tests are about what the time on it costs, and the ticket
    actions have their own tests.
    """
    return Ticket.objects.create(
        organisation=requester.organisation,
        requester=requester,
        channel=Channel.PORTAL,
        subject=subject,
        kind=kind,
        code_owner=code_owner,
    )


def log(ticket, consultant, minutes, day, description="Worked on it") -> TimeEntry:
    return actions.time_log(
        ticket=ticket, actor=consultant, minutes=minutes, description=description, date=day
    )
