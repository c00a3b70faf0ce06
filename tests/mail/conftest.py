"""The mail tests' world: two customer organisations, a mailbox, and tickets to reply to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from supportdesk.core import clock
from supportdesk.mail.models import InboundMail, Mailbox, OutboundMail
from supportdesk.mail.process import process
from supportdesk.mail.store import store_raw
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Ticket
from tests.mail.servers import Dovecot, SmtpSink, start_smtp

CORPUS = Path(__file__).parent / "corpus"
CUSTOMER_PURPOSES = ("ack", "reply", "status", "reminder", "refused")


@dataclass
class World:
    alice: object
    adam: object
    bob: object
    consultant: object
    mailbox: Mailbox
    open: Ticket
    recent_closed: Ticket
    old_closed: Ticket
    ack_id: str
    root_id: str = "<root-1@alpha.example>"

    def fill(self, raw: bytes) -> bytes:
        """Put the world's ticket numbers and Message-IDs into a corpus message."""
        for key, value in {
            "%%TICKET%%": self.open.number,
            "%%TOKEN%%": self.open.reply_token,
            "%%ACK_ID%%": self.ack_id,
            "%%ROOT_ID%%": self.root_id,
            "%%RECENT_CLOSED%%": self.recent_closed.number,
            "%%OLD_CLOSED%%": self.old_closed.number,
        }.items():
            raw = raw.replace(key.encode(), value.encode())
        return raw


def closed_ticket(requester, consultant, subject: str, closed_days_ago: int) -> Ticket:
    with clock.at(timezone.now() - dt.timedelta(days=closed_days_ago, hours=2)):
        ticket = actions.ticket_create(
            actor=requester,
            organisation=requester.organisation,
            requester=requester,
            channel=Channel.EMAIL,
            subject=subject,
            description="A question.",
        )
        ticket = actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
        ticket = actions.ticket_start(ticket=ticket, actor=consultant)
        ticket = actions.ticket_resolve(ticket=ticket, actor=consultant, resolution="Done.")
    with clock.at(timezone.now() - dt.timedelta(days=closed_days_ago)):
        return actions.ticket_close(ticket=ticket, actor=consultant)


@pytest.fixture
def mail_settings(settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    settings.MAIL_MAX_BYTES = 100_000
    settings.ATTACHMENT_MAX_BYTES = 40_000
    settings.MAIL_REOPEN_DAYS = 14
    settings.MAIL_ACKS_PER_HOUR = 3
    settings.MAIL_NOTIFICATIONS = True
    # The receiving server whose Authentication-Results vouch for staff senders.
    settings.MAIL_TRUSTED_AUTHSERV_IDS = ["mx.example.com"]
    settings.MAIL_WEBHOOK_PROVIDERS = []
    return settings


@pytest.fixture
def world(mail_settings, org_a, org_b, alice, alice_colleague, bob, consultant) -> World:
    org_a.mail_domains = "alpha.example"
    org_a.save()
    org_b.mail_domains = "beta.example, beta-ab.example"
    org_b.save()
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com")
    old_closed = closed_ticket(alice, consultant, "Old question", 60)
    recent_closed = closed_ticket(alice, consultant, "Report totals", 3)
    open_ticket = actions.ticket_create(
        actor=alice,
        organisation=org_a,
        requester=alice,
        channel=Channel.EMAIL,
        subject="Invoice cannot be posted",
        description="Posting INV/2026/00012 fails with a lock date error.",
        message_id="<root-1@alpha.example>",
    )
    ack = OutboundMail.objects.get(ticket=open_ticket, purpose="ack")
    return World(
        alice=alice,
        adam=alice_colleague,
        bob=bob,
        consultant=consultant,
        mailbox=mailbox,
        open=open_ticket,
        recent_closed=recent_closed,
        old_closed=old_closed,
        ack_id=ack.message_id,
    )


def ingest(
    raw: bytes, *, mailbox: Mailbox | None = None, source: str = "pipe", **kw
) -> InboundMail:
    """Store a message raw and process it, as every way in does."""
    stored = store_raw(raw, source=source, mailbox=mailbox, **kw)
    return process(stored.inbound.pk)


def customer_mail(since_pk: int = 0) -> list[OutboundMail]:
    return list(
        OutboundMail.objects.filter(pk__gt=since_pk, purpose__in=CUSTOMER_PURPOSES).order_by("pk")
    )


def last_outbound_pk() -> int:
    return OutboundMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback, and the outbox's mailer pointed at it."""
    sink, controller = start_smtp()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    try:
        yield sink
    finally:
        controller.stop()
