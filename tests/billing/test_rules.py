"""Every charging rule, table-driven: by kind, by code owner, by agreement date, overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.billing import actions
from supportdesk.billing.models import Charge
from supportdesk.billing.rules import RULES, agreement_on, decide
from supportdesk.billing.selectors import entries_for_ticket
from supportdesk.tickets.models import CodeOwner, Kind
from tests.billing.conftest import log, ticket_of
from tests.factories import AgreementFactory

DAY = dt.date(2027, 3, 14)

# kind, code owner, charge, reason: one row per row of the policy.
BY_KIND = [
    (Kind.INFRASTRUCTURE, "", "free", "free — server infrastructure question"),
    (Kind.SERVICE_DELIVERY, "", "free", "free — question about the delivery of the service"),
    (Kind.LICENCE, "", "free", "free — Odoo licence question"),
    (Kind.SERVER_RESOURCES, "", "free", "free — provision of additional server resources"),
    (Kind.CONFIGURATION, "", "charged", "charged — configuration change"),
    (Kind.BUG_FIX, "", "charged", "charged — applying or installing a bug fix"),
    (Kind.REGISTER_BUG, "", "charged", "charged — registering a bug with Odoo"),
    (Kind.DEPLOYMENT, "", "charged", "charged — deployment or architecture change"),
    (Kind.BUG, CodeOwner.PARTNER, "free", "free — bug in our localisation addons"),
    (
        Kind.BUG,
        CodeOwner.CUSTOMER,
        "charged",
        "charged — bug in your own code or Studio customisation",
    ),
    (Kind.BUG, CodeOwner.ODOO_COMMUNITY, "charged", "charged — work on an Odoo Community bug"),
    (Kind.BUG, CodeOwner.ODOO_ENTERPRISE, "charged", "charged — work on an Odoo Enterprise bug"),
    (Kind.BUG, CodeOwner.THIRD_PARTY, "charged", "charged — work on a third-party app bug"),
    (Kind.BUG, CodeOwner.UNKNOWN, "charged", "charged — bug work, code owner not classified"),
    (
        Kind.HOW_TO,
        "",
        "charged",
        "charged — general user support, no agreement valid on 2027-03-14",
    ),
]


@pytest.mark.parametrize(("kind", "owner", "charge", "reason"), BY_KIND)
def test_each_kind_and_code_owner_is_charged_as_the_policy_says(kind, owner, charge, reason):
    decision = decide(kind=kind, code_owner=owner, day=DAY, agreement=None)
    assert (decision.charge, decision.reason) == (charge, reason)
    assert decision.billable is (charge == "charged")


def test_every_kind_of_request_has_a_rule():
    assert {rule.kind for rule in RULES} == set(Kind.values)


@pytest.mark.parametrize(("kind", "owner", "charge", "reason"), BY_KIND)
def test_the_rule_reaches_the_customer_timeline(kind, owner, charge, reason, alice, consultant):
    ticket = ticket_of(alice, kind=kind, code_owner=owner)
    log(ticket, consultant, 25, DAY)
    [view] = entries_for_ticket(ticket)
    assert (view.charge, view.reason, view.minutes) == (charge, reason, 25)


# An agreement from 10 March to 20 May 2027: general user support is included on the
# days it is valid, charged the day before it starts and the day after it ends.
AGREEMENT_DAYS = [
    (dt.date(2027, 3, 9), "charged — general user support, no agreement valid on 2027-03-09"),
    (dt.date(2027, 3, 10), "included — general user support under agreement valid to 2027-05-20"),
    (dt.date(2027, 3, 11), "included — general user support under agreement valid to 2027-05-20"),
    (dt.date(2027, 5, 19), "included — general user support under agreement valid to 2027-05-20"),
    (dt.date(2027, 5, 20), "included — general user support under agreement valid to 2027-05-20"),
    (dt.date(2027, 5, 21), "charged — general user support, no agreement valid on 2027-05-21"),
]


@pytest.mark.parametrize(("day", "reason"), AGREEMENT_DAYS)
def test_how_to_is_included_only_on_days_the_agreement_is_valid(
    day, reason, alice, consultant, biller, org_a
):
    AgreementFactory(
        organisation=org_a, valid_from=dt.date(2027, 3, 10), valid_to=dt.date(2027, 5, 20)
    )
    ticket = ticket_of(alice, kind=Kind.HOW_TO)
    log(ticket, consultant, 40, day)
    statement = actions.statement_draft(organisation=org_a, month=day, actor=biller)
    assert statement is not None
    entry_line = statement.lines.get(type="entry")
    assert entry_line.reason == reason
    assert entry_line.billed_minutes == (40 if reason.startswith("charged") else 0)
    # The list form of the lookup agrees with the organisation's own.
    assert agreement_on(list(org_a.agreements.all()), day) == org_a.agreement_on(day)


def test_agreement_ending_mid_month_splits_the_month(alice, consultant, biller, org_a):
    AgreementFactory(
        organisation=org_a, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2027, 4, 15)
    )
    ticket = ticket_of(alice, kind=Kind.HOW_TO)
    for day in (14, 15, 16):
        log(ticket, consultant, 20, dt.date(2027, 4, day))
    statement = actions.statement_draft(organisation=org_a, month=dt.date(2027, 4, 1), actor=biller)
    lines = list(statement.lines.order_by("position"))
    assert [
        (line.date.day if line.date else None, line.charge, line.billed_minutes) for line in lines
    ] == [
        (14, "included", 0),
        (15, "included", 0),
        (16, "charged", 20),
        (None, "charged", 10),  # the 30-minute minimum on the charged 20 minutes
    ]
    assert lines[-1].reason == "minimum charge: 30 min applied (20 min logged)"


def test_open_ended_agreement_is_named_as_such(alice, consultant, org_a):
    AgreementFactory(organisation=org_a, valid_from=dt.date(2027, 1, 1), valid_to=None)
    ticket = ticket_of(alice, kind=Kind.HOW_TO)
    log(ticket, consultant, 20, DAY)
    [view] = entries_for_ticket(ticket)
    assert view.reason == (
        "included — general user support under agreement valid from 2027-01-01, with no end date"
    )
    assert not view.billable


# kind, override, charge, reason
OVERRIDES = [
    (
        Kind.CONFIGURATION,
        "free",
        "free",
        "free — override by Carl Consultant: goodwill after the upgrade "
        "(rule: charged — configuration change)",
    ),
    (
        Kind.INFRASTRUCTURE,
        "charged",
        "charged",
        "charged — override by Carl Consultant: goodwill after the upgrade "
        "(rule: free — server infrastructure question)",
    ),
    (Kind.CONFIGURATION, "", "charged", "charged — configuration change"),
]


@pytest.mark.parametrize(("kind", "override", "charge", "reason"), OVERRIDES)
def test_an_override_is_recorded_and_shown_with_its_reason(
    kind, override, charge, reason, alice, consultant, biller, org_a
):
    consultant.name = "Carl Consultant"
    consultant.save()
    ticket = ticket_of(alice, kind=kind)
    entry = log(ticket, consultant, 45, DAY)
    actions.time_override(
        entry=entry, actor=consultant, charge=override, reason="goodwill after the upgrade"
    )
    [view] = entries_for_ticket(ticket)
    assert (view.charge, view.reason, view.overridden) == (charge, reason, bool(override))
    statement = actions.statement_draft(organisation=org_a, month=DAY, actor=biller)
    line = statement.lines.get(type="entry")
    assert (line.charge, line.reason, line.billed_minutes) == (
        charge,
        reason,
        45 if charge == Charge.CHARGED else 0,
    )
    if override:
        event = ticket.events.get(verb="time_overridden")
        assert event.public and event.reason == "goodwill after the upgrade"
