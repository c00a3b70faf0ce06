"""Link, merge and split actions."""

from __future__ import annotations

import pytest

from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket, TicketLink
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_merge_keeps_both_timelines_closes_the_duplicate_and_moves_its_people(
    alice, alice_colleague, consultant
):
    target = make_ticket(alice, subject="Invoice error")
    duplicate = make_ticket(alice_colleague, subject="Invoice error (again)")
    actions.ticket_merge(duplicate=duplicate, target=target, actor=consultant, reason="Same issue")
    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert duplicate.status == "closed" and duplicate.closed_at is not None
    assert TicketLink.objects.filter(source=duplicate, target=target, kind="merged_into").exists()
    assert duplicate.events.filter(verb="created").exists()  # nothing rewritten
    merged = duplicate.events.get(verb="merged_into")
    assert merged.new["into"] == target.number and merged.reason == "Same issue"
    assert target.events.get(verb="merged").new["duplicate"] == duplicate.number
    assert alice_colleague in target.watchers.all()


def test_merge_refuses_other_organisations_closed_tickets_and_itself(alice, bob, consultant):
    mine = make_ticket(alice)
    theirs = make_ticket(bob)
    with pytest.raises(InvalidInput):
        actions.ticket_merge(duplicate=mine, target=theirs, actor=consultant)
    with pytest.raises(InvalidInput):
        actions.ticket_merge(duplicate=mine, target=mine, actor=consultant)
    other = make_ticket(alice)
    actions.ticket_merge(duplicate=other, target=mine, actor=consultant)
    with pytest.raises(IllegalTransition):
        actions.ticket_merge(duplicate=other, target=mine, actor=consultant)
    with pytest.raises(IllegalTransition):
        actions.ticket_merge(duplicate=mine, target=other, actor=consultant)
    assert Ticket.objects.get(pk=mine.pk).status == "new"


def test_customers_cannot_merge_link_or_split(alice):
    one, two = make_ticket(alice), make_ticket(alice)
    with pytest.raises(PermissionDenied):
        actions.ticket_merge(duplicate=one, target=two, actor=alice)
    with pytest.raises(PermissionDenied):
        actions.ticket_link(source=one, target=two, actor=alice)
    with pytest.raises(PermissionDenied):
        actions.ticket_split(ticket=one, actor=alice, subject="x")


def test_link_is_recorded_once_on_both_timelines_as_internal(alice, bob, consultant):
    one, two = make_ticket(alice), make_ticket(bob)
    actions.ticket_link(source=one, target=two, actor=consultant)
    assert one.events.get(verb="linked").public is False
    assert two.events.get(verb="linked").new["from"] == one.number
    with pytest.raises(IllegalTransition):
        actions.ticket_link(source=one, target=two, actor=consultant)


def test_split_registers_a_new_ticket_from_the_message_time(alice, consultant, skill):
    original = make_ticket(alice, required_skill=skill)
    message = actions.ticket_reply(
        ticket=original, actor=alice, body="Also the VAT report is wrong", channel="portal"
    )
    new = actions.ticket_split(
        ticket=original, actor=consultant, subject="VAT report is wrong", message=message
    )
    assert new.pk != original.pk
    assert (new.organisation, new.requester, new.channel, new.required_skill) == (
        original.organisation,
        alice,
        original.channel,
        skill,
    )
    assert new.registered_at == message.created_at
    assert new.description == "Also the VAT report is wrong"
    assert TicketLink.objects.filter(source=new, target=original, kind="split_from").exists()
    assert original.events.get(verb="split").new["into"] == new.number


def test_split_refuses_a_message_of_another_ticket(alice, consultant):
    one, two = make_ticket(alice), make_ticket(alice)
    message = actions.ticket_reply(ticket=two, actor=alice, body="x", channel="portal")
    with pytest.raises(InvalidInput):
        actions.ticket_split(ticket=one, actor=consultant, subject="y", message=message)
