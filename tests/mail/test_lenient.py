"""Lenient parsing, strict storing: malformed headers still name their sender."""

from __future__ import annotations

from tests.mail.conftest import ingest


def _ok(raw: bytes, world, **kw):
    inbound = ingest(raw, mailbox=world.mailbox, **kw)
    assert bytes(inbound.raw) == raw, "stored byte-exact, repaired only when read"
    return inbound


def test_a_broken_header_line_does_not_end_the_header_early(world):
    raw = (
        b"Received: from mx.alpha.example by mx.example.com\r\n"
        b"this line is no header at all\r\n"
        b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\n"
        b"Subject: Broken header\r\nMessage-ID: <broken-1@alpha.example>\r\n\r\nHello.\r\n"
    )
    inbound = _ok(raw, world)
    assert inbound.outcome == "ticket_created"
    assert inbound.ticket.requester.email == "alice@alpha.example"
    assert inbound.ticket.subject == "Broken header"
    assert inbound.ticket.description == "Hello."
    assert "broken header line was skipped" in inbound.notes


def test_a_space_before_the_colon_of_from(world):
    raw = (
        b"From  : Alice <alice@alpha.example>\r\nTo: support@example.com\r\n"
        b"Subject: Spaced\r\nMessage-ID: <spaced-1@alpha.example>\r\n\r\nHello.\r\n"
    )
    inbound = _ok(raw, world)
    assert inbound.outcome == "ticket_created"
    assert inbound.ticket.requester.email == "alice@alpha.example"
    assert inbound.from_address == "alice@alpha.example"


def test_a_from_with_a_name_and_an_empty_address_is_not_verified(world):
    raw = (
        b'From: "Alice Andersson" <>\r\nTo: support@example.com\r\n'
        b"Subject: Empty address\r\nMessage-ID: <empty-1@alpha.example>\r\n\r\nHello.\r\n"
    )
    inbound = _ok(raw, world, envelope_from="alice@alpha.example")
    assert inbound.outcome == "ticket_created"
    assert inbound.ticket.sender_verified is False
    assert "names 'Alice Andersson' but no address" in inbound.notes

    nothing = raw.replace(b"empty-1", b"empty-2")
    failed = _ok(nothing, world)
    assert failed.state == "failed" and "only the name 'Alice Andersson'" in failed.error


def test_a_from_without_angle_brackets_names_its_address_by_the_last_word(world):
    # As in mikel/mail's spec/fixtures/emails/plain_emails/mix_caps_content_type.eml.
    raw = (
        b"From: Alice Andersson alice@alpha.example\r\nTo: support@example.com\r\n"
        b"Subject: No brackets\r\nMessage-ID: <bare-1@alpha.example>\r\n\r\nHello.\r\n"
    )
    inbound = _ok(raw, world)
    assert inbound.from_address == "alice@alpha.example"
    assert inbound.outcome == "ticket_created"
    assert inbound.ticket.requester == world.alice  # not a new contact "alice andersson alice"

    quoted = b'From: "alice andersson"@alpha.example\r\nTo: support@example.com\r\n'
    quoted += b"Subject: Quoted\r\nMessage-ID: <bare-2@alpha.example>\r\n\r\nHello.\r\n"
    assert _ok(quoted, world).from_address == '"alice andersson"@alpha.example'


def test_a_staff_address_recovered_from_the_envelope_is_never_the_consultant(world):
    raw = (
        b"Authentication-Results: mx.example.com; dmarc=pass header.from=partner.example\r\n"
        b'From: "Carl" <>\r\nTo: support+' + world.open.reply_token.encode() + b"@example.com\r\n"
        b"Subject: Re: x\r\nMessage-ID: <empty-3@partner.example>\r\n\r\nPaid.\r\n"
    )
    inbound = _ok(raw, world, envelope_from="carl@partner.example")
    assert inbound.outcome == "unverified_staff" and inbound.ticket_message.internal


def test_raw_utf7_and_undeclared_8bit_subjects_are_decoded(world):
    utf7 = (
        b"From: alice@alpha.example\r\nTo: support@example.com\r\n"
        b"Subject: Fr+AOU-ga om +AOQ-ndring\r\nMessage-ID: <utf7-1@alpha.example>\r\n\r\nx\r\n"
    )
    assert _ok(utf7, world).ticket.subject == "Fråga om ändring"
    eight_bit = (
        b"From: alice@alpha.example\r\nTo: support@example.com\r\n"
        b"Subject: Fr\xe5ga om \xe4ndring\r\nMessage-ID: <8bit-1@alpha.example>\r\n\r\nx\r\n"
    )
    assert _ok(eight_bit, world).ticket.subject == "Fråga om ändring"
    plus = (
        b"From: alice@alpha.example\r\nTo: support@example.com\r\n"
        b"Subject: C++ and 1+1-2 stay\r\nMessage-ID: <plus-1@alpha.example>\r\n\r\nx\r\n"
    )
    assert _ok(plus, world).ticket.subject == "C++ and 1+1-2 stay"


def test_postmaster_is_a_bounce_only_when_the_message_is_one(world):
    person = (
        b"From: Postmaster <postmaster@alpha.example>\r\nTo: support@example.com\r\n"
        b"Subject: Our MX changes tonight\r\nMessage-ID: <pm-1@alpha.example>\r\n\r\n"
        b"Please update the allow list.\r\n"
    )
    inbound = _ok(person, world)
    assert inbound.outcome == "ticket_created"
    daemon_note = person.replace(b"postmaster@", b"mailer-daemon@").replace(b"pm-1", b"pm-2")
    assert _ok(daemon_note, world).outcome == "auto_reply"
    bounce = (
        b"From: postmaster@alpha.example\r\nTo: support@example.com\r\n"
        b"Subject: Undeliverable: your message\r\nMessage-ID: <pm-3@alpha.example>\r\n\r\n"
        b"Delivery has failed to these recipients: adam@alpha.example\r\n"
    )
    assert _ok(bounce, world).outcome == "bounce"
