"""One vocabulary: every verb has its words for staff and for customers, in both languages,
and the timelines read as sentences, never as codes."""

from __future__ import annotations

import pytest
from django.utils import translation

from supportdesk.tickets import actions
from supportdesk.tickets.events import (
    CUSTOMER,
    STAFF,
    Verb,
    customer_sentence,
    record_event,
    staff_sentence,
)
from supportdesk.tickets.models import Event, Ticket
from tests.factories import UserFactory, make_ticket

PAYLOADS: dict[str, tuple[dict, dict, str]] = {
    Verb.CREATED: ({}, {"status": "new", "channel": "portal"}, ""),
    Verb.ASSIGNED: ({"status": "new"}, {"assignee": "Anna Andersson", "status": "assigned"}, ""),
    Verb.STARTED: ({"status": "assigned"}, {"status": "in_progress"}, ""),
    Verb.REPLIED: ({}, {"message_id": 1, "channel": "portal"}, ""),
    Verb.NOTED: ({}, {"message_id": 1}, ""),
    Verb.WAITING: ({"status": "in_progress"}, {"status": "waiting_customer"}, "need a screenshot"),
    Verb.RESUMED: ({"status": "waiting_customer"}, {"status": "in_progress"}, ""),
    Verb.RESOLVED: ({"status": "in_progress"}, {"status": "resolved"}, "fixed"),
    Verb.CLOSED: ({"status": "resolved"}, {"status": "closed"}, ""),
    Verb.REOPENED: ({"status": "closed"}, {"status": "in_progress"}, "again"),
    Verb.UPDATED: ({"kind": "how_to"}, {"kind": "bug"}, ""),
    Verb.WATCHERS_ADDED: ({}, {"watchers": ["x@alpha.example"]}, ""),
    Verb.LINKED: ({}, {"to": "SD-10002", "kind": "related"}, ""),
    Verb.MERGED_INTO: ({"status": "new"}, {"status": "closed", "into": "SD-10002"}, ""),
    Verb.MERGED: ({}, {"duplicate": "SD-10003", "subject": "x"}, ""),
    Verb.SPLIT_FROM: ({}, {"from": "SD-10002"}, ""),
    Verb.SPLIT: ({}, {"into": "SD-10004", "subject": "x"}, ""),
    Verb.TIME_LOGGED: ({}, {"entry": 1, "minutes": 20, "date": "2027-03-01"}, "payment term"),
    Verb.TIME_OVERRIDDEN: ({}, {"entry": 1, "charge": "free"}, "goodwill"),
    Verb.TIME_CORRECTED: ({}, {"entry": 2, "corrects": 1, "minutes": -5}, "typo"),
    Verb.ODOO_CHECKED: ({}, {"checks": [{"reference": "S00042", "result": "found"}]}, ""),
    Verb.ODOO_REF_REMOVED: ({}, {"odoo_ref": "S00042"}, "wrong"),
    Verb.CODE_OWNER_CLASSIFIED: ({}, {"owner": "odoo_community", "module": "sale"}, ""),
    Verb.CODE_OWNER_CONFIRMED: ({}, {"owner": "partner"}, "our module"),
    Verb.BUG_REPRODUCED: ({}, {"runbot_url": "", "written": True}, ""),
    Verb.REPORTED_UPSTREAM: ({}, {"to": "Odoo S.A.", "reference": "OPW-1", "url": ""}, ""),
    Verb.UPSTREAM_UPDATED: ({}, {"reference": "OPW-1", "from": "open", "state": "fixed"}, ""),
    Verb.PATCH_PLANNED: ({}, {"module": "l10n_se_x", "version": "1.2"}, ""),
    Verb.ASSIGNMENT_WARNING: ({}, {"assignment_due": "2027-03-03T10:00:00+01:00"}, ""),
    Verb.ASSIGNMENT_BREACHED: ({}, {"assignment_due": "2027-03-03T10:00:00+01:00"}, ""),
    Verb.RATED: ({}, {"rating": 4}, "Quick and clear"),
}


def _event(verb: str, actor=None) -> Event:
    old, new, reason = PAYLOADS[verb]
    return Event(verb=verb, old=old, new=new, reason=reason, public=True, actor=actor)


def test_every_verb_has_a_payload_here_and_a_rendering_for_staff_and_customers():
    assert set(PAYLOADS) == set(Verb.values)
    assert set(STAFF) == set(Verb.values)
    assert set(CUSTOMER) == set(Verb.values)


@pytest.mark.parametrize("verb", Verb.values)
def test_each_verb_reads_as_a_sentence_in_english_and_in_swedish(verb):
    actor = UserFactory.build(
        name="Anna Andersson", email="anna@partner.example", role="consultant"
    )
    event = _event(verb, actor)
    with translation.override("en"):
        english = staff_sentence(event)
        english_customer = customer_sentence(event)
    with translation.override("sv"):
        swedish = staff_sentence(event)
        swedish_customer = customer_sentence(event)
    codes = {verb, "in_progress", "waiting_customer", "odoo_community", "how_to"}
    assert english and not any(code in english for code in codes if "_" in code), english
    assert swedish != english, f"no Swedish words for {verb}: {english}"
    assert (english_customer is None) == (swedish_customer is None)
    if english_customer is not None:
        assert english_customer[0] != swedish_customer[0]


def test_staff_read_who_did_what_with_the_values():
    anna = UserFactory.build(name="Anna Andersson", role="consultant")
    with translation.override("en"):
        assert staff_sentence(_event(Verb.TIME_LOGGED, anna)) == "Anna Andersson logged 20 minutes"
        assert staff_sentence(_event(Verb.STARTED, anna)) == "Anna Andersson started work"
        assert (
            customer_sentence(_event(Verb.WAITING, anna))[0]
            == "Status: in progress → waiting on you"
        )
    with translation.override("sv"):
        assert staff_sentence(_event(Verb.STARTED, anna)) == "Anna Andersson påbörjade arbetet"


def test_internal_verbs_are_not_shown_to_customers():
    for verb in (Verb.NOTED, Verb.ODOO_CHECKED, Verb.CODE_OWNER_CLASSIFIED):
        assert customer_sentence(_event(verb)) is None
    event = _event(Verb.RESOLVED)
    event.public = False
    assert customer_sentence(event) is None


def test_an_assignment_override_reason_stays_with_the_desk():
    event = _event(Verb.ASSIGNED)
    event.reason = "only Anna knows this customer"
    assert customer_sentence(event)[1] == ""


@pytest.mark.django_db
def test_record_event_refuses_a_verb_outside_the_vocabulary(alice):
    ticket = make_ticket(alice)
    with pytest.raises(ValueError, match="not a verb"):
        record_event(ticket, alice, "teleported")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_every_event_the_actions_write_is_in_the_vocabulary(alice, dispatcher, consultant):
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_reply(ticket=ticket, actor=consultant, body="Try this", channel="console")
    actions.ticket_resolve(ticket=Ticket.objects.get(pk=ticket.pk), actor=consultant)
    verbs = list(Event.objects.filter(ticket=ticket).values_list("verb", flat=True))
    assert verbs == ["created", "assigned", "replied", "started", "resolved"]
    assert all(v in Verb.values for v in verbs)
