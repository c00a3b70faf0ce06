"""The ticket actions (DESIGN rules 1, 2 and 8): state changes, the timeline, refusals.

Every refusal is checked to change nothing: the ticket row, its events, its messages,
its attachments and its Odoo references are compared before and after the refused call.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.text import capfirst

from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.core.fieldnames import LABELS
from supportdesk.tickets import actions
from supportdesk.tickets.access import messages_for_user
from supportdesk.tickets.models import (
    Attachment,
    Channel,
    Event,
    Message,
    OdooReference,
    Ticket,
)
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db

TICKET_FIELDS = (
    "status",
    "assignee_id",
    "subject",
    "description",
    "kind",
    "impact",
    "impact_review",
    "queue_rank",
    "contact_method",
    "contact_phone",
    "assigned_at",
    "started_at",
    "resolved_at",
    "closed_at",
    "updated_at",
)


def snapshot(ticket: Ticket) -> dict[str, Any]:
    """What a user could notice about a ticket, read back from the database."""
    ticket.refresh_from_db()
    return {
        **{field: getattr(ticket, field) for field in TICKET_FIELDS},
        "events": ticket.events.count(),
        "messages": ticket.messages.count(),
        "attachments": ticket.attachments.count(),
        "odoo_refs": ticket.odoo_refs.count(),
    }


def last_event(ticket: Ticket) -> Event:
    return ticket.events.order_by("-created_at", "-id").first()


def upload(name: str = "screen.png", size: int = 64, content_type: str = "image/png"):
    return SimpleUploadedFile(name, b"x" * size, content_type=content_type)


# --- fixtures: a ticket in each state, reached through the real actions -------------------


@pytest.fixture
def new_ticket(alice):
    return make_ticket(alice)


@pytest.fixture
def assigned_ticket(new_ticket, dispatcher, consultant):
    return actions.ticket_assign(ticket=new_ticket, actor=dispatcher, assignee=consultant)


@pytest.fixture
def in_progress_ticket(assigned_ticket, consultant):
    return actions.ticket_start(ticket=assigned_ticket, actor=consultant)


@pytest.fixture
def waiting_customer_ticket(in_progress_ticket, consultant):
    return actions.ticket_wait(ticket=in_progress_ticket, actor=consultant, on="customer")


@pytest.fixture
def resolved_ticket(in_progress_ticket, consultant):
    return actions.ticket_resolve(ticket=in_progress_ticket, actor=consultant, resolution="done")


@pytest.fixture
def closed_ticket(resolved_ticket, alice):
    return actions.ticket_close(ticket=resolved_ticket, actor=alice)


# --- ticket_create ------------------------------------------------------------------------


def test_create_registers_a_new_ticket_with_its_channel_and_a_created_event(alice):
    ticket = actions.ticket_create(
        actor=alice,
        organisation=alice.organisation,
        requester=alice,
        channel=Channel.EMAIL,
        subject="  Cannot post an invoice  ",
        kind="bug",
    )
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.channel == "email"
    assert ticket.subject == "Cannot post an invoice"
    assert ticket.organisation == alice.organisation
    assert ticket.requester == alice
    assert ticket.assignment_due is not None and ticket.assignment_due > ticket.registered_at
    [event] = ticket.events.all()
    assert event.verb == "created"
    assert event.actor == alice
    assert event.public is True
    assert event.new["status"] == "new"
    assert event.new["channel"] == "email"
    assert event.new["kind"] == "bug"


def test_create_with_attachments_stores_them_on_a_first_message(alice):
    content = b"%PDF-1.7 fake"
    file = SimpleUploadedFile("invoice.pdf", content, content_type="application/pdf")
    ticket = make_ticket(alice, attachments=[file])
    [message] = ticket.messages.all()
    [attachment] = ticket.attachments.all()
    assert attachment.message == message
    assert attachment.filename == "invoice.pdf"
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.internal is False
    assert attachment.file.read() == content


def test_create_recognises_odoo_references_in_the_description(alice):
    ticket = make_ticket(
        alice,
        description="Posting INV/2026/00012 fails; the order is "
        "https://acme.odoo.com/odoo/sales/42 on our side.",
    )
    refs = {ref.type: ref for ref in ticket.odoo_refs.all()}
    assert refs["reference"].text == "INV/2026/00012"
    assert refs["reference"].model == "account.move"
    assert refs["url"].host == "acme.odoo.com"
    assert refs["url"].record_id == 42
    assert "https://acme.odoo.com/odoo/sales/42" in refs["url"].text
    created = ticket.events.get(verb="created")
    assert "INV/2026/00012" in created.new["odoo_refs"]


def test_create_stores_explicit_odoo_url_and_record_name(alice):
    ticket = make_ticket(
        alice,
        description="",
        odoo_urls=["https://acme.odoo.com/odoo/action-123/7"],
        references=["Work Center 3"],
    )
    texts = sorted(ticket.odoo_refs.values_list("type", "text"))
    assert texts == [
        ("reference", "Work Center 3"),
        ("url", "https://acme.odoo.com/odoo/action-123/7"),
    ]


def test_create_takes_the_requesters_phone_when_they_want_a_call(org_a):
    carol = UserFactory(email="carol@alpha.example", organisation=org_a, phone="+46 8 123 45")
    ticket = make_ticket(carol, contact_method="phone")
    assert ticket.contact_method == "phone"
    assert ticket.contact_phone == "+46 8 123 45"


def test_customer_flagging_an_impact_claims_it_and_jumps_the_queue(alice):
    ticket = make_ticket(alice, impact="production_down")
    ticket.refresh_from_db()
    assert ticket.impact == "production_down"
    assert ticket.impact_review == "claimed"
    assert ticket.queue_rank == 0


def test_ticket_without_impact_has_the_normal_queue_rank(alice):
    ticket = make_ticket(alice)
    assert (ticket.impact_review, ticket.queue_rank) == ("", 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "   "}, "subject"),
        ({"kind": "wishlist"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"impact": "ceo_is_angry"}, "impact"),
        ({"contact_method": "phone", "contact_phone": ""}, "contact_phone"),
        ({"contact_method": "pigeon"}, "contact_method"),
        ({"odoo_urls": ["https://example.com/some/page"]}, "odoo_url"),
        ({"subject": "x" * 251}, "subject"),
    ],
    ids=[
        "empty-subject",
        "unknown-kind",
        "unknown-channel",
        "unknown-impact",
        "phone-without-number",
        "unknown-contact-method",
        "non-odoo-url",
        "subject-too-long",
    ],
)
def test_create_refuses_bad_input_naming_the_field_and_creates_nothing(alice, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        make_ticket(alice, **overrides)
    assert refused.value.field == field
    # Named as a person reads it: "Subject: …", "Odoo link: …".
    with translation.override("en"):
        assert refused.value.message.startswith(f"{capfirst(str(LABELS[field]))}: ")
    assert Ticket.objects.count() == 0
    assert Event.objects.count() == 0
    assert OdooReference.objects.count() == 0


def test_create_refuses_an_attachment_over_the_size_limit(alice, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = upload("dump.sql", size=2 * 1024 * 1024, content_type="application/sql")
    with pytest.raises(InvalidInput) as refused:
        make_ticket(alice, attachments=[big])
    assert refused.value.field == "attachments"
    assert "dump.sql" in refused.value.reason
    assert "1 MB" in refused.value.reason
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Message.objects.count() == 0


def test_customer_cannot_register_a_ticket_for_another_organisation(alice, org_b):
    with pytest.raises(InvalidInput) as refused:
        make_ticket(alice, organisation=org_b)
    assert refused.value.field == "organisation"
    assert Ticket.objects.count() == 0


def test_staff_cannot_name_a_requester_of_another_organisation(dispatcher, alice, org_b):
    with pytest.raises(InvalidInput) as refused:
        make_ticket(alice, actor=dispatcher, organisation=org_b, channel=Channel.PHONE)
    assert refused.value.field == "requester"
    assert Ticket.objects.count() == 0


# --- ticket_assign ------------------------------------------------------------------------


def test_assign_moves_a_new_ticket_to_assigned_and_records_who(new_ticket, dispatcher, consultant):
    actions.ticket_assign(ticket=new_ticket, actor=dispatcher, assignee=consultant)
    new_ticket.refresh_from_db()
    assert new_ticket.status == "assigned"
    assert new_ticket.assignee == consultant
    assert new_ticket.assigned_at is not None
    event = last_event(new_ticket)
    assert event.verb == "assigned"
    assert event.actor == dispatcher
    assert event.old == {"assignee": None, "status": "new"}
    assert event.new["assignee_id"] == consultant.pk
    assert event.new["status"] == "assigned"
    assert event.new["skill_override"] is False


def test_reassigning_keeps_the_status_and_the_first_assignment_time(
    in_progress_ticket, dispatcher, consultant, other_consultant
):
    first_assigned_at = snapshot(in_progress_ticket)["assigned_at"]
    actions.ticket_assign(ticket=in_progress_ticket, actor=dispatcher, assignee=other_consultant)
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.assignee == other_consultant
    assert in_progress_ticket.status == "in_progress"
    assert in_progress_ticket.assigned_at == first_assigned_at
    event = last_event(in_progress_ticket)
    assert event.old["assignee"] == str(consultant)
    assert event.new["assignee"] == str(other_consultant)


def test_consultant_may_take_a_ticket_themselves(new_ticket, consultant):
    actions.ticket_assign(ticket=new_ticket, actor=consultant, assignee=consultant)
    new_ticket.refresh_from_db()
    assert (new_ticket.status, new_ticket.assignee) == ("assigned", consultant)


def test_consultant_may_not_assign_someone_else(new_ticket, consultant, other_consultant):
    before = snapshot(new_ticket)
    with pytest.raises(PermissionDenied, match="only a dispatcher"):
        actions.ticket_assign(ticket=new_ticket, actor=consultant, assignee=other_consultant)
    assert snapshot(new_ticket) == before


def test_customer_may_not_assign(new_ticket, alice, consultant):
    before = snapshot(new_ticket)
    with pytest.raises(PermissionDenied, match="only support staff"):
        actions.ticket_assign(ticket=new_ticket, actor=alice, assignee=consultant)
    assert snapshot(new_ticket) == before


def test_assign_refuses_a_customer_as_assignee(new_ticket, dispatcher, alice_colleague):
    before = snapshot(new_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_assign(ticket=new_ticket, actor=dispatcher, assignee=alice_colleague)
    assert refused.value.field == "assignee"
    assert snapshot(new_ticket) == before


def test_assign_refuses_a_closed_ticket_saying_reopen_first(closed_ticket, dispatcher, consultant):
    before = snapshot(closed_ticket)
    with pytest.raises(IllegalTransition, match="status 'closed' cannot be assigned: reopen first"):
        actions.ticket_assign(ticket=closed_ticket, actor=dispatcher, assignee=consultant)
    assert snapshot(closed_ticket) == before


def test_assign_refuses_the_same_assignee_again(assigned_ticket, dispatcher, consultant):
    before = snapshot(assigned_ticket)
    with pytest.raises(IllegalTransition, match="already assigned"):
        actions.ticket_assign(ticket=assigned_ticket, actor=dispatcher, assignee=consultant)
    assert snapshot(assigned_ticket) == before


@pytest.fixture
def ticket_needing_skill(alice, skill):
    return make_ticket(alice, required_skill=skill)


def test_consultant_lacking_the_required_skill_is_refused(ticket_needing_skill, other_consultant):
    before = snapshot(ticket_needing_skill)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_assign(
            ticket=ticket_needing_skill, actor=other_consultant, assignee=other_consultant
        )
    assert refused.value.field == "assignee"
    assert "lacks the required skill 'Accounting'" in refused.value.reason
    assert snapshot(ticket_needing_skill) == before


def test_consultant_cannot_override_the_skill_check_even_with_a_reason(
    ticket_needing_skill, other_consultant
):
    before = snapshot(ticket_needing_skill)
    with pytest.raises(InvalidInput, match="lacks the required skill"):
        actions.ticket_assign(
            ticket=ticket_needing_skill,
            actor=other_consultant,
            assignee=other_consultant,
            override_reason="I know accounting",
        )
    assert snapshot(ticket_needing_skill) == before


def test_consultant_with_the_skill_is_assigned_without_override(ticket_needing_skill, consultant):
    actions.ticket_assign(ticket=ticket_needing_skill, actor=consultant, assignee=consultant)
    assert last_event(ticket_needing_skill).new["skill_override"] is False


def test_dispatcher_overriding_the_skill_check_needs_a_reason(
    ticket_needing_skill, dispatcher, other_consultant
):
    before = snapshot(ticket_needing_skill)
    with pytest.raises(InvalidInput, match="a dispatcher may override with a reason"):
        actions.ticket_assign(
            ticket=ticket_needing_skill,
            actor=dispatcher,
            assignee=other_consultant,
            override_reason="   ",
        )
    assert snapshot(ticket_needing_skill) == before


def test_dispatcher_override_with_a_reason_assigns_and_records_the_reason(
    ticket_needing_skill, dispatcher, other_consultant
):
    actions.ticket_assign(
        ticket=ticket_needing_skill,
        actor=dispatcher,
        assignee=other_consultant,
        override_reason="Carl is on holiday",
    )
    ticket_needing_skill.refresh_from_db()
    assert ticket_needing_skill.assignee == other_consultant
    event = last_event(ticket_needing_skill)
    assert event.verb == "assigned"
    assert event.reason == "Carl is on holiday"
    assert event.new["skill_override"] is True


# --- ticket_start -------------------------------------------------------------------------


def test_start_moves_an_assigned_ticket_to_in_progress(assigned_ticket, consultant):
    actions.ticket_start(ticket=assigned_ticket, actor=consultant)
    assigned_ticket.refresh_from_db()
    assert assigned_ticket.status == "in_progress"
    assert assigned_ticket.started_at is not None
    event = last_event(assigned_ticket)
    assert (event.verb, event.actor) == ("started", consultant)
    assert (event.old, event.new) == ({"status": "assigned"}, {"status": "in_progress"})


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("new_ticket", "status 'new' cannot go to 'in_progress': assign first"),
        (
            "in_progress_ticket",
            "status 'in_progress' cannot go to 'in_progress': the ticket is already in progress",
        ),
        ("resolved_ticket", "status 'resolved' cannot go to 'in_progress': reopen first"),
        ("closed_ticket", "status 'closed' cannot go to 'in_progress': reopen first"),
    ],
)
def test_start_refuses_other_states_with_the_reason(request, consultant, state, message):
    ticket = request.getfixturevalue(state)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition) as refused:
        actions.ticket_start(ticket=ticket, actor=consultant)
    assert refused.value.message == message
    assert snapshot(ticket) == before


def test_customer_may_not_start_work(assigned_ticket, alice):
    before = snapshot(assigned_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_start(ticket=assigned_ticket, actor=alice)
    assert snapshot(assigned_ticket) == before


# --- ticket_reply -------------------------------------------------------------------------


def test_reply_adds_a_public_message_and_a_replied_event(in_progress_ticket, consultant):
    message = actions.ticket_reply(
        ticket=in_progress_ticket,
        actor=consultant,
        body="  Please try again now.  ",
        channel=Channel.CONSOLE,
        attachments=[upload("fix.png")],
    )
    message.refresh_from_db()
    assert message.body == "Please try again now."
    assert message.internal is False
    assert message.author == consultant
    assert message.author_email == consultant.email
    assert [a.filename for a in message.attachments.all()] == ["fix.png"]
    event = last_event(in_progress_ticket)
    assert (event.verb, event.actor, event.public) == ("replied", consultant, True)
    assert event.new == {"message_id": message.pk, "channel": "console"}
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.status == "in_progress"


def test_assignees_first_reply_on_an_assigned_ticket_starts_work(assigned_ticket, consultant):
    actions.ticket_reply(
        ticket=assigned_ticket, actor=consultant, body="Looking at it", channel=Channel.CONSOLE
    )
    assigned_ticket.refresh_from_db()
    assert assigned_ticket.status == "in_progress"
    assert assigned_ticket.started_at is not None
    verbs = list(assigned_ticket.events.values_list("verb", flat=True))
    assert verbs[-2:] == ["replied", "started"]


def test_reply_by_staff_who_is_not_the_assignee_does_not_start_work(
    assigned_ticket, other_consultant
):
    actions.ticket_reply(
        ticket=assigned_ticket, actor=other_consultant, body="FYI", channel=Channel.CONSOLE
    )
    assigned_ticket.refresh_from_db()
    assert assigned_ticket.status == "assigned"
    assert assigned_ticket.started_at is None


def test_customer_reply_on_waiting_customer_resumes_work(waiting_customer_ticket, alice):
    actions.ticket_reply(
        ticket=waiting_customer_ticket, actor=alice, body="Screenshot", channel=Channel.PORTAL
    )
    waiting_customer_ticket.refresh_from_db()
    assert waiting_customer_ticket.status == "in_progress"
    event = last_event(waiting_customer_ticket)
    assert (event.verb, event.actor) == ("resumed", alice)
    assert event.old == {"status": "waiting_customer"}
    assert event.reason == "the customer replied"


def test_customer_reply_while_waiting_on_a_third_party_keeps_waiting(
    in_progress_ticket, consultant, alice
):
    actions.ticket_wait(ticket=in_progress_ticket, actor=consultant, on="third_party")
    actions.ticket_reply(ticket=in_progress_ticket, actor=alice, body="Any news?", channel="portal")
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.status == "waiting_third_party"


def test_customer_reply_on_a_resolved_ticket_reopens_it(resolved_ticket, alice, consultant):
    actions.ticket_reply(
        ticket=resolved_ticket, actor=alice, body="Still broken", channel=Channel.EMAIL
    )
    resolved_ticket.refresh_from_db()
    assert resolved_ticket.status == "in_progress"
    assert resolved_ticket.assignee == consultant
    assert resolved_ticket.resolved_at is None
    event = last_event(resolved_ticket)
    assert (event.verb, event.actor) == ("reopened", alice)
    assert event.old == {"status": "resolved"}


def test_reply_on_a_closed_ticket_is_refused_and_adds_nothing(closed_ticket, alice):
    before = snapshot(closed_ticket)
    with pytest.raises(IllegalTransition, match="the ticket is closed: reopen it first"):
        actions.ticket_reply(
            ticket=closed_ticket, actor=alice, body="hello?", channel=Channel.PORTAL
        )
    assert snapshot(closed_ticket) == before


@pytest.mark.parametrize(
    ("body", "channel", "field"),
    [(" \n ", "portal", "body"), ("hi", "carrier-pigeon", "channel")],
    ids=["empty-body", "unknown-channel"],
)
def test_reply_refuses_bad_input_naming_the_field(new_ticket, alice, body, channel, field):
    before = snapshot(new_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_reply(ticket=new_ticket, actor=alice, body=body, channel=channel)
    assert refused.value.field == field
    assert snapshot(new_ticket) == before


def test_reply_refuses_an_attachment_over_the_size_limit(new_ticket, alice, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    before = snapshot(new_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_reply(
            ticket=new_ticket,
            actor=alice,
            body="log attached",
            channel=Channel.PORTAL,
            attachments=[upload("server.log", size=1024 * 1024 + 1)],
        )
    assert refused.value.field == "attachments"
    assert snapshot(new_ticket) == before


def test_customer_of_another_organisation_cannot_reply(new_ticket, bob):
    before = snapshot(new_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_reply(ticket=new_ticket, actor=bob, body="hi", channel=Channel.PORTAL)
    assert snapshot(new_ticket) == before


# --- ticket_add_note ----------------------------------------------------------------------


def test_note_is_internal_with_a_private_event(in_progress_ticket, consultant):
    note = actions.ticket_add_note(
        ticket=in_progress_ticket,
        actor=consultant,
        body="Customer's lock date is wrong",
        attachments=[upload("ledger.csv", content_type="text/csv")],
    )
    note.refresh_from_db()
    assert note.internal is True
    assert note.attachments.get().internal is True
    event = last_event(in_progress_ticket)
    assert (event.verb, event.actor, event.public) == ("noted", consultant, False)
    assert event.new == {"message_id": note.pk}
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.status == "in_progress"


def test_internal_notes_are_not_among_a_customers_messages(in_progress_ticket, consultant, alice):
    reply = actions.ticket_reply(
        ticket=in_progress_ticket, actor=consultant, body="Public", channel=Channel.CONSOLE
    )
    note = actions.ticket_add_note(ticket=in_progress_ticket, actor=consultant, body="Secret")
    assert note in messages_for_user(consultant, in_progress_ticket)
    customer_sees = list(messages_for_user(alice, in_progress_ticket))
    assert reply in customer_sees
    assert note not in customer_sees


def test_customer_cannot_write_an_internal_note(new_ticket, alice):
    before = snapshot(new_ticket)
    with pytest.raises(PermissionDenied, match="only support staff"):
        actions.ticket_add_note(ticket=new_ticket, actor=alice, body="sneaky")
    assert snapshot(new_ticket) == before


def test_empty_note_is_refused(new_ticket, consultant):
    before = snapshot(new_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_add_note(ticket=new_ticket, actor=consultant, body="")
    assert refused.value.field == "body"
    assert snapshot(new_ticket) == before


# --- ticket_wait and ticket_resume --------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "status"), [("customer", "waiting_customer"), ("third_party", "waiting_third_party")]
)
def test_wait_sets_the_waiting_status_with_the_reason(in_progress_ticket, consultant, on, status):
    actions.ticket_wait(ticket=in_progress_ticket, actor=consultant, on=on, reason=" Asked ")
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.status == status
    event = last_event(in_progress_ticket)
    assert (event.verb, event.actor, event.reason) == ("waiting", consultant, "Asked")
    assert (event.old, event.new) == ({"status": "in_progress"}, {"status": status})


def test_wait_can_switch_from_one_waiting_state_to_the_other(waiting_customer_ticket, consultant):
    actions.ticket_wait(ticket=waiting_customer_ticket, actor=consultant, on="third_party")
    waiting_customer_ticket.refresh_from_db()
    assert waiting_customer_ticket.status == "waiting_third_party"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("new_ticket", "status 'new' cannot go to 'waiting_customer': assign first"),
        ("assigned_ticket", "status 'assigned' cannot go to 'waiting_customer'"),
        ("closed_ticket", "status 'closed' cannot go to 'waiting_customer': reopen first"),
        (
            "waiting_customer_ticket",
            "status 'waiting_customer' cannot go to 'waiting_customer': the ticket is already waiting on customer",
        ),
    ],
)
def test_wait_refuses_other_states_with_the_reason(request, consultant, state, message):
    ticket = request.getfixturevalue(state)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition) as refused:
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer")
    assert refused.value.message == message
    assert snapshot(ticket) == before


def test_wait_refuses_an_unknown_party(in_progress_ticket, consultant):
    before = snapshot(in_progress_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_wait(ticket=in_progress_ticket, actor=consultant, on="godot")
    assert refused.value.field == "on"
    assert snapshot(in_progress_ticket) == before


def test_customer_cannot_set_a_ticket_waiting(in_progress_ticket, alice):
    before = snapshot(in_progress_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_wait(ticket=in_progress_ticket, actor=alice, on="third_party")
    assert snapshot(in_progress_ticket) == before


def test_resume_brings_a_waiting_ticket_back_to_work(waiting_customer_ticket, consultant):
    actions.ticket_resume(ticket=waiting_customer_ticket, actor=consultant, reason="got it")
    waiting_customer_ticket.refresh_from_db()
    assert waiting_customer_ticket.status == "in_progress"
    event = last_event(waiting_customer_ticket)
    assert (event.verb, event.actor, event.reason) == ("resumed", consultant, "got it")
    assert (event.old, event.new) == ({"status": "waiting_customer"}, {"status": "in_progress"})


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (
            "in_progress_ticket",
            "status 'in_progress' cannot go to 'in_progress': the ticket is already in progress",
        ),
        ("closed_ticket", "status 'closed' cannot go to 'in_progress': reopen first"),
    ],
)
def test_resume_refuses_a_ticket_that_is_not_waiting(request, consultant, state, message):
    ticket = request.getfixturevalue(state)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition) as refused:
        actions.ticket_resume(ticket=ticket, actor=consultant)
    assert refused.value.message == message
    assert snapshot(ticket) == before


def test_customer_of_another_organisation_cannot_resume(waiting_customer_ticket, bob):
    before = snapshot(waiting_customer_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_resume(ticket=waiting_customer_ticket, actor=bob)
    assert snapshot(waiting_customer_ticket) == before


# --- ticket_resolve, ticket_close, ticket_reopen ------------------------------------------


def test_resolve_marks_the_ticket_resolved_with_the_resolution(in_progress_ticket, consultant):
    actions.ticket_resolve(ticket=in_progress_ticket, actor=consultant, resolution=" Fixed ")
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.status == "resolved"
    assert in_progress_ticket.resolved_at is not None
    event = last_event(in_progress_ticket)
    assert (event.verb, event.actor, event.reason) == ("resolved", consultant, "Fixed")
    assert (event.old, event.new) == ({"status": "in_progress"}, {"status": "resolved"})


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("new_ticket", "status 'new' cannot go to 'resolved': assign first"),
        (
            "resolved_ticket",
            "status 'resolved' cannot go to 'resolved': the ticket is already resolved",
        ),
        ("closed_ticket", "status 'closed' cannot go to 'resolved': reopen first"),
    ],
)
def test_resolve_refuses_other_states_with_the_reason(request, consultant, state, message):
    ticket = request.getfixturevalue(state)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition) as refused:
        actions.ticket_resolve(ticket=ticket, actor=consultant)
    assert refused.value.message == message
    assert snapshot(ticket) == before


def test_customer_cannot_resolve(in_progress_ticket, alice):
    before = snapshot(in_progress_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_resolve(ticket=in_progress_ticket, actor=alice)
    assert snapshot(in_progress_ticket) == before


def test_customer_closes_a_resolved_ticket(resolved_ticket, alice):
    actions.ticket_close(ticket=resolved_ticket, actor=alice, reason="Works, thanks")
    resolved_ticket.refresh_from_db()
    assert resolved_ticket.status == "closed"
    assert resolved_ticket.closed_at is not None
    event = last_event(resolved_ticket)
    assert (event.verb, event.actor, event.reason) == ("closed", alice, "Works, thanks")
    assert (event.old, event.new) == ({"status": "resolved"}, {"status": "closed"})


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("new_ticket", "status 'new' cannot go to 'closed'"),
        ("in_progress_ticket", "status 'in_progress' cannot go to 'closed'"),
        ("closed_ticket", "status 'closed' cannot go to 'closed': the ticket is already closed"),
    ],
)
def test_close_refuses_a_ticket_that_is_not_resolved(request, alice, state, message):
    ticket = request.getfixturevalue(state)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition) as refused:
        actions.ticket_close(ticket=ticket, actor=alice)
    assert refused.value.message == message
    assert snapshot(ticket) == before


def test_customer_of_another_organisation_cannot_close(resolved_ticket, bob):
    before = snapshot(resolved_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_close(ticket=resolved_ticket, actor=bob)
    assert snapshot(resolved_ticket) == before


def test_reopen_of_a_closed_ticket_goes_back_to_its_consultant(closed_ticket, alice, consultant):
    actions.ticket_reopen(ticket=closed_ticket, actor=alice, reason="It broke again")
    closed_ticket.refresh_from_db()
    assert closed_ticket.status == "in_progress"
    assert closed_ticket.assignee == consultant
    assert closed_ticket.resolved_at is None and closed_ticket.closed_at is None
    event = last_event(closed_ticket)
    assert (event.verb, event.actor, event.reason) == ("reopened", alice, "It broke again")
    assert (event.old, event.new) == ({"status": "closed"}, {"status": "in_progress"})


def test_reopen_of_a_ticket_nobody_had_goes_back_to_new(alice, dispatcher):
    # The actions only resolve assigned tickets; an unassigned resolved ticket comes from
    # bulk imports (``demo --tickets``), so the row is set up directly.
    ticket = make_ticket(alice)
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved")
    actions.ticket_reopen(ticket=ticket, actor=alice)
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.parametrize("state", ["new_ticket", "in_progress_ticket", "waiting_customer_ticket"])
def test_reopen_refuses_an_open_ticket(request, alice, state):
    ticket = request.getfixturevalue(state)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition) as refused:
        actions.ticket_reopen(ticket=ticket, actor=alice)
    assert refused.value.message == f"status '{before['status']}' cannot be reopened: it is open"
    assert snapshot(ticket) == before


def test_customer_of_another_organisation_cannot_reopen(closed_ticket, bob):
    before = snapshot(closed_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_reopen(ticket=closed_ticket, actor=bob)
    assert snapshot(closed_ticket) == before


# --- ticket_update ------------------------------------------------------------------------


def test_customer_updates_subject_and_the_event_has_old_and_new(new_ticket, alice):
    actions.ticket_update(ticket=new_ticket, actor=alice, subject="Invoice INV/2026/00013 too")
    new_ticket.refresh_from_db()
    assert new_ticket.subject == "Invoice INV/2026/00013 too"
    event = last_event(new_ticket)
    assert (event.verb, event.actor) == ("updated", alice)
    assert event.old == {"subject": "Invoice cannot be posted"}
    assert event.new == {"subject": "Invoice INV/2026/00013 too"}


def test_update_with_no_change_writes_no_event(new_ticket, alice):
    before = snapshot(new_ticket)
    actions.ticket_update(ticket=new_ticket, actor=alice, subject=new_ticket.subject)
    assert snapshot(new_ticket) == before


def test_update_adds_odoo_references_once(new_ticket, alice):
    url = "https://acme.odoo.com/odoo/sales/42"
    actions.ticket_update(ticket=new_ticket, actor=alice, add_urls=[url], add_references=["S00042"])
    actions.ticket_update(ticket=new_ticket, actor=alice, add_urls=[url], add_references=["S00042"])
    texts = set(new_ticket.odoo_refs.values_list("text", flat=True))
    assert {url, "S00042"} <= texts
    assert new_ticket.odoo_refs.filter(text=url).count() == 1
    assert new_ticket.events.filter(verb="updated").count() == 1


def test_staff_sets_the_code_owner(in_progress_ticket, consultant):
    actions.ticket_update(ticket=in_progress_ticket, actor=consultant, code_owner="partner")
    in_progress_ticket.refresh_from_db()
    assert in_progress_ticket.code_owner == "partner"
    assert last_event(in_progress_ticket).new == {"code_owner": "partner"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"kind": "bug_fix"}, "kind"),
        ({"code_owner": "partner"}, "code_owner"),
        ({"status": "closed"}, "status"),
        ({"impact": "boss_is_angry"}, "impact"),
        ({"contact_method": "phone"}, "contact_phone"),
    ],
    ids=[
        "empty-subject",
        "staff-field-kind",
        "staff-field-code-owner",
        "not-a-field",
        "unknown-impact",
        "phone-without-number",
    ],
)
def test_customer_update_refuses_bad_input_naming_the_field(new_ticket, alice, changes, field):
    before = snapshot(new_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_update(ticket=new_ticket, actor=alice, **changes)
    assert refused.value.field == field
    assert snapshot(new_ticket) == before


def test_update_refuses_a_non_odoo_url(new_ticket, alice):
    before = snapshot(new_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_update(ticket=new_ticket, actor=alice, add_urls=["https://example.com/x"])
    assert refused.value.field == "odoo_url"
    assert snapshot(new_ticket) == before


def test_customer_flagging_impact_later_claims_it(new_ticket, alice):
    actions.ticket_update(ticket=new_ticket, actor=alice, impact="invoicing_blocked")
    new_ticket.refresh_from_db()
    assert (new_ticket.impact_review, new_ticket.queue_rank) == ("claimed", 0)
    assert last_event(new_ticket).new == {
        "impact": "invoicing_blocked",
        "impact_review": "claimed",
    }


@pytest.fixture
def claimed_ticket(alice):
    return make_ticket(alice, impact="production_down")


def test_dispatcher_removing_an_impact_flag_needs_a_reason(claimed_ticket, dispatcher):
    before = snapshot(claimed_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_update(ticket=claimed_ticket, actor=dispatcher, impact_review="removed")
    assert refused.value.field == "reason"
    assert snapshot(claimed_ticket) == before
    assert before["queue_rank"] == 0


def test_dispatcher_removing_an_impact_flag_drops_it_to_the_normal_queue(
    claimed_ticket, dispatcher
):
    actions.ticket_update(
        ticket=claimed_ticket,
        actor=dispatcher,
        impact_review="removed",
        reason="Only the test instance is down",
    )
    claimed_ticket.refresh_from_db()
    assert claimed_ticket.impact == "production_down"
    assert claimed_ticket.impact_review == "removed"
    assert claimed_ticket.queue_rank == 1
    event = last_event(claimed_ticket)
    assert (event.verb, event.actor) == ("updated", dispatcher)
    assert event.reason == "Only the test instance is down"
    assert (event.old, event.new) == ({"impact_review": "claimed"}, {"impact_review": "removed"})


def test_dispatcher_confirming_an_impact_flag_keeps_it_first(claimed_ticket, dispatcher):
    actions.ticket_update(ticket=claimed_ticket, actor=dispatcher, impact_review="confirmed")
    claimed_ticket.refresh_from_db()
    assert (claimed_ticket.impact_review, claimed_ticket.queue_rank) == ("confirmed", 0)


def test_only_a_dispatcher_reviews_an_impact_flag(claimed_ticket, consultant):
    before = snapshot(claimed_ticket)
    with pytest.raises(InvalidInput) as refused:
        actions.ticket_update(
            ticket=claimed_ticket, actor=consultant, impact_review="removed", reason="no"
        )
    assert refused.value.field == "impact_review"
    assert snapshot(claimed_ticket) == before


def test_customer_of_another_organisation_cannot_update(new_ticket, bob):
    before = snapshot(new_ticket)
    with pytest.raises(PermissionDenied):
        actions.ticket_update(ticket=new_ticket, actor=bob, subject="mine now")
    assert snapshot(new_ticket) == before


# --- the timeline is append-only -----------------------------------------------------------


def test_an_event_cannot_be_saved_twice(new_ticket):
    event = new_ticket.events.get()
    event.reason = "rewritten history"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.reason == ""


def test_a_change_of_required_skill_stays_off_the_customers_timeline(alice, dispatcher, skill):
    ticket = make_ticket(alice)
    actions.ticket_update(
        ticket=ticket, actor=dispatcher, required_skill=skill, kind="configuration"
    )
    public = ticket.events.filter(verb="updated", public=True).get()
    internal = ticket.events.filter(verb="updated", public=False).get()
    assert public.new == {"kind": "configuration"}
    assert internal.new == {"required_skill": "Accounting"}


def test_the_database_refuses_to_edit_an_event(alice):
    from django.db import DatabaseError, transaction

    ticket = make_ticket(alice)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ticket.events.update(verb="forged")
    assert list(ticket.events.values_list("verb", flat=True)) == ["created"]


def test_a_deleted_users_events_stay_without_their_actor(org_a, dispatcher, consultant):
    requester = UserFactory(email="gone@alpha.example", organisation=org_a)
    ticket = make_ticket(requester)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    requester.delete()
    assert list(ticket.events.values_list("verb", "actor")) == [
        ("created", None),
        ("assigned", dispatcher.pk),
    ]


def test_references_in_a_customers_reply_are_recognised_too(alice, consultant):
    from supportdesk.tickets.models import Channel

    ticket = make_ticket(alice, subject="Posting fails", description="It fails.")
    assert not ticket.odoo_refs.exists()
    actions.ticket_reply(
        ticket=ticket,
        actor=alice,
        body="It is S00042, see https://alpha.odoo.com/odoo/sales/42 — and INV/2026/00012.",
        channel=Channel.PORTAL,
    )
    actions.ticket_reply(ticket=ticket, actor=alice, body="Again S00042.", channel=Channel.PORTAL)
    texts = sorted(ticket.odoo_refs.values_list("text", flat=True))
    assert "S00042" in texts and "INV/2026/00012" in texts
    assert any("alpha.odoo.com/odoo/sales/42" in t for t in texts)
    assert len(texts) == 3  # the second mention adds nothing
    event = ticket.events.filter(verb="replied").first()
    assert set(event.new["odoo_refs"]) == set(texts)
    # A consultant quoting a reference in a reply does not add it to the ticket.
    actions.ticket_reply(
        ticket=ticket, actor=consultant, body="Compare with SO S00099.", channel=Channel.CONSOLE
    )
    assert not ticket.odoo_refs.filter(text="S00099").exists()
