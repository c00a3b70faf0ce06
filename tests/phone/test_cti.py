"""The CTI webhook in Zammad's generic CTI format: newCall, answer, hangup."""

from __future__ import annotations

import pytest

from supportdesk.commitments.models import Notification
from supportdesk.phone.models import Call, CallEvent, Pbx
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

NEW = {"event": "newCall", "direction": "in", "from": "0701234567", "to": "087490995"}


@pytest.fixture
def caller(alice):
    alice.phone = "+46 70 123 45 67"
    alice.save()
    return alice


def test_inbound_answered_call_is_logged_with_the_caller_and_who_answered(cti, caller, consultant):
    assert cti(callId="c1", **NEW).status_code == 200
    response = cti(event="answer", callId="c1", direction="in", user=consultant.email)
    assert response.status_code == 200
    cti(event="hangup", callId="c1", direction="in", cause="normalClearing")
    call = Call.objects.get(call_id="c1")
    assert call.state == "ended"
    assert call.caller == caller
    assert call.organisation == caller.organisation
    assert call.caller_e164 == "+46701234567"
    assert call.answered_by == consultant
    assert call.answered_at is not None and call.ended_at is not None


def test_newcall_answers_with_the_caller_and_organisation(cti, caller):
    body = cti(callId="c2", **NEW).json()
    assert body["state"] == "ringing"
    assert body["caller"] == str(caller)
    assert body["organisation"] == "Alpha AB"


def test_unanswered_inbound_call_is_missed_and_listed_for_call_back(
    cti, caller, consultant, client
):
    ticket = make_ticket(caller)
    from supportdesk.tickets import actions

    actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    cti(callId="c3", **NEW)
    cti(event="hangup", callId="c3", direction="in", cause="noAnswer")
    call = Call.objects.get(call_id="c3")
    assert call.state == "missed"
    # The consultant of the caller's open ticket calls back, and hears of it.
    assert call.callback_owner == consultant
    assert Notification.objects.filter(user=consultant, kind="missed_call").count() == 1
    client.force_login(consultant)
    page = client.get("/console/phone/").content.decode()
    assert "Missed calls to call back" in page and "+46701234567" in page
    assert "+46701234567" in client.get("/console/my-day/").content.decode()


def test_call_from_an_unknown_number_is_kept_without_a_caller(cti, dispatcher, client):
    cti(callId="c4", **{**NEW, "from": "+44 20 7946 0018"})
    cti(event="hangup", callId="c4", direction="in", cause="cancel")
    call = Call.objects.get(call_id="c4")
    assert call.caller is None and call.organisation is None
    assert call.caller_e164 == "+442079460018"
    assert call.state == "missed"
    assert call.callback_owner is None  # nobody's yet: any consultant may take it
    client.force_login(dispatcher)
    assert "+442079460018" in client.get("/console/phone/").content.decode()


def test_a_hidden_number_is_kept_as_unknown(cti):
    cti(callId="c5", **{**NEW, "from": "anonymous"})
    call = Call.objects.get(call_id="c5")
    assert call.caller_e164 == "" and call.caller is None


def test_duplicate_events_are_recorded_once(cti, caller, consultant):
    for _ in range(3):
        cti(callId="c6", **NEW)
    cti(event="answer", callId="c6", direction="in", user=consultant.email)
    cti(event="answer", callId="c6", direction="in", user=consultant.email)
    cti(event="hangup", callId="c6", direction="in", cause="normalClearing")
    cti(event="hangup", callId="c6", direction="in", cause="normalClearing")
    assert Call.objects.filter(call_id="c6").count() == 1
    call = Call.objects.get(call_id="c6")
    assert call.state == "ended"
    assert CallEvent.objects.filter(call=call).count() == 7
    assert CallEvent.objects.filter(call=call, duplicate=True).count() == 4


def test_out_of_order_events_give_the_same_outcome(cti, caller, consultant):
    # hangup first, then answer, then the newCall that should have come first.
    cti(event="hangup", callId="c7", direction="in", cause="normalClearing")
    assert Call.objects.get(call_id="c7").state == "missed"
    cti(event="answer", callId="c7", direction="in", user=consultant.email)
    cti(callId="c7", **NEW)
    call = Call.objects.get(call_id="c7")
    assert call.state == "ended"
    assert call.answered_by == consultant
    assert call.caller == caller  # the late newCall still brought the numbers
    # A late answer leaves no call-back behind.
    assert call not in Call.objects.filter(state="missed")


def test_answer_before_newcall(cti, caller, consultant):
    cti(event="answer", callId="c8", direction="in", user=consultant.name)
    cti(callId="c8", **NEW)
    call = Call.objects.get(call_id="c8")
    assert call.state == "answered"
    assert call.answered_by == consultant


def test_the_consultant_who_answers_sees_the_callers_organisation_and_open_tickets(
    cti, caller, consultant, client
):
    ticket = make_ticket(caller, subject="Stock valuation is wrong")
    cti(callId="c9", **NEW)
    cti(event="answer", callId="c9", direction="in", user=consultant.email)
    client.force_login(consultant)
    live = client.get("/console/phone/live/").content.decode()
    assert "On the line" in live
    assert "Alpha AB" in live
    assert ticket.number in live and "Stock valuation is wrong" in live


def test_ringing_calls_show_to_everyone_with_the_caller(cti, caller, dispatcher, client):
    cti(callId="c10", **NEW)
    client.force_login(dispatcher)
    live = client.get("/console/phone/live/").content.decode()
    assert "Ringing" in live and str(caller) in live


def test_a_bad_token_is_not_found(client, pbx):
    response = client.post("/api/v1/cti/not-a-token", {**NEW, "callId": "x"})
    assert response.status_code == 404
    assert not Call.objects.exists()


def test_an_inactive_pbx_is_not_found(client, pbx):
    row, token = pbx
    Pbx.objects.filter(pk=row.pk).update(active=False)
    assert client.post(f"/api/v1/cti/{token}", {**NEW, "callId": "x"}).status_code == 404


def test_only_post_is_accepted(client, pbx):
    _, token = pbx
    assert client.get(f"/api/v1/cti/{token}").status_code == 405


def test_an_unknown_event_is_refused_with_the_field(cti):
    response = cti(event="transfer", callId="c11", direction="in")
    assert response.status_code == 422
    assert response.json()["field"] == "event"
    assert not Call.objects.exists()


def test_a_missing_call_id_is_refused(cti):
    response = cti(event="newCall", direction="in", **{"from": "0701234567"})
    assert response.status_code == 422
    assert response.json()["field"] == "callId"


def test_the_same_call_id_from_two_pbxs_is_two_calls(cti, client, caller):
    _, other_token = Pbx.issue(name="Branch PBX")
    cti(callId="same", **NEW)
    client.post(f"/api/v1/cti/{other_token}", {**NEW, "callId": "same"})
    assert Call.objects.filter(call_id="same").count() == 2


def test_outbound_call_unanswered_is_not_a_missed_call(cti, consultant):
    cti(
        event="newCall",
        callId="o1",
        direction="out",
        **{"from": "087490995", "to": "0701234567"},
        user=consultant.email,
    )
    cti(event="hangup", callId="o1", direction="out", cause="noAnswer")
    call = Call.objects.get(call_id="o1")
    assert call.state == "ended"
    assert call.answered_by == consultant
    assert call.caller_e164 == "+46701234567"


def test_customers_get_404_on_the_phone_pages(client, alice, bob):
    client.force_login(bob)
    for url in ["/console/phone/", "/console/phone/live/", "/console/phone/log/"]:
        assert client.get(url).status_code == 404
