"""My day, saved replies, and what the portal and its API never show (staff access)."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.billing.actions import time_log
from supportdesk.core import clock
from supportdesk.mail.models import CallTask
from supportdesk.tickets import actions
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC)


def test_my_day_lists_my_open_tickets_in_queue_order_and_my_time(
    client, alice, bob, consultant, dispatcher
):
    with clock.at(WEDNESDAY - dt.timedelta(days=1)):
        older = make_ticket(alice, subject="Older")
        newer = make_ticket(bob, subject="Newer")
        critical = make_ticket(bob, subject="Critical", impact="production_down")
        someone_elses = make_ticket(alice, subject="Not mine")
    with clock.at(WEDNESDAY):
        for ticket in (newer, older, critical):
            actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
        actions.ticket_assign(ticket=someone_elses, actor=dispatcher, assignee=dispatcher)
        time_log(ticket=older, actor=consultant, minutes=30, description="Today")
        time_log(
            ticket=older,
            actor=consultant,
            minutes=45,
            description="Monday",
            date=dt.date(2026, 3, 9),
        )
        time_log(
            ticket=older,
            actor=consultant,
            minutes=60,
            description="Last week",
            date=dt.date(2026, 3, 6),
        )
        client.force_login(consultant)
        html = client.get("/console/my-day/").content.decode()
    positions = [html.index(t.number) for t in (critical, older, newer)]
    assert positions == sorted(positions)
    assert someone_elses.number not in html
    assert "Logged today: <strong>0 h 30 min</strong>" in html
    assert "this week: <strong>1 h 15 min</strong>" in html


def test_my_day_shows_call_tasks_of_my_tickets(client, alice, consultant, dispatcher):
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    CallTask.objects.create(ticket=ticket, contact=alice, reason="Prefers the telephone")
    client.force_login(consultant)
    html = client.get("/console/my-day/").content.decode()
    assert "Prefers the telephone" in html and ticket.number in html


def test_saved_replies_are_kept_by_staff(client, consultant, bob):
    client.force_login(consultant)
    client.post("/console/saved-replies/", {"title": "Thanks", "body": "Thank you!"})
    response = client.post(
        "/console/saved-replies/", {"title": "thanks", "body": "Again"}, follow=True
    )
    assert "already called" in response.content.decode()
    client.force_login(bob)
    assert client.get("/console/saved-replies/").status_code == 404


def test_consultants_see_every_organisations_tickets(client, alice, bob, consultant):
    mine, theirs = make_ticket(alice), make_ticket(bob)
    client.force_login(consultant)
    for ticket in (mine, theirs):
        assert client.get(f"/console/tickets/{ticket.number}/").status_code == 200


def test_internal_notes_and_fields_never_reach_the_portal_or_the_api(
    client, alice, consultant, dispatcher, skill
):
    ticket = make_ticket(alice, subject="Posting fails")
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_add_note(ticket=ticket, actor=consultant, body="SECRET-NOTE customer error")
    actions.ticket_update(
        ticket=ticket, actor=consultant, required_skill=skill, reason="needs accounting"
    )
    other = make_ticket(alice, subject="Other")
    actions.ticket_link(source=ticket, target=other, actor=consultant)
    client.force_login(alice)
    portal = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Posting fails" in portal
    assert "SECRET-NOTE" not in portal
    api = client.get(f"/api/v1/tickets/{ticket.number}").content.decode()
    assert "Posting fails" in api
    assert "SECRET-NOTE" not in api
    assert "noted" not in api and '"linked"' not in api
    assert "assignment_due" not in api or '"assignment_due":null' in api.replace(" ", "")
    # The staff workspace has it all.
    client.force_login(consultant)
    workspace = client.get(f"/console/tickets/{ticket.number}/").content.decode()
    assert "SECRET-NOTE" in workspace
