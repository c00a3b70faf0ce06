"""Staff notifications: in the console, and by mail as each person prefers."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.commitments.actions import sweep
from supportdesk.commitments.models import Notification
from supportdesk.console.models import StaffPreference
from supportdesk.console.notify import deliver_pending
from supportdesk.console.selectors import unread_count
from supportdesk.core import clock
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets import actions
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


def staff_mail(user, kind):
    return OutboundMail.objects.filter(to=[user.email], purpose=f"staff_{kind}")


def test_a_new_ticket_notifies_every_dispatcher(alice, dispatcher):
    second = UserFactory(email="dan@partner.example", role="dispatcher", organisation=None)
    ticket = make_ticket(alice)
    for user in (dispatcher, second):
        note = Notification.objects.get(user=user, kind="new_ticket")
        assert note.ticket == ticket and ticket.number in note.text
        assert staff_mail(user, "new_ticket").count() == 1


def test_assignment_notifies_the_assignee_unless_they_took_it(alice, dispatcher, consultant):
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    assert Notification.objects.filter(user=consultant, kind="assigned").count() == 1
    other = make_ticket(alice)
    actions.ticket_assign(ticket=other, actor=consultant, assignee=consultant)
    assert Notification.objects.filter(user=consultant, kind="assigned").count() == 1


def test_a_customer_reply_notifies_the_assignee(alice, dispatcher, consultant):
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_reply(ticket=ticket, actor=consultant, body="Which invoice?", channel="console")
    assert not Notification.objects.filter(kind="customer_replied").exists()
    actions.ticket_reply(ticket=ticket, actor=alice, body="INV/2026/00012", channel="portal")
    note = Notification.objects.get(user=consultant, kind="customer_replied")
    assert "INV/2026/00012" in note.text


def test_mail_follows_the_preference(alice, dispatcher, client):
    client.force_login(dispatcher)
    client.post("/console/preferences/", {"mail_assigned": "on"})  # new tickets unticked
    assert StaffPreference.objects.get(user=dispatcher).mail_new_ticket is False
    make_ticket(alice)
    assert Notification.objects.filter(user=dispatcher, kind="new_ticket").count() == 1
    assert not staff_mail(dispatcher, "new_ticket").exists()


def test_deadline_warnings_of_the_sweep_are_mailed_once(alice, dispatcher):
    monday = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
    with clock.at(monday):
        make_ticket(alice)
    later = monday + dt.timedelta(days=3)
    sweep(now=later)
    assert Notification.objects.filter(user=dispatcher, kind="assignment_breached").exists()
    with clock.at(later):
        assert deliver_pending() >= 1
        assert deliver_pending() == 0
    assert staff_mail(dispatcher, "assignment_breached").count() == 1


def test_console_shows_unread_count_and_marks_read(alice, dispatcher, client, bob):
    make_ticket(alice)
    make_ticket(alice)
    client.force_login(dispatcher)
    html = client.get("/console/").content.decode()
    assert '<span class="badge">2</span>' in html
    page = client.get("/console/notifications/").content.decode()
    assert "New ticket" in page
    client.post("/console/notifications/read/")
    assert (
        '<span class="badge">' not in client.get("/console/notifications/badge/").content.decode()
    )
    client.force_login(bob)
    for url in [
        "/console/notifications/",
        "/console/notifications/badge/",
        "/console/preferences/",
    ]:
        assert client.get(url).status_code == 404


def test_the_unread_count_is_the_users_unread_notifications_only(dispatcher):
    other = UserFactory(email="otto@partner.example", role="consultant", organisation=None)
    for user, read_at in [
        (dispatcher, None),
        (dispatcher, None),
        (dispatcher, None),
        (dispatcher, clock.now()),
        (other, None),
    ]:
        Notification.objects.create(user=user, kind="k", text="t", read_at=read_at)
    assert unread_count(dispatcher.pk) == 3
    assert unread_count(other.pk) == 1
    Notification.objects.filter(user=dispatcher).update(read_at=clock.now())
    assert unread_count(dispatcher.pk) == 0
