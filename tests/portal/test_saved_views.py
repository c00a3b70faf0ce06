"""The portal's ticket list: saved views with counts, sorted keyset pages per column."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.portal.models import SavedTicketView
from supportdesk.tickets import actions
from tests.factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]


def numbers(html: str) -> list[str]:
    return re.findall(r"/tickets/(SD-\d+)/", html)


@pytest.fixture
def tickets(alice, consultant):
    made = [make_ticket(alice, subject=s) for s in ("Charlie", "Alpha", "Bravo")]
    actions.ticket_assign(ticket=made[0], actor=consultant, assignee=consultant)
    actions.ticket_resolve(ticket=made[0], actor=consultant, resolution="Done.")
    return made


def test_a_saved_view_shows_its_count_and_opens_its_filter(client, alice, bob, tickets):
    client.force_login(alice)
    response = client.post(
        "/tickets/views/", {"name": "Resolved", "state": "closed", "sort": "subject"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/tickets/?state=closed&sort=subject")
    client.post("/tickets/views/", {"name": "Invoices", "q": "Alpha"})

    html = client.get("/tickets/").content.decode()
    assert re.search(r'>Resolved <span class="count">1</span></a>', html)
    assert re.search(r'href="\?q=Alpha">Invoices <span class="count">1</span></a>', html)
    opened = client.get("/tickets/?state=closed&sort=subject").content.decode()
    assert 'aria-current="page">Resolved' in opened

    # Another customer sees neither the views nor, through them, the tickets.
    client.force_login(bob)
    html = client.get("/tickets/").content.decode()
    assert "Resolved <span" not in html and "Invoices <span" not in html


def test_the_saved_views_follow_the_filter_when_htmx_changes_it(client, alice, tickets):
    SavedTicketView.objects.create(user=alice, name="Open", query="")
    client.force_login(alice)
    html = client.get(
        "/tickets/", {"state": "closed", "q": "Ch"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="ticket-table"' in html
    bar = html[html.index('id="saved-views"') :]
    assert 'hx-swap-oob="true"' in bar
    assert 'name="state" value="closed"' in bar and 'name="q" value="Ch"' in bar


def test_the_list_costs_the_same_queries_with_one_saved_view_or_five(client, alice, tickets):
    SavedTicketView.objects.create(user=alice, name="v0", query="state=closed")
    client.force_login(alice)
    client.get("/tickets/")
    with CaptureQueriesContext(connection) as one:
        client.get("/tickets/")
    for i in range(1, 5):
        SavedTicketView.objects.create(user=alice, name=f"v{i}", query=f"q=a{i}&scope=mine")
    with CaptureQueriesContext(connection) as five:
        html = client.get("/tickets/").content.decode()
    assert html.count('class="count"') == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_saved_view_is_deleted_by_its_owner_only(client, alice, alice_colleague):
    view = SavedTicketView.objects.create(user=alice, name="Mine", query="scope=mine")
    client.force_login(alice_colleague)
    client.post("/tickets/views/", {"delete": str(view.pk)})
    assert SavedTicketView.objects.filter(pk=view.pk).exists()
    client.force_login(alice)
    client.post("/tickets/views/", {"delete": str(view.pk)})
    assert not SavedTicketView.objects.filter(pk=view.pk).exists()


@pytest.mark.parametrize(("sort", "expected"), [("subject", "ABCDEF"), ("-subject", "FEDCBA")])
def test_the_list_pages_by_keyset_for_each_sort(client, alice, sort, expected, monkeypatch):
    from supportdesk.core import keyset

    for letter in "DAFCEB":
        make_ticket(alice, subject=f"{letter} subject")
    real_page = keyset.page

    def small(*args, **kwargs):
        kwargs["size"] = 2
        return real_page(*args, **kwargs)

    monkeypatch.setattr(keyset, "page", small)
    client.force_login(alice)
    url, seen = f"/tickets/?sort={sort}", ""
    for _page in range(4):
        html = client.get(url).content.decode()
        seen += "".join(re.findall(r'<td data-label="Subject">(\w) subject</td>', html))
        found = re.search(r'href="(\?[^"]*after=[^"]+)"', html)
        if not found:
            break
        url = "/tickets/" + found.group(1).replace("&amp;", "&")
    assert seen == expected


def test_the_saved_views_in_swedish(client, alice, tickets):
    alice.language = "sv"
    alice.save()
    client.force_login(alice)
    html = client.post(
        "/tickets/views/", {"name": "Lösta", "state": "closed"}, follow=True
    ).content.decode()
    assert "Vyn ”Lösta” sparad." in html
    assert re.search(r'>Lösta <span class="count">1</span></a>', html)
    for swedish in ("Spara den här vyn som", "Mina sparade vyer", "Spara vy"):
        assert swedish in html, swedish
    for english in ("Save this view as", "Save view", "View “"):
        assert english not in html, english
