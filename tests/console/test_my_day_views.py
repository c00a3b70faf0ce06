"""My day: filters (status, your turn), saved views with counts, sorted keyset pages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.console import selectors
from supportdesk.console.models import SavedView
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Status
from tests.factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]


def numbers(html: str) -> list[str]:
    return re.findall(r'data-number="(SD-\d+)"', html)


@pytest.fixture
def mine(consultant, alice):
    """Three tickets of mine: one the customer answered (your turn), one in progress, one
    waiting on the customer."""
    made = {}
    for name in ("turn", "progress", "waiting"):
        ticket = make_ticket(alice, subject=f"Ticket {name}")
        actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
        made[name] = ticket
    actions.ticket_reply(
        ticket=made["turn"], actor=consultant, body="Which one?", channel=Channel.CONSOLE
    )
    actions.ticket_reply(ticket=made["turn"], actor=alice, body="INV/1", channel=Channel.PORTAL)
    actions.ticket_start(ticket=made["progress"], actor=consultant)
    actions.ticket_start(ticket=made["waiting"], actor=consultant)
    actions.ticket_wait(ticket=made["waiting"], actor=consultant, on="customer")
    return made


def test_my_day_filters_by_status_and_by_your_turn(client, consultant, mine):
    client.force_login(consultant)
    html = client.get("/console/my-day/", {"status": Status.WAITING_CUSTOMER}).content.decode()
    assert numbers(html) == [mine["waiting"].number]
    html = client.get("/console/my-day/", {"status": Status.IN_PROGRESS}).content.decode()
    assert mine["progress"].number in numbers(html)
    assert mine["waiting"].number not in numbers(html)
    html = client.get("/console/my-day/", {"turn": "1"}).content.decode()
    assert numbers(html) == [mine["turn"].number]
    everything = numbers(client.get("/console/my-day/").content.decode())
    assert sorted(everything) == sorted(t.number for t in mine.values())


def test_a_saved_view_of_my_day_shows_its_count_and_opens_its_filter(
    client, consultant, other_consultant, mine
):
    client.force_login(consultant)
    response = client.post("/console/my-day/views/", {"name": "Your turn", "turn": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?turn=1")
    client.post("/console/my-day/views/", {"name": "Waiting", "status": Status.WAITING_CUSTOMER})

    html = client.get("/console/my-day/").content.decode()
    assert re.search(r'href="\?turn=1">Your turn <span class="count">1</span></a>', html)
    assert re.search(
        r'href="\?status=waiting_customer">Waiting <span class="count">1</span></a>', html
    )
    opened = client.get("/console/my-day/?turn=1").content.decode()
    assert 'href="?turn=1" aria-current="page">Your turn' in opened
    assert numbers(opened) == [mine["turn"].number]

    # The count follows the tickets: the customer's turn is over once I reply.
    actions.ticket_reply(
        ticket=mine["turn"], actor=consultant, body="Fixed.", channel=Channel.CONSOLE
    )
    html = client.get("/console/my-day/").content.decode()
    assert re.search(r'>Your turn <span class="count">0</span></a>', html)

    # Mine alone, and not on the board (each list has its own views).
    assert "Your turn <span" not in client.get("/console/").content.decode()
    client.force_login(other_consultant)
    assert "Your turn <span" not in client.get("/console/my-day/").content.decode()


def test_my_day_costs_the_same_queries_with_one_saved_view_or_five(client, consultant, mine):
    client.force_login(consultant)
    SavedView.objects.create(user=consultant, page="my_day", name="v0", query="turn=1")
    client.get("/console/my-day/")
    with CaptureQueriesContext(connection) as one:
        client.get("/console/my-day/")
    for i in range(1, 5):
        SavedView.objects.create(
            user=consultant, page="my_day", name=f"v{i}", query=f"status={Status.ASSIGNED}"
        )
    with CaptureQueriesContext(connection) as five:
        html = client.get("/console/my-day/").content.decode()
    assert html.count('class="count"') == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_saved_view_of_my_day_is_deleted_by_its_owner_only(
    client, consultant, other_consultant, mine
):
    view = SavedView.objects.create(user=consultant, page="my_day", name="Mine", query="turn=1")
    client.force_login(other_consultant)
    html = client.post(
        "/console/my-day/views/", {"delete": str(view.pk)}, follow=True
    ).content.decode()
    assert "no such saved view of yours" in html
    assert SavedView.objects.filter(pk=view.pk).exists()
    client.force_login(consultant)
    client.post("/console/my-day/views/", {"delete": str(view.pk)})
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_my_day_sorts_and_pages_by_keyset_keeping_the_filter(
    client, consultant, alice, monkeypatch
):
    made = []
    for subject in ("Delta", "Alpha", "Echo", "Bravo", "Charlie"):
        ticket = make_ticket(alice, subject=subject)
        actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
        made.append(ticket)
    monkeypatch.setattr(selectors, "MY_DAY_PAGE_SIZE", 2)
    client.force_login(consultant)
    seen: list[str] = []
    url = f"/console/my-day/?status={Status.ASSIGNED}&sort=subject"
    for _page in range(3):
        html = client.get(url).content.decode()
        subjects = re.findall(r'<span class="number">SD-\d+</span> (\w+)</a>', html)
        seen.extend(subjects)
        found = re.search(r'<p class="pager"><a href="\?([^"]+)"', html)
        if not found:
            break
        query = found.group(1).replace("&amp;", "&")
        assert f"status={Status.ASSIGNED}" in query and "sort=subject" in query
        url = f"/console/my-day/?{query}"
    assert seen == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_my_day_and_its_saved_views_in_swedish(client, consultant, mine):
    consultant.language = "sv"
    consultant.save()
    client.force_login(consultant)
    html = client.post(
        "/console/my-day/views/", {"name": "Min tur", "turn": "1"}, follow=True
    ).content.decode()
    assert "Vyn ”Min tur” sparad." in html
    for swedish in ("Spara den här vyn som", "Din tur: kunden skrev senast", "Mina sparade vyer"):
        assert swedish in html, swedish
    for english in ("Save this view as", "Your turn: the customer wrote last", "View “"):
        assert english not in html, english
