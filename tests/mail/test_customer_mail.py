"""Mail a customer is glad to get: an acknowledgement from every channel, one mail for a
burst of news, links that lead to this site."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.core import clock
from supportdesk.mail.models import OutboundMail
from supportdesk.mail.outbox import send_due
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.PHONE, Channel.CONSOLE, Channel.API])
def test_every_channel_acknowledges_in_the_contacts_language(channel, alice, consultant, settings):
    settings.SITE_URL = "https://support.partner.example"
    alice.language = "sv"
    alice.save()
    # Five tickets in an hour: the mail-loop limit does not hold back a person's own tickets.
    for i in range(5):
        actor = consultant if channel in (Channel.PHONE, Channel.CONSOLE) else alice
        ticket = make_ticket(alice, subject=f"Ärende {i}", channel=channel, actor=actor)
        ack = OutboundMail.objects.get(ticket=ticket, purpose="ack")
        assert ack.to == [alice.email]
        assert ticket.number in ack.subject and "Mottaget" in ack.subject
        assert ticket.number in ack.text
        assert "arbetsdagar" in ack.text  # what happens next, in Swedish
        assert f"https://support.partner.example/tickets/{ticket.number}/" in ack.text
        assert f'href="https://support.partner.example/tickets/{ticket.number}/"' in ack.html


def test_a_burst_of_news_on_one_ticket_is_one_mail(alice, consultant, settings):
    settings.MAIL_COALESCE_SECONDS = 120
    start = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
    with clock.at(start):
        ticket = make_ticket(alice, subject="Posting fails")
    with clock.at(start + dt.timedelta(seconds=10)):
        actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    with clock.at(start + dt.timedelta(seconds=20)):
        actions.ticket_start(ticket=ticket, actor=consultant)
        actions.ticket_reply(
            ticket=ticket,
            actor=consultant,
            body="Check the **lock date**.",
            channel=Channel.CONSOLE,
        )
    with clock.at(start + dt.timedelta(seconds=50)):
        actions.ticket_resolve(ticket=ticket, actor=consultant, resolution="Lock date moved.")

    news = OutboundMail.objects.filter(ticket=ticket).exclude(purpose="ack")
    assert news.count() == 1
    mail = news.get()
    assert mail.purpose == "status+reply"
    assert "Check the lock date." in mail.text.replace("**", "")
    assert "Lock date moved." in mail.text
    assert mail.text.count("Follow it in the portal") == 1  # one footer
    assert "<strong>lock date</strong>" in mail.html and mail.html.count("<!--part-->") == 1
    assert mail.subject.endswith("Resolved")  # the latest news names the mail

    send_due(now=start + dt.timedelta(seconds=60))
    mail.refresh_from_db()
    assert mail.state == "queued"  # still held for more news
    send_due(now=start + dt.timedelta(seconds=131))
    mail.refresh_from_db()
    assert mail.state == "sent"


def test_news_after_the_window_is_a_new_mail(alice, consultant, settings):
    settings.MAIL_COALESCE_SECONDS = 120
    start = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
    with clock.at(start):
        ticket = make_ticket(alice, subject="Posting fails")
        actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    with clock.at(start + dt.timedelta(minutes=5)):
        actions.ticket_reply(ticket=ticket, actor=consultant, body="Done?", channel=Channel.CONSOLE)
    assert list(
        OutboundMail.objects.filter(ticket=ticket)
        .order_by("created_at")
        .values_list("purpose", flat=True)
    ) == ["ack", "status", "reply"]
