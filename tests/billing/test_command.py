"""``supportdesk billing close`` and ``supportdesk billing explain``."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from supportdesk.billing import actions
from supportdesk.billing.models import Statement
from supportdesk.tickets.models import Kind
from tests.billing.conftest import log, ticket_of


def run(*args: str) -> str:
    out = StringIO()
    call_command("billing", *args, stdout=out)
    return out.getvalue()


def test_close_drafts_the_month_for_every_organisation(alice, bob, consultant, org_a, org_b):
    log(ticket_of(alice), consultant, 45, dt.date(2027, 3, 3))
    log(ticket_of(bob), consultant, 10, dt.date(2027, 3, 4))
    log(ticket_of(bob), consultant, 10, dt.date(2027, 4, 4))  # April: not in March
    output = run("close", "--month", "2027-03")
    assert "Alpha AB: draft 2027-03, 1 lines, 45 min billed, 1125.00 SEK incl. VAT" in output
    assert "Beta AB: draft 2027-03, 2 lines, 30 min billed, 750.00 SEK incl. VAT" in output
    assert "2 draft statement(s) for 2027-03." in output
    assert Statement.objects.filter(status="draft").count() == 2


def test_close_refuses_a_malformed_month():
    with pytest.raises(CommandError, match="is not a month like 2027-03"):
        run("close", "--month", "2027-13")


def test_issue_issues_the_drafts(alice, consultant, org_a):
    log(ticket_of(alice), consultant, 45, dt.date(2027, 3, 3))
    run("close", "--month", "2027-03")
    assert "Alpha AB: issued 2027-0001" in run("issue", "--month", "2027-03")


def test_explain_prints_each_entry_its_reason_and_the_minimum(alice, consultant, biller, org_a):
    ticket = ticket_of(alice, kind=Kind.CONFIGURATION, subject="Payment terms")
    log(ticket, consultant, 12, dt.date(2027, 3, 3), "Changed the payment terms")
    draft = actions.statement_draft(organisation=org_a, month=dt.date(2027, 3, 1), actor=biller)
    actions.statement_issue(statement=draft, actor=biller)
    log(ticket, consultant, 25, dt.date(2027, 4, 2), "Adjusted the terms again")
    output = run("explain", ticket.number)
    assert f"{ticket.number} Payment terms" in output
    assert "charged — configuration change  [statement 2027-0001]" in output
    assert "charged — configuration change  [not billed yet]" in output
    assert "Logged 37 min, of which 37 min chargeable. Billed in total: 37 min" in output
    assert "statement 2027-0001 (2027-03): 30 min" in output
    assert "Billed on issued statements: 30 min; still to bill: 7 min." in output


def test_explain_refuses_an_unknown_ticket(db):
    with pytest.raises(CommandError, match="no ticket numbered 'SD-99999'"):
        run("explain", "SD-99999")
