"""Every message of the corpus, shaped like real ones, gets its expected outcome."""

from __future__ import annotations

import tomllib

import pytest
from django.utils import translation

from supportdesk.accounts.models import User
from supportdesk.leads.models import Lead
from supportdesk.mail.models import InboundMail
from supportdesk.tickets.models import Attachment, Ticket, TicketLink
from tests.mail.conftest import CORPUS, customer_mail, ingest, last_outbound_pk

EXPECTED = tomllib.loads((CORPUS / "outcomes.toml").read_text())


def test_the_corpus_is_large_and_every_message_has_an_expected_outcome():
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(files) >= 40
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name, world):
    expected = EXPECTED[name]
    raw = world.fill((CORPUS / name).read_bytes())
    tickets_before = set(Ticket.objects.values_list("pk", flat=True))
    outbound_before = last_outbound_pk()

    inbound = ingest(raw, mailbox=world.mailbox)

    assert inbound.state == expected.get("state", "processed"), inbound.error
    assert inbound.outcome == expected.get("outcome", "")
    if "error" in expected:
        assert expected["error"] in inbound.error
    assert bytes(inbound.raw) == raw if not inbound.truncated else len(raw) == inbound.size

    new_tickets = Ticket.objects.exclude(pk__in=tickets_before)
    which = expected.get("ticket")
    if which == "new":
        assert new_tickets.count() == 1
        ticket = new_tickets.get()
    else:
        assert not new_tickets.exists(), "no ticket is created"
        ticket = getattr(world, which) if which else None
    assert inbound.ticket_id == (ticket.pk if ticket else None)

    if ticket is not None:
        ticket.refresh_from_db()
        if which == "new":
            text = ticket.description
            message = inbound.ticket_message
        else:
            message = inbound.ticket_message
            assert message is not None and message.ticket_id == ticket.pk
            text = message.body
        for part in expected.get("contains", []):
            assert part in text
        for part in expected.get("excludes", []):
            assert part not in text
        if "subject" in expected:
            assert ticket.subject == expected["subject"]
        if "organisation" in expected:
            assert ticket.organisation.name == expected["organisation"]
        if "status" in expected:
            assert ticket.status == expected["status"]
        if "verified" in expected:
            assert ticket.sender_verified is expected["verified"]
        if "requester" in expected:
            assert ticket.requester.email == expected["requester"]
            assert not ticket.requester.has_usable_password()
        if "author" in expected:
            assert message.author.email == expected["author"]
        if "internal" in expected:
            assert message.internal is expected["internal"]
        if "attachments" in expected:
            names = sorted(
                Attachment.objects.filter(ticket=ticket).values_list("filename", flat=True)
            )
            assert names == sorted(expected["attachments"])
        if "refs" in expected:
            stored = set(ticket.odoo_refs.values_list("normalised", flat=True))
            assert set(expected["refs"]) <= stored
        if "watchers" in expected:
            assert sorted(ticket.watchers.values_list("email", flat=True)) == expected["watchers"]
        if "follow_up_of" in expected:
            target = getattr(world, expected["follow_up_of"])
            assert TicketLink.objects.filter(
                source=ticket, target=target, kind="follow_up"
            ).exists()
        if "html_excludes" in expected:
            html = message.body_html if message else ""
            assert html, "the sanitised HTML is kept"
            for part in expected["html_excludes"]:
                assert part not in html
    if "failing" in expected:
        failing = sorted(
            User.objects.filter(email_failing_since__isnull=False).values_list("email", flat=True)
        )
        assert failing == expected["failing"]
    if expected.get("lead"):
        lead = Lead.objects.get()
        assert inbound.lead == lead and lead.source == "email"
    queued = sorted(m.purpose for m in customer_mail(outbound_before))
    assert queued == sorted(expected.get("queued", []))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_delivered_twice_is_recorded_once(name, world):
    raw = world.fill((CORPUS / name).read_bytes())
    first = ingest(raw, mailbox=world.mailbox)
    tickets = Ticket.objects.count()
    outbound = last_outbound_pk()
    second = ingest(raw, mailbox=world.mailbox)
    assert second.pk == first.pk
    assert InboundMail.objects.count() == 1
    assert InboundMail.objects.get().deliveries == 2
    assert Ticket.objects.count() == tickets
    assert last_outbound_pk() == outbound


def test_staff_mail_naming_no_ticket_is_kept_with_nothing_to_do(world):
    raw = (
        b"Authentication-Results: mx.example.com; dmarc=pass header.from=partner.example\r\n"
        b"From: carl@partner.example\r\nTo: support@example.com\r\nSubject: Lunch?\r\n"
        b"Message-ID: <staff-1@partner.example>\r\n\r\nAnyone?\r\n"
    )
    inbound = ingest(raw, mailbox=world.mailbox)
    assert (inbound.state, inbound.outcome) == ("ignored", "staff_unthreaded")
    assert inbound.ticket is None


def test_unverified_staff_mail_naming_no_ticket_is_kept_and_says_why(world):
    raw = (
        b"From: carl@partner.example\r\nTo: support@example.com\r\nSubject: Lunch?\r\n"
        b"Message-ID: <staff-2@partner.example>\r\n\r\nAnyone?\r\n"
    )
    inbound = ingest(raw, mailbox=world.mailbox)
    assert (inbound.state, inbound.outcome) == ("ignored", "unverified_staff")
    assert "Claims to be from carl@partner.example, not verified" in inbound.error
    assert inbound.ticket is None and bytes(inbound.raw) == raw


def test_a_mailbox_with_a_default_organisation_routes_unknown_senders_to_it(world, org_b):
    world.mailbox.default_organisation = org_b
    world.mailbox.save()
    raw = (
        b"From: Dana <dana@freemail.example>\r\nTo: support@example.com\r\nSubject: Help\r\n"
        b"Message-ID: <default-org-1@freemail.example>\r\n\r\nPlease.\r\n"
    )
    ticket = ingest(raw, mailbox=world.mailbox).ticket
    assert ticket.organisation == org_b and not ticket.sender_verified
    assert ticket.requester.email == "dana@freemail.example"


def test_the_unverified_staff_note_is_in_the_consultants_language(world):
    world.consultant.language = "sv"
    world.consultant.save()
    raw = (
        b"From: carl@partner.example\r\nTo: support+"
        + world.open.reply_token.encode()
        + b"@example.com\r\n"
        b"Subject: Re: x\r\nMessage-ID: <staff-sv@partner.example>\r\n\r\nHej.\r\n"
    )
    inbound = ingest(raw, mailbox=world.mailbox)
    assert inbound.ticket_message.internal
    note = inbound.ticket_message
    # Stored as a code and its words: each reader reads it in their own language.
    with translation.override("sv"):
        assert note.shown_body.startswith(
            "Utger sig för att vara från carl@partner.example, inte verifierat.\n\nRe: x"
        )
    with translation.override("en"):
        assert note.shown_body.startswith("Claims to be from carl@partner.example, not verified.")
    assert note.body.startswith("Claims to be from carl@partner.example, not verified.")
