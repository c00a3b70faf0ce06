"""Time actions: who may log, override and correct; what they refuse; the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.billing import actions
from supportdesk.billing.models import TimeEntry
from supportdesk.billing.selectors import entries_for_ticket
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from tests.billing.conftest import log, ticket_of
from tests.factories import UserFactory


def test_time_log_records_raw_minutes_and_a_public_timeline_event(alice, consultant):
    ticket = ticket_of(alice)
    entry = log(ticket, consultant, 25, dt.date(2027, 6, 14), "Set up the fiscal positions")
    assert (entry.minutes, entry.consultant, entry.date) == (25, consultant, dt.date(2027, 6, 14))
    event = ticket.events.get(verb="time_logged")
    assert event.public and event.actor == consultant
    assert event.new == {"entry": entry.pk, "minutes": 25, "date": "2027-06-14"}
    assert event.reason == "Set up the fiscal positions"


def test_time_log_dates_today_by_default(alice, consultant):
    entry = actions.time_log(ticket=ticket_of(alice), actor=consultant, minutes=5, description="x")
    assert entry.date == dt.date(2027, 6, 15)


@pytest.mark.parametrize(
    ("minutes", "description", "day", "field", "reason"),
    [
        (0, "work", None, "minutes", "must be at least 1 minute"),
        (-5, "work", None, "minutes", "must be at least 1 minute"),
        (961, "work", None, "minutes", "at most 960"),
        ("30", "work", None, "minutes", "not a whole number"),
        (30, "   ", None, "description", "is required"),
        (30, "work", dt.date(2027, 6, 16), "date", "is in the future"),
    ],
)
def test_time_log_refuses_bad_input_and_changes_nothing(
    minutes, description, day, field, reason, alice, consultant
):
    ticket = ticket_of(alice)
    with pytest.raises(InvalidInput) as caught:
        actions.time_log(
            ticket=ticket, actor=consultant, minutes=minutes, description=description, date=day
        )
    assert caught.value.field == field and reason in caught.value.reason
    assert not TimeEntry.objects.exists() and not ticket.events.filter(verb="time_logged").exists()


def test_customers_cannot_log_time(alice):
    with pytest.raises(PermissionDenied):
        actions.time_log(ticket=ticket_of(alice), actor=alice, minutes=5, description="x")


def test_dispatchers_and_customers_cannot_override(alice, consultant, dispatcher):
    entry = log(ticket_of(alice), consultant, 30, dt.date(2027, 6, 1))
    for actor in (dispatcher, alice):
        with pytest.raises(PermissionDenied):
            actions.time_override(entry=entry, actor=actor, charge="free", reason="why not")


def test_business_consultant_may_override(alice, consultant):
    entry = log(ticket_of(alice), consultant, 30, dt.date(2027, 6, 1))
    bc = UserFactory(email="bo@partner.example", role="business_consultant", organisation=None)
    actions.time_override(entry=entry, actor=bc, charge="free", reason="agreed at the meeting")
    entry.refresh_from_db()
    assert (entry.override, entry.override_by, entry.override_reason) == (
        "free",
        bc,
        "agreed at the meeting",
    )


def test_override_needs_a_reason_and_a_known_charge(alice, consultant):
    entry = log(ticket_of(alice), consultant, 30, dt.date(2027, 6, 1))
    with pytest.raises(InvalidInput, match="Reason: is required"):
        actions.time_override(entry=entry, actor=consultant, charge="free", reason=" ")
    with pytest.raises(InvalidInput, match="charge"):
        actions.time_override(entry=entry, actor=consultant, charge="half", reason="x")


def test_clearing_an_override_returns_the_entry_to_the_rules(alice, consultant):
    ticket = ticket_of(alice, kind="infrastructure")
    entry = log(ticket, consultant, 30, dt.date(2027, 6, 1))
    actions.time_override(entry=entry, actor=consultant, charge="charged", reason="not infra")
    actions.time_override(entry=entry, actor=consultant, charge="")
    [view] = entries_for_ticket(ticket)
    assert (view.charge, view.reason, view.overridden) == (
        "free",
        "free — server infrastructure question",
        False,
    )
    assert ticket.events.filter(verb="time_overridden").count() == 2


def test_a_correction_cannot_be_corrected_or_overridden(alice, consultant):
    entry = log(ticket_of(alice), consultant, 30, dt.date(2027, 6, 1))
    correction = actions.time_correct(entry=entry, actor=consultant, minutes=10, reason="typo")
    with pytest.raises(IllegalTransition, match="cannot be corrected"):
        actions.time_correct(entry=correction, actor=consultant, minutes=1, reason="x")
    with pytest.raises(IllegalTransition, match="override that entry"):
        actions.time_override(entry=correction, actor=consultant, charge="free", reason="x")
    assert correction.signed_minutes == -10


def test_entries_for_ticket_shows_corrections_and_statement_numbers(
    alice, consultant, biller, org_a
):
    ticket = ticket_of(alice)
    entry = log(ticket, consultant, 45, dt.date(2027, 3, 2))
    draft = actions.statement_draft(organisation=org_a, month=dt.date(2027, 3, 1), actor=biller)
    actions.statement_issue(statement=draft, actor=biller)
    actions.time_correct(entry=entry, actor=consultant, minutes=15, reason="logged twice")
    views = entries_for_ticket(ticket)
    assert [(v.minutes, v.statement_number, v.reason) for v in views] == [
        (45, "2027-0001", "charged — configuration change"),
        (-15, "", "correction of the 2027-03-02 entry: charged — configuration change"),
    ]
    assert views[0].locked and not views[1].locked and views[1].is_correction


def test_entries_for_ticket_costs_a_fixed_number_of_queries(
    alice, consultant, django_assert_max_num_queries
):
    ticket = ticket_of(alice)
    for day in range(1, 21):
        log(ticket, consultant, 10, dt.date(2027, 5, day))
    ticket.refresh_from_db()
    with django_assert_max_num_queries(4):
        assert len(entries_for_ticket(ticket)) == 20
