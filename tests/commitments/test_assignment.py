"""Qualified assignment (R3): suggestions, the skill check, and auto-assignment in queue order."""

from __future__ import annotations

import pytest

from supportdesk.commitments.assignment import auto_assign, suggestions
from supportdesk.commitments.models import Absence
from supportdesk.commitments.tasks import auto_assign_queue
from supportdesk.core.errors import InvalidInput
from supportdesk.tickets import actions
from supportdesk.tickets.models import Impact, Ticket
from tests.commitments.helpers import at, local
from tests.factories import SkillFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db


def staff(email: str, *skills, role: str = "consultant"):
    user = UserFactory(email=email, role=role, organisation=None)
    user.skills.add(*skills)
    return user


def handle(ticket: Ticket, *, consultant, dispatcher, day: int, close: bool = False) -> None:
    """Assign ``ticket`` on 2027-03-``day``; optionally resolve and close it the same day."""
    with at(2027, 3, day, 9, 0):
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    if close:
        with at(2027, 3, day, 12, 0):
            actions.ticket_resolve(ticket=ticket, actor=consultant)
            actions.ticket_close(ticket=ticket, actor=dispatcher)


@pytest.fixture
def team(skill, dispatcher, alice):
    """Five consultants whose skill, open load and last assignment differ."""
    people = {
        "bertil": staff("bertil@partner.example", skill),  # skilled, idle, never assigned
        "anna": staff("anna@partner.example", skill),  # skilled, idle, assigned on the 9th
        "evert": staff("evert@partner.example", skill),  # skilled, 1 open since January
        "carl": staff("carl@partner.example", skill),  # skilled, 1 open since the 9th
        "doris": staff("doris@partner.example"),  # idle, without the skill
    }
    with at(2027, 1, 15, 9, 0):
        old = make_ticket(alice, subject="Old ticket")
        actions.ticket_assign(ticket=old, actor=dispatcher, assignee=people["evert"])
    for name in ("anna", "carl"):
        with at(2027, 3, 9, 8, 0):
            ticket = make_ticket(alice, subject=f"{name}'s ticket")
        handle(ticket, consultant=people[name], dispatcher=dispatcher, day=9, close=name == "anna")
    return people


@pytest.fixture
def accounting_ticket(alice, skill):
    with at(2027, 3, 10, 10, 0):
        return make_ticket(alice, subject="VAT report", required_skill=skill)


def test_suggestions_rank_skill_then_open_load_then_oldest_last_assignment(team, accounting_ticket):
    with at(2027, 3, 10, 10, 5):
        ranked = suggestions(accounting_ticket, limit=10)

    emails = [s.user.email for s in ranked]
    assert emails[:4] == [
        "bertil@partner.example",  # 0 open, never assigned: the longest wait
        "anna@partner.example",  # 0 open, last assigned on the 9th
        "evert@partner.example",  # 1 open, last assigned in January
        "carl@partner.example",  # 1 open, last assigned on the 9th
    ]
    assert [s.open_load for s in ranked[:4]] == [0, 0, 1, 1]
    assert all(s.qualified for s in ranked[:4])
    # Those without the skill come after every qualified consultant, however idle they are;
    # the dispatcher (idle, never assigned) is not a consultant and is not suggested at all.
    assert [s.user.email for s in ranked[4:]] == ["doris@partner.example"]
    assert not ranked[4].qualified


def test_absent_consultants_are_not_suggested(team, accounting_ticket):
    Absence.objects.create(
        user=team["bertil"], starts=local(2027, 3, 8).date(), ends=local(2027, 3, 12).date()
    )
    Absence.objects.create(  # ended yesterday
        user=team["anna"], starts=local(2027, 3, 1).date(), ends=local(2027, 3, 9).date()
    )
    Absence.objects.create(  # starts tomorrow
        user=team["evert"], starts=local(2027, 3, 11).date(), ends=local(2027, 3, 19).date()
    )

    with at(2027, 3, 10, 10, 5):
        ranked = [s.user.email for s in suggestions(accounting_ticket, limit=10)]

    assert "bertil@partner.example" not in ranked
    assert ranked[:3] == [
        "anna@partner.example",
        "evert@partner.example",
        "carl@partner.example",
    ]


def test_assigning_a_consultant_without_the_skill_is_refused_without_a_dispatchers_reason(
    team, accounting_ticket, dispatcher
):
    doris = team["doris"]

    with pytest.raises(InvalidInput) as refused:
        actions.ticket_assign(ticket=accounting_ticket, actor=dispatcher, assignee=doris)
    assert refused.value.field == "assignee"
    assert "lacks the required skill 'Accounting'" in refused.value.message
    # A consultant cannot override for themselves, even with a reason.
    with pytest.raises(InvalidInput):
        actions.ticket_assign(
            ticket=accounting_ticket, actor=doris, assignee=doris, override_reason="I can do it"
        )

    accounting_ticket.refresh_from_db()
    assert accounting_ticket.assignee is None
    assert accounting_ticket.status == "new"
    assert not accounting_ticket.events.filter(verb="assigned").exists()


def test_a_dispatcher_may_override_the_skill_check_and_the_reason_is_recorded(
    team, accounting_ticket, dispatcher
):
    reason = "Accounting consultants are all on a course; Doris did VAT at her last job"

    with at(2027, 3, 10, 11, 0):
        actions.ticket_assign(
            ticket=accounting_ticket,
            actor=dispatcher,
            assignee=team["doris"],
            override_reason=reason,
        )

    accounting_ticket.refresh_from_db()
    assert accounting_ticket.assignee == team["doris"]
    assert accounting_ticket.assigned_at == local(2027, 3, 10, 11, 0)
    event = accounting_ticket.events.get(verb="assigned")
    assert event.reason == reason
    assert event.new["skill_override"] is True
    assert event.actor == dispatcher


def test_a_reason_given_for_a_qualified_consultant_is_not_recorded_as_a_skill_override(
    team, accounting_ticket, dispatcher
):
    actions.ticket_assign(
        ticket=accounting_ticket,
        actor=dispatcher,
        assignee=team["bertil"],
        override_reason="Bertil knows this customer",
    )

    event = accounting_ticket.events.get(verb="assigned")
    assert event.new["skill_override"] is False
    assert event.reason == "Bertil knows this customer"


@pytest.fixture
def queue_of_four(alice, skill):
    """Four new tickets; the queue order is critical, 09:00, 09:30, 10:00."""
    nobody_has = SkillFactory(name="Manufacturing")
    with at(2027, 3, 10, 9, 0):
        rare = make_ticket(alice, subject="MRP routing", required_skill=nobody_has)
    with at(2027, 3, 10, 9, 30):
        plain = make_ticket(alice, subject="Question about the portal")
    with at(2027, 3, 10, 10, 0):
        accounting = make_ticket(alice, subject="VAT report", required_skill=skill)
    with at(2027, 3, 10, 10, 30):
        critical = make_ticket(
            alice,
            subject="Cannot invoice",
            required_skill=skill,
            impact=Impact.INVOICING_BLOCKED,
        )
    return critical, rare, plain, accounting


def test_auto_assign_gives_the_queue_head_to_the_best_qualified_and_skips_unqualified_tickets(
    skill, queue_of_four, settings
):
    settings.AUTO_ASSIGN = True
    anna = staff("anna@partner.example", skill)
    bertil = staff("bertil@partner.example", skill)
    manu = staff("manu@partner.example", SkillFactory(name="Manufacturing"))
    # The only Manufacturing consultant is away: the MRP ticket waits for a dispatcher.
    Absence.objects.create(
        user=manu, starts=local(2027, 3, 1).date(), ends=local(2027, 3, 31).date()
    )
    critical, rare, plain, accounting = queue_of_four

    with at(2027, 3, 10, 10, 35):
        assigned = auto_assign_queue.call_local()

    # Queue order: critical (09:30 flagged), rare (skipped), plain, accounting.
    assert assigned == [critical.number, plain.number, accounting.number]
    by_number = {t.number: t for t in Ticket.objects.select_related("assignee")}
    # critical: anna and bertil are equal (idle, never assigned): the lower id wins.
    assert by_number[critical.number].assignee == anna
    # plain: bertil has no open ticket, anna has one.
    assert by_number[plain.number].assignee == bertil
    # accounting: one open each, both assigned at 10:35: the lower id again.
    assert by_number[accounting.number].assignee == anna
    left = by_number[rare.number]
    assert left.assignee is None
    assert left.status == "new"
    assert all(
        t.events.get(verb="assigned").actor.email == "supportdesk@system.invalid"
        for t in (critical, plain, accounting)
    )


def test_auto_assign_does_nothing_when_it_is_switched_off(skill, queue_of_four, settings):
    settings.AUTO_ASSIGN = False
    staff("anna@partner.example", skill)

    assert auto_assign_queue.call_local() == []
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


def test_a_new_ticket_is_assigned_when_registered_if_auto_assign_is_on(
    alice, skill, settings, django_capture_on_commit_callbacks
):
    settings.AUTO_ASSIGN = True
    anna = staff("anna@partner.example", skill)

    with django_capture_on_commit_callbacks(execute=True), at(2027, 3, 10, 10, 0):
        ticket = make_ticket(alice, required_skill=skill)

    ticket.refresh_from_db()
    assert ticket.assignee == anna
    assert ticket.status == "assigned"
    assert ticket.assignment_minutes == 0


def test_auto_assign_takes_present_consultants_only(alice, skill):
    anna = staff("anna@partner.example", skill)
    bertil = staff("bertil@partner.example", skill)
    Absence.objects.create(
        user=anna, starts=local(2027, 3, 10).date(), ends=local(2027, 3, 10).date()
    )
    with at(2027, 3, 10, 10, 0):
        ticket = make_ticket(alice, required_skill=skill)

    with at(2027, 3, 10, 10, 5):
        assert auto_assign() == [ticket.number]

    ticket.refresh_from_db()
    assert ticket.assignee == bertil


@pytest.fixture
def desk_staff(skill):
    """Idle staff who are not consultants, all holding the skill; only one takes tickets."""
    return {
        "bc": staff("berit@partner.example", skill, role="business_consultant"),
        "admin": staff("ada@partner.example", skill, role="admin"),
        "taker": staff("tage@partner.example", skill, role="business_consultant"),
    }


def test_non_consultants_are_suggested_only_when_taking_tickets_and_holding_the_skill(
    team, desk_staff, dispatcher, accounting_ticket, alice
):
    desk_staff["taker"].takes_tickets = True
    desk_staff["taker"].save()
    dispatcher.takes_tickets = True  # takes tickets, but lacks the skill
    dispatcher.save()
    with at(2027, 3, 10, 10, 5):
        skilled = [s.user.email for s in suggestions(accounting_ticket, limit=20)]
        plain = make_ticket(alice, subject="No skill needed")
        unskilled = [s.user.email for s in suggestions(plain, limit=20)]

    # The taker is idle and never assigned like Bertil (who joined first): ranked beside him;
    # nobody else off-role is suggested.
    assert skilled[:2] == ["bertil@partner.example", "tage@partner.example"]
    assert not {"berit@partner.example", "ada@partner.example", "dora@partner.example"} & set(
        skilled
    )
    # A ticket needing no skill goes to consultants only.
    assert set(unskilled) == {
        "bertil@partner.example",
        "anna@partner.example",
        "evert@partner.example",
        "carl@partner.example",
        "doris@partner.example",
    }


def test_first_suggestion_is_a_consultant_with_dispatchers_and_admins_idle(
    desk_staff, dispatcher, admin_user, alice
):
    consultant = staff("kalle@partner.example")
    busy = make_ticket(alice, subject="Keeps Kalle busy")
    actions.ticket_assign(ticket=busy, actor=dispatcher, assignee=consultant)
    ticket = make_ticket(alice, subject="Printer")

    ranked = suggestions(ticket)

    assert [s.user for s in ranked] == [consultant]
    assert ranked[0].open_load == 1


def test_auto_assign_never_gives_a_ticket_to_the_dispatcher(dispatcher, admin_user, alice):
    ticket = make_ticket(alice, subject="Nobody but staff")

    assert auto_assign() == []
    ticket.refresh_from_db()
    assert ticket.assignee is None
