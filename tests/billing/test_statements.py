"""Statements: the minimum charge across months, rounding, corrections, issue and credit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from supportdesk.billing import actions
from supportdesk.billing.models import BillingProfile, Statement, StatementLine
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.tickets.models import Kind
from tests.billing.conftest import log, ticket_of

MARCH, APRIL, MAY = dt.date(2027, 3, 1), dt.date(2027, 4, 1), dt.date(2027, 5, 1)


def draft_and_issue(org, month, biller):
    statement = actions.statement_draft(organisation=org, month=month, actor=biller)
    assert statement is not None
    return actions.statement_issue(statement=statement, actor=biller)


def billed_of(statement, ticket):
    return sum(line.billed_minutes for line in statement.lines.filter(ticket=ticket))


# March entries, April entries, rounding increment → minutes billed in March, in April.
ACROSS_MONTHS = [
    ([12], [20], 0, 30, 2),  # 30 min minimum, then the 2 minutes above it
    ([12], [5], 0, 30, 0),  # still within the minimum already billed
    ([45], [10], 0, 45, 10),  # above the minimum from the start
    ([10, 10], [], 0, 30, None),  # two entries make one ticket's minimum
    ([], [12], 0, None, 30),  # the minimum is billed when chargeable time first appears
    ([12], [20], 15, 30, 15),  # 32 min → rounded to 45 min: 15 more
    ([12], [], 60, 60, None),  # the minimum rounded up to the hour
    ([50], [25], 30, 60, 30),  # 75 min → 90 min
]


@pytest.mark.parametrize(
    ("march", "april", "increment", "billed_march", "billed_april"), ACROSS_MONTHS
)
def test_the_thirty_minute_minimum_is_per_ticket_across_months(
    march, april, increment, billed_march, billed_april, alice, consultant, biller, org_a
):
    BillingProfile.objects.create(organisation=org_a, rounding_minutes=increment)
    ticket = ticket_of(alice, kind=Kind.CONFIGURATION)
    for minutes in march:
        log(ticket, consultant, minutes, dt.date(2027, 3, 20))
    if billed_march is None:
        assert actions.statement_draft(organisation=org_a, month=MARCH, actor=biller) is None
    else:
        assert billed_of(draft_and_issue(org_a, MARCH, biller), ticket) == billed_march
    for minutes in april:
        log(ticket, consultant, minutes, dt.date(2027, 4, 3))
    if billed_april is None:
        assert actions.statement_draft(organisation=org_a, month=APRIL, actor=biller) is None
    else:
        assert billed_of(draft_and_issue(org_a, APRIL, biller), ticket) == billed_april
    # Whatever the split, the ticket ends up billed by the rule on its whole time.
    total_logged = sum(march) + sum(april)
    expected_total = max(30, total_logged)
    if increment:
        expected_total = -(-expected_total // increment) * increment
    billed = StatementLine.objects.filter(ticket=ticket, statement__status="issued")
    assert sum(line.billed_minutes for line in billed) == expected_total


def test_minimum_charge_lines_explain_themselves(alice, consultant, biller, org_a):
    ticket = ticket_of(alice, kind=Kind.CONFIGURATION)
    log(ticket, consultant, 12, dt.date(2027, 3, 20))
    march = draft_and_issue(org_a, MARCH, biller)
    assert [line.reason for line in march.lines.all()] == [
        "charged — configuration change",
        "minimum charge: 30 min applied (12 min logged)",
    ]
    log(ticket, consultant, 20, dt.date(2027, 4, 3))
    april = draft_and_issue(org_a, APRIL, biller)
    assert [(line.billed_minutes, line.reason) for line in april.lines.all()] == [
        (20, "charged — configuration change"),
        (-18, "minimum charge: covered (32 min logged; 30 min billed before)"),
    ]


def test_issued_reasons_read_in_the_viewers_language(alice, consultant, biller, org_a):
    ticket = ticket_of(alice, kind=Kind.CONFIGURATION)
    log(ticket, consultant, 12, dt.date(2027, 3, 20))
    march = draft_and_issue(org_a, MARCH, biller)
    credit = actions.statement_credit(statement=march, actor=biller, reason="Wrong month")
    with translation.override("sv"):
        assert [line.reason for line in march.lines.all()] == [
            "debiteras — konfigurationsändring",
            "minimidebitering: 30 min tillämpas (12 min loggade)",
        ]
        assert credit.lines.first().reason == (
            "kreditering av 2027-0001: debiteras — konfigurationsändring"
        )
    # Stored as data, not as words in either language.
    stored = StatementLine.objects.filter(statement=march).values_list("reason_data", flat=True)
    assert {
        "type": "minimum",
        "logged": 12,
        "before": 0,
        "total": 30,
        "increment": 0,
        "minimum": 30,
    } in list(stored)


def test_free_time_never_triggers_the_minimum(alice, consultant, biller, org_a):
    ticket = ticket_of(alice, kind=Kind.INFRASTRUCTURE)
    log(ticket, consultant, 12, dt.date(2027, 3, 20))
    statement = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    [line] = statement.lines.all()
    assert (line.billed_minutes, line.amount, statement.gross) == (0, 0, 0)


def test_amounts_use_the_rate_and_show_vat(alice, consultant, biller, org_a):
    BillingProfile.objects.create(organisation=org_a, hourly_rate=Decimal("1000.00"))
    ticket = ticket_of(alice, kind=Kind.CONFIGURATION)
    log(ticket, consultant, 90, dt.date(2027, 3, 20))
    statement = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    assert (statement.billed_minutes, statement.net, statement.vat, statement.gross) == (
        90,
        Decimal("1500.00"),
        Decimal("375.00"),
        Decimal("1875.00"),
    )
    assert statement.currency == "SEK" and statement.vat_percent == Decimal("25.00")


def test_default_rate_applies_without_a_profile(alice, consultant, biller, org_a, settings):
    settings.BILLING_HOURLY_RATE = Decimal("1300.00")
    ticket = ticket_of(alice, kind=Kind.CONFIGURATION)
    log(ticket, consultant, 60, dt.date(2027, 3, 20))
    statement = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    assert statement.net == Decimal("1300.00")


def test_statements_are_numbered_per_year(alice, consultant, biller, org_a, org_b, bob):
    for requester, org in ((alice, org_a), (bob, org_b)):
        log(ticket_of(requester), consultant, 40, dt.date(2027, 3, 2))
        draft_and_issue(org, MARCH, biller)
    assert sorted(Statement.objects.values_list("number", flat=True)) == ["2027-0001", "2027-0002"]


def test_month_picks_up_late_entries_but_not_later_months(alice, consultant, biller, org_a):
    ticket = ticket_of(alice)
    log(ticket, consultant, 40, dt.date(2027, 2, 27))  # February was never closed
    log(ticket, consultant, 40, dt.date(2027, 3, 31))
    log(ticket, consultant, 40, dt.date(2027, 4, 1))
    statement = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    assert [line.date for line in statement.lines.all()] == [
        dt.date(2027, 2, 27),
        dt.date(2027, 3, 31),
    ]


# --- issued statements are immutable --------------------------------------------------


@pytest.fixture
def issued(alice, consultant, biller, org_a):
    ticket = ticket_of(alice)
    log(ticket, consultant, 45, dt.date(2027, 3, 10))
    return draft_and_issue(org_a, MARCH, biller)


def test_an_issued_statement_refuses_changes_with_a_reason(issued):
    issued.note = "changed"
    with pytest.raises(
        IllegalTransition, match="2027-0001 is issued: an issued statement is never changed"
    ):
        issued.save()
    with pytest.raises(IllegalTransition, match="credit it"):
        issued.delete()
    line = issued.lines.first()
    line.billed_minutes = 1
    with pytest.raises(IllegalTransition, match="its lines are never changed"):
        line.save()
    with pytest.raises(IllegalTransition):
        line.delete()
    issued.refresh_from_db()
    assert issued.note == "" and issued.lines.first().billed_minutes == 45


def test_an_entry_on_an_issued_statement_is_locked(issued, consultant):
    entry = issued.lines.get(type="entry").entry
    with pytest.raises(IllegalTransition, match="on issued statement 2027-0001: it is locked"):
        actions.time_override(entry=entry, actor=consultant, charge="free", reason="goodwill")
    entry.refresh_from_db()
    assert entry.override == ""


def test_issuing_twice_or_drafting_an_issued_month_is_refused(issued, biller, org_a):
    with pytest.raises(IllegalTransition, match="is issued"):
        actions.statement_issue(statement=issued, actor=biller)
    with pytest.raises(IllegalTransition, match="credit it before drafting the month again"):
        actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)


def test_a_draft_out_of_date_is_not_issued(alice, consultant, biller, org_a):
    ticket = ticket_of(alice)
    log(ticket, consultant, 45, dt.date(2027, 3, 10))
    draft = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    log(ticket, consultant, 15, dt.date(2027, 3, 11))
    with pytest.raises(IllegalTransition, match="out of date"):
        actions.statement_issue(statement=draft, actor=biller)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number is None
    draft = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    assert actions.statement_issue(statement=draft, actor=biller).billed_minutes == 60


# --- corrections and credits ----------------------------------------------------------

# Entry minutes, minutes taken back → billed on the next statement, and its reason.
CORRECTIONS = [
    (45, 10, -10, "correction of the 2027-03-10 entry: charged — configuration change"),
    # 25 min left is below the minimum: 30 min stay billed, so 15 min come back.
    (45, 20, -15, "minimum charge: 30 min applied (25 min logged; 45 min billed before)"),
    (
        12,
        12,
        -30,
        "minimum charge: withdrawn, no chargeable time left (0 min logged; 30 min billed before)",
    ),
]


@pytest.mark.parametrize(("minutes", "taken", "billed", "reason"), CORRECTIONS)
def test_a_correction_is_a_credit_line_on_the_next_statement(
    minutes, taken, billed, reason, alice, consultant, biller, org_a
):
    ticket = ticket_of(alice)
    entry = log(ticket, consultant, minutes, dt.date(2027, 3, 10))
    draft_and_issue(org_a, MARCH, biller)
    correction = actions.time_correct(
        entry=entry, actor=consultant, minutes=taken, reason="logged twice"
    )
    assert correction.date == dt.date(2027, 6, 15)  # dated the day it is made
    june = draft_and_issue(org_a, dt.date(2027, 6, 1), biller)
    assert june.billed_minutes == billed
    assert reason in [line.reason for line in june.lines.all()]
    assert june.net < 0


def test_corrections_cannot_take_back_more_than_was_logged(alice, consultant):
    entry = log(ticket_of(alice), consultant, 30, dt.date(2027, 3, 10))
    actions.time_correct(entry=entry, actor=consultant, minutes=20, reason="too much")
    with pytest.raises(InvalidInput, match="at most 10"):
        actions.time_correct(entry=entry, actor=consultant, minutes=11, reason="too much")


def test_crediting_nets_to_zero_and_releases_the_time(issued, biller, org_a):
    credit = actions.statement_credit(statement=issued, actor=biller, reason="wrong rate")
    issued.refresh_from_db()
    assert issued.status == "credited" and credit.credits == issued
    assert credit.number == "2027-0002" and credit.type == "credit" and credit.status == "issued"
    assert issued.gross + credit.gross == 0
    assert sum(line.amount for line in credit.lines.all()) == -issued.net
    assert credit.lines.first().reason == "credit of 2027-0001: charged — configuration change"
    # The credited time is billed again on a new statement for the month.
    again = draft_and_issue(org_a, MARCH, biller)
    assert (again.number, again.billed_minutes) == ("2027-0003", 45)
    with pytest.raises(IllegalTransition, match="only an issued statement can be credited"):
        actions.statement_credit(statement=issued, actor=biller, reason="again")
    with pytest.raises(IllegalTransition, match="credit statement: it is final"):
        actions.statement_credit(statement=credit, actor=biller, reason="again")


# --- who may do what ------------------------------------------------------------------


def test_only_billing_staff_draft_issue_and_credit(issued, consultant, alice, org_a):
    for actor in (consultant, alice):
        with pytest.raises(PermissionDenied):
            actions.statement_draft(organisation=org_a, month=APRIL, actor=actor)
        with pytest.raises(PermissionDenied):
            actions.statement_credit(statement=issued, actor=actor, reason="no")


def test_close_month_drafts_every_organisation_with_time(
    alice, bob, consultant, biller, org_a, org_b
):
    log(ticket_of(alice), consultant, 40, dt.date(2027, 3, 2))
    log(ticket_of(bob, kind=Kind.LICENCE), consultant, 40, dt.date(2027, 3, 2))
    drafted = actions.close_month(month=MARCH, actor=biller)
    assert [(s.organisation, s.status, s.gross) for s in drafted] == [
        (org_a, "draft", Decimal("1000.00")),
        (org_b, "draft", Decimal("0.00")),
    ]
    # Closing again refreshes the drafts instead of adding statements.
    assert len(actions.close_month(month=MARCH, actor=biller)) == 2
    assert Statement.objects.count() == 2
