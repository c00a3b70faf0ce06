"""Logging a call: a new ticket on the telephone channel, or the call on an open ticket."""

from __future__ import annotations

import pytest

from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.phone.actions import call_called_back, call_log, cti_event
from supportdesk.phone.models import Call
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(alice):
    alice.phone = "070 123 45 67"
    alice.save()
    return alice


def test_a_known_caller_gets_a_new_ticket_on_the_phone_channel(caller, consultant):
    call = call_log(
        actor=consultant,
        number="+46701234567",
        summary="Cannot print delivery slips since the update",
        subject="Delivery slips do not print",
    )
    ticket = call.ticket
    assert ticket is not None
    assert ticket.channel == "phone"
    assert ticket.requester == caller
    assert ticket.organisation == caller.organisation
    assert ticket.subject == "Delivery slips do not print"
    assert ticket.contact_phone == "+46701234567"
    assert call.caller == caller and call.logged_by == consultant
    assert ticket.events.filter(verb="created", new__channel="phone").exists()


def test_an_unknown_caller_needs_an_organisation(consultant, org_b):
    with pytest.raises(InvalidInput) as error:
        call_log(actor=consultant, number="0709999999", summary="Hello")
    assert error.value.field == "organisation"
    call = call_log(actor=consultant, number="0709999999", summary="Hello", organisation=org_b)
    assert call.ticket.organisation == org_b and call.ticket.requester is None


def test_the_call_is_added_to_an_open_ticket_and_wakes_it_from_waiting(caller, consultant):
    ticket = make_ticket(caller)
    actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    actions.ticket_start(ticket=ticket, actor=consultant)
    actions.ticket_wait(ticket=ticket, actor=consultant, on="customer", reason="Need a screenshot")
    call_log(
        actor=consultant, number="0701234567", summary="Sent the screenshot now", ticket=ticket
    )
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    message = ticket.messages.get(channel="phone")
    assert "Sent the screenshot now" in message.body and not message.internal
    assert Ticket.objects.count() == 1


def test_a_ticket_of_another_organisation_is_refused(caller, bob, consultant):
    other = make_ticket(bob)
    with pytest.raises(InvalidInput) as error:
        call_log(actor=consultant, number="0701234567", summary="Hi", ticket=other)
    assert error.value.field == "ticket"
    assert not Call.objects.exists()


def test_customers_cannot_log_calls(alice):
    with pytest.raises(PermissionDenied):
        call_log(actor=alice, number="0701234567", summary="Hi")


def test_a_bad_number_is_refused(consultant, org_a):
    with pytest.raises(InvalidInput) as error:
        call_log(actor=consultant, number="hello", summary="Hi", organisation=org_a)
    assert error.value.field == "number"


def test_a_cti_call_is_logged_once(caller, consultant):
    from supportdesk.phone.models import Pbx

    pbx, _ = Pbx.issue(name="PBX")
    call = cti_event(
        pbx=pbx, data={"event": "newCall", "callId": "k1", "direction": "in", "from": "0701234567"}
    )
    logged = call_log(actor=consultant, number=call.number, summary="Question", call=call)
    assert logged.pk == call.pk and logged.ticket is not None
    with pytest.raises(IllegalTransition):
        call_log(actor=consultant, number=call.number, summary="Again", call=call)


def test_a_missed_call_is_called_back_once(caller, consultant, other_consultant):
    from supportdesk.phone.models import Pbx

    pbx, _ = Pbx.issue(name="PBX")
    data = {"callId": "m1", "direction": "in", "from": "0701234567"}
    cti_event(pbx=pbx, data={"event": "newCall", **data})
    call = cti_event(pbx=pbx, data={"event": "hangup", "cause": "noAnswer", **data})
    call_called_back(call=call, actor=consultant)
    with pytest.raises(IllegalTransition):
        call_called_back(call=call, actor=other_consultant)


def test_log_call_page_finds_the_caller_and_creates_the_ticket(client, caller, consultant):
    client.force_login(consultant)
    lookup = client.get("/console/phone/lookup/", {"number": "070-123 45 67"}).content.decode()
    assert str(caller) in lookup and "Alpha AB" in lookup
    response = client.post(
        "/console/phone/log/",
        {
            "number": "070-123 45 67",
            "direction": "in",
            "caller": caller.pk,
            "subject": "Bank import fails",
            "kind": "bug",
            "summary": "The bank statement import stops at line 12.",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/tickets/{ticket.number}/"
    assert ticket.channel == "phone" and ticket.requester == caller


def test_log_call_page_shows_the_reason_of_a_refusal(client, consultant):
    client.force_login(consultant)
    response = client.post(
        "/console/phone/log/", {"number": "0709999999", "direction": "in", "summary": "Hi"}
    )
    assert response.status_code == 200
    assert "is required for a caller we do not know" in response.content.decode()
