"""Properties of billing over any mix of tickets, months, overrides and corrections.

- billed minutes are never below the chargeable raw minutes, per ticket;
- free and included entries never bill;
- issuing and then crediting every statement nets to zero, in minutes and in money.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.billing import actions
from supportdesk.billing.models import BillingProfile, Statement, StatementLine
from supportdesk.billing.rules import billed_total
from supportdesk.tickets.models import CodeOwner, Kind
from tests.billing.conftest import log, ticket_of
from tests.factories import AgreementFactory

MONTHS = [dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)]

entry_st = st.tuples(
    st.integers(0, 2),  # ticket
    st.integers(0, 2),  # month
    st.integers(1, 28),  # day
    st.integers(1, 200),  # minutes
    st.sampled_from(["", "", "", "free", "charged"]),  # override
    st.integers(0, 3),  # minutes to correct, in tenths of the entry (0: none)
)


@given(
    increments=st.sampled_from([0, 0, 5, 15, 60]),
    kinds=st.lists(st.sampled_from(Kind.values), min_size=3, max_size=3),
    owners=st.lists(st.sampled_from(CodeOwner.values), min_size=3, max_size=3),
    agreement_days=st.none() | st.tuples(st.integers(0, 80), st.integers(0, 80)),
    entries=st.lists(entry_st, min_size=1, max_size=12),
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_billing_properties(
    increments, kinds, owners, agreement_days, entries, alice, consultant, biller, org_a
):
    with transaction.atomic():
        BillingProfile.objects.create(organisation=org_a, rounding_minutes=increments)
        if agreement_days is not None:
            start = dt.date(2027, 1, 1) + dt.timedelta(days=min(agreement_days))
            AgreementFactory(
                organisation=org_a,
                valid_from=start,
                valid_to=start + dt.timedelta(days=abs(agreement_days[1] - agreement_days[0])),
            )
        tickets = [
            ticket_of(alice, kind=k, code_owner=o) for k, o in zip(kinds, owners, strict=True)
        ]
        by_month = defaultdict(list)
        for t, m, day, minutes, override, tenths in entries:
            by_month[m].append((t, day, minutes, override, tenths))
        issued: list[Statement] = []
        for m, month in enumerate(MONTHS):
            for t, day, minutes, override, tenths in by_month[m]:
                entry = log(tickets[t], consultant, minutes, month.replace(day=day))
                if override:
                    actions.time_override(
                        entry=entry, actor=consultant, charge=override, reason="agreed"
                    )
                if tenths and minutes * tenths // 10:
                    actions.time_correct(
                        entry=entry, actor=consultant, minutes=minutes * tenths // 10, reason="x"
                    )
            draft = actions.statement_draft(organisation=org_a, month=month, actor=biller)
            if draft is not None:
                issued.append(actions.statement_issue(statement=draft, actor=biller))
        # The corrections are dated "today" (June): close June too.
        draft = actions.statement_draft(organisation=org_a, month=dt.date(2027, 6, 1), actor=biller)
        if draft is not None:
            issued.append(actions.statement_issue(statement=draft, actor=biller))

        lines = list(StatementLine.objects.filter(statement__in=issued))
        for line in lines:
            if line.type in ("entry", "correction") and line.charge != "charged":
                assert line.billed_minutes == 0 and line.amount == 0, line.reason
            if line.type == "entry" and line.charge == "charged":
                assert line.billed_minutes == line.raw_minutes
        for ticket in tickets:
            mine = [line for line in lines if line.ticket_id == ticket.pk]
            chargeable = sum(
                line.raw_minutes
                for line in mine
                if line.charge == "charged" and line.type in ("entry", "correction")
            )
            billed = sum(line.billed_minutes for line in mine)
            assert billed >= chargeable
            assert billed == billed_total(chargeable, increment=increments)
            if chargeable == 0:
                assert billed == 0

        credits = [
            actions.statement_credit(statement=s, actor=biller, reason="test") for s in issued
        ]
        everything = [*issued, *credits]
        assert sum(s.billed_minutes for s in everything) == 0
        assert sum((s.gross for s in everything), Decimal(0)) == 0
        assert (
            sum(
                (line.amount for line in StatementLine.objects.filter(statement__in=everything)),
                Decimal(0),
            )
            == 0
        )
        transaction.set_rollback(True)


@given(
    periods=st.lists(st.integers(-60, 300), min_size=1, max_size=8),
    increment=st.sampled_from([0, 1, 5, 15, 30, 60]),
)
def test_minimum_charge_arithmetic(periods, increment):
    """Billing each period's increase adds up to the rule applied to the whole."""
    chargeable = 0
    billed = 0
    for minutes in periods:
        chargeable = max(0, chargeable + minutes)  # corrections never take back more than logged
        now = billed_total(chargeable, increment=increment)
        billed += now - billed
        assert billed >= chargeable
        if chargeable:
            assert billed >= 30
            assert increment == 0 or billed % increment == 0
            assert billed - chargeable < max(30, increment)
        else:
            assert billed == 0
