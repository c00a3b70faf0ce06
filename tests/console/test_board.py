"""The dispatch board: queue order, clocks, filters, assignment, live refresh, cost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.core import clock
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import SkillFactory, UserFactory, make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]

# A Tuesday in working hours (Europe/Stockholm), far from holidays.
MORNING = dt.datetime(2026, 3, 10, 8, 30, tzinfo=dt.UTC)


def row_numbers(html: str) -> list[str]:
    return re.findall(r'data-number="(SD-\d+)"', html)


@pytest.fixture
def queue(alice, bob):
    with clock.at(MORNING):
        first = make_ticket(alice, subject="First come")
        second = make_ticket(bob, subject="Second come")
        critical = make_ticket(alice, subject="Production is down", impact="production_down")
    return first, second, critical


def test_board_lists_open_tickets_in_the_queue_order(client, dispatcher, queue):
    first, second, critical = queue
    client.force_login(dispatcher)
    with clock.at(MORNING + dt.timedelta(hours=1)):
        html = client.get("/console/").content.decode()
    assert row_numbers(html) == [critical.number, first.number, second.number]


def test_clocks_show_working_hours_left_and_colour_states(client, dispatcher, queue):
    client.force_login(dispatcher)
    with clock.at(MORNING + dt.timedelta(hours=1)):
        html = client.get("/console/").content.decode()
    # Registered 09:30 local on a Tuesday: 2 working days of 9 hours less one hour.
    assert '<span class="clock ok" title="working hours left to assign">17:00</span>' in html
    assert "today</span>" in html  # the same-day target is still running
    with clock.at(MORNING + dt.timedelta(days=3)):
        late = client.get("/console/").content.decode()
    assert 'class="clock late"' in late and "−" in late
    assert "not same day" in late


def test_staff_landing_is_the_board_and_customers_land_on_their_tickets(client, dispatcher, alice):
    client.force_login(dispatcher)
    assert client.get("/")["Location"] == "/console/"
    client.force_login(alice)
    assert client.get("/")["Location"] != "/console/"


@pytest.mark.parametrize("url", ["/console/", "/console/board/rows/", "/console/my-day/"])
def test_customers_get_404(client, alice, bob, queue, url):
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_post_assign_by_a_customer_is_404(client, bob, queue, consultant):
    client.force_login(bob)
    response = client.post("/console/board/assign/", {"one": f"{queue[0].number}:{consultant.pk}"})
    assert response.status_code == 404
    assert Ticket.objects.get(pk=queue[0].pk).assignee is None


def test_filters(client, dispatcher, consultant, queue, skill):
    first, second, critical = queue
    actions.ticket_assign(ticket=first, actor=dispatcher, assignee=consultant)
    actions.ticket_update(ticket=second, actor=dispatcher, required_skill=skill)
    client.force_login(consultant)

    def view(**params):
        with clock.at(MORNING + dt.timedelta(hours=2)):
            return row_numbers(client.get("/console/", params).content.decode())

    assert view(view="unassigned") == [critical.number, second.number]
    assert view(view="mine") == [first.number]
    assert view(skill=skill.pk) == [second.number]
    assert view(org=second.organisation_id) == [second.number]
    assert view(view="waiting") == []
    actions.ticket_start(ticket=first, actor=consultant)
    actions.ticket_wait(ticket=first, actor=consultant, on="customer", reason="screenshot")
    assert view(view="waiting") == [first.number]


def test_at_risk_and_breached(client, dispatcher, queue):
    first, second, critical = queue
    client.force_login(dispatcher)
    with clock.at(MORNING + dt.timedelta(hours=1)):
        assert row_numbers(client.get("/console/?view=breached").content.decode()) == []
        assert row_numbers(client.get("/console/?view=at_risk").content.decode()) == []
    # Next day, 15:30 local: within the 2-hour warning of the deadline (Thursday 09:30).
    with clock.at(MORNING + dt.timedelta(days=1, hours=23)):
        at_risk = row_numbers(client.get("/console/?view=at_risk").content.decode())
    assert at_risk == [critical.number, first.number, second.number]
    with clock.at(MORNING + dt.timedelta(days=3)):
        breached = row_numbers(client.get("/console/?view=breached").content.decode())
    assert breached == [critical.number, first.number, second.number]


def test_assign_a_row_to_its_qualified_suggestion(client, dispatcher, queue, skill):
    first = queue[0]
    expert = UserFactory(email="expert@partner.example", role="consultant", organisation=None)
    expert.skills.add(skill)
    UserFactory(email="novice@partner.example", role="consultant", organisation=None)
    actions.ticket_update(ticket=first, actor=dispatcher, required_skill=skill)
    client.force_login(dispatcher)
    html = client.get("/console/").content.decode()
    assert f'value="{first.number}:{expert.pk}"' in html
    response = client.post("/console/board/assign/", {"one": f"{first.number}:{expert.pk}"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.assignee == expert and first.status == "assigned"


def test_bulk_assign_each_to_its_suggestion_and_to_one_consultant(
    client, dispatcher, consultant, other_consultant, queue
):
    first, second, critical = queue
    client.force_login(dispatcher)
    html = client.get("/console/").content.decode()
    suggested = re.findall(r'name="suggested" value="([^"]+)"', html)
    client.post(
        "/console/board/assign/",
        {"ticket": [first.number, second.number], "assignee": "suggested", "suggested": suggested},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee is not None and second.assignee is not None
    client.post("/console/board/assign/", {"ticket": [critical.number], "assignee": consultant.pk})
    assert Ticket.objects.get(pk=critical.pk).assignee == consultant


def test_assigning_someone_without_the_skill_needs_a_dispatchers_reason(
    client, dispatcher, other_consultant, queue
):
    first = queue[0]
    skill = SkillFactory(name="Manufacturing")
    actions.ticket_update(ticket=first, actor=dispatcher, required_skill=skill)
    client.force_login(dispatcher)
    response = client.post(
        "/console/board/assign/",
        {"ticket": [first.number], "assignee": other_consultant.pk},
        follow=True,
    )
    assert "lacks the required skill" in response.content.decode()
    assert Ticket.objects.get(pk=first.pk).assignee is None
    client.post(
        "/console/board/assign/",
        {
            "ticket": [first.number],
            "assignee": other_consultant.pk,
            "override_reason": "Only one in today",
        },
    )
    first.refresh_from_db()
    assert first.assignee == other_consultant
    assert first.events.get(verb="assigned").reason == "Only one in today"


def test_live_refresh_returns_rows_only(client, dispatcher, queue, alice):
    client.force_login(dispatcher)
    board = client.get("/console/").content.decode()
    assert 'hx-get="/console/board/rows/"' in board and "every 20s" in board
    newer = make_ticket(alice, subject="Arrived meanwhile")
    rows = client.get("/console/board/rows/").content.decode()
    assert "<html" not in rows
    assert newer.number in row_numbers(rows)


def test_keyboard_shortcuts_are_offered(client, dispatcher, consultant, queue):
    client.force_login(dispatcher)
    html = client.get("/console/").content.decode()
    assert "console/console.js" in html and 'id="keys-help"' in html
    assert "assign-suggested" in html


def test_pages_follow_a_cursor(client, dispatcher, alice):
    with clock.at(MORNING):
        made = [make_ticket(alice, subject=f"T{i}") for i in range(3)]
    client.force_login(dispatcher)
    from supportdesk.console import selectors

    page = selectors.board_page(dispatcher, size=2)
    assert [r.ticket for r in page.rows] == made[:2] and page.next_cursor
    rest = selectors.board_page(dispatcher, size=2, cursor=page.next_cursor)
    assert [r.ticket for r in rest.rows] == made[2:] and rest.next_cursor is None


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/console/")
    assert response.status_code == 200
    return len(queries)


def test_first_page_costs_a_fixed_number_of_queries(client, dispatcher, alice, bob, skill):
    for email in ["q1@partner.example", "q2@partner.example"]:
        UserFactory(email=email, role="consultant", organisation=None).skills.add(skill)
    client.force_login(dispatcher)
    make_ticket(alice)
    client.get("/console/")  # the first request of a session settles it
    few = _board_queries(client)
    for i in range(60):
        ticket = make_ticket(bob if i % 2 else alice, subject=f"Ticket {i}")
        if i % 3 == 0:
            actions.ticket_update(ticket=ticket, actor=dispatcher, required_skill=skill)
        if i % 5 == 0:
            actions.ticket_assign(
                ticket=ticket, actor=dispatcher, assignee=dispatcher, override_reason="load"
            )
    many = _board_queries(client)
    assert few == many
    # Request handling (session, user, log-in checks), one for the page of tickets, two
    # for the suggestions, two for the filters, one for the saved views, one for the unread
    # notifications; none for other customers' tickets with the same error (no row has an
    # error signature).
    assert many <= 10


def test_board_suggestions_agree_with_the_assignment_suggestions(
    dispatcher, alice, bob, skill, other_consultant
):
    from supportdesk.commitments.assignment import suggestions
    from supportdesk.commitments.models import Absence
    from supportdesk.console.selectors import consultants_for_suggestions, suggest

    experts = [
        UserFactory(email=f"e{i}@partner.example", role="consultant", organisation=None)
        for i in range(3)
    ]
    for expert in experts[:2]:
        expert.skills.add(skill)
    Absence.objects.create(
        user=experts[0], starts=dt.date(2000, 1, 1), ends=dt.date(2099, 1, 1), reason="away"
    )
    for i in range(4):
        ticket = make_ticket(alice if i % 2 else bob, subject=f"load {i}")
        actions.ticket_assign(
            ticket=ticket, actor=dispatcher, assignee=experts[i % 3], override_reason="load"
        )
    plain = make_ticket(alice, subject="No skill needed")
    skilled = make_ticket(alice, subject="Skill needed", required_skill=skill)
    other_skill = SkillFactory(name="Nobody has this")
    nobody = make_ticket(alice, subject="Nobody qualified", required_skill=other_skill)
    ranked = consultants_for_suggestions()
    assert experts[0].pk not in [candidate.pk for candidate in ranked]
    for ticket in (plain, skilled, nobody):
        expected = suggestions(ticket, limit=1)[0]
        suggestion, qualified = suggest(ticket, ranked)
        assert suggestion is not None, ticket.subject
        assert (suggestion.pk, str(suggestion), qualified) == (
            expected.user.pk,
            str(expected.user),
            expected.qualified,
        ), ticket.subject
