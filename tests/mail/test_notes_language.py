"""The notes the mail channel writes on a ticket read in the reader's language.

A bounce, an automatic reply or an unverified staff address is noted on the ticket as a
code with its words (``tickets.notes``): a Swedish consultant reads Swedish, an English
one English, and the stored body keeps the English words and what the mail said.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from supportdesk.tickets.notes import NOTES, compose, shown
from tests.mail.conftest import CORPUS, ingest

pytestmark = pytest.mark.django_db

SAMPLE = {
    "address": "a@b.example",
    "reason": "Auto-Submitted: auto-replied",
    "subject": "Re: x",
    "recipients": "c@d.example",
    "diagnostic": "550 5.1.1 User unknown",
    "size": "31.0",
    "limit": 25,
}


@pytest.mark.parametrize("code", sorted(NOTES))
def test_every_note_has_its_swedish_words(code):
    body, note = compose(code, SAMPLE, "what the mail said")
    with translation.override("sv"):
        swedish = shown(body, note)
    with translation.override("en"):
        english = shown(body, note)
    assert english == body
    assert swedish != english and swedish.endswith("\n\nwhat the mail said")


def test_a_changed_body_is_shown_as_stored():
    body, note = compose("bounce", SAMPLE)
    with translation.override("sv"):
        assert shown("edited by hand", note) == "edited by hand"
        assert shown(body, {"code": "no-such-code"}) == body


def _workspace(client, user, number: str, language: str) -> str:
    user.language = language
    user.save()
    client.force_login(user)
    return client.get(f"/console/tickets/{number}/").content.decode()


def test_a_bounce_note_reads_in_swedish_in_the_workspace(client, world):
    raw = world.fill((CORPUS / "bounce_postfix_dsn.eml").read_bytes())
    inbound = ingest(raw, mailbox=world.mailbox)
    note = inbound.ticket_message
    assert note.body.startswith("Mail to alice@alpha.example could not be delivered: ")
    html = _workspace(client, world.consultant, inbound.ticket.number, "sv")
    assert "E-post till alice@alpha.example kunde inte levereras: " in html
    assert "could not be delivered" not in html
    html = _workspace(client, world.consultant, inbound.ticket.number, "en")
    assert "Mail to alice@alpha.example could not be delivered: " in html


def test_an_automatic_reply_note_reads_in_swedish(client, world):
    raw = (
        b"From: alice@alpha.example\r\nTo: support+"
        + world.open.reply_token.encode()
        + b"@example.com\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n"
        b"Message-ID: <ooo-sv@alpha.example>\r\n\r\nBack on Monday.\r\n"
    )
    inbound = ingest(raw, mailbox=world.mailbox)
    assert inbound.outcome == "auto_reply"
    html = _workspace(client, world.consultant, world.open.number, "sv")
    assert "Automatiskt e-brev från alice@alpha.example" in html
    assert "Back on Monday." in html  # what the mail said stays as written
    assert "Automatic mail from" not in html
