"""Lists like a professional's: sorted columns with keyset pages, relative times, your turn."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from supportdesk.core import clock
from supportdesk.core.templatetags.rich_text import ago, ago_html, ago_text
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def numbers(html: str) -> list[str]:
    return re.findall(r'data-number="(SD-\d+)"', html)


@pytest.fixture
def tickets(alice, bob):
    made = []
    for i, subject in enumerate(["Charlie", "Alpha", "Bravo", "Delta", "Echo"]):
        made.append(make_ticket(alice if i % 2 else bob, subject=subject))
    return made


def test_the_board_sorts_by_a_column_and_pages_by_keyset(client, dispatcher, tickets, settings):
    client.force_login(dispatcher)
    from supportdesk.console import selectors

    settings.DEBUG = False
    page_size = selectors.PAGE_SIZE
    selectors.PAGE_SIZE = 2
    try:
        from supportdesk.console.selectors import board_page

        first = board_page(dispatcher, sort="number", descending=True, size=2)
        second = board_page(
            dispatcher, sort="number", descending=True, size=2, cursor=first.next_cursor
        )
        third = board_page(
            dispatcher, sort="number", descending=True, size=2, cursor=second.next_cursor
        )
    finally:
        selectors.PAGE_SIZE = page_size
    seen = [r.ticket.number for p in (first, second, third) for r in p.rows]
    assert seen == [t.number for t in reversed(tickets)]
    assert third.next_cursor is None

    html = client.get("/console/?sort=organisation").content.decode()
    by_org = numbers(html)
    orgs = [Ticket.objects.get(pk=Ticket.pk_from_number(n)).organisation.name for n in by_org]
    assert orgs == sorted(orgs)
    assert 'href="?sort=-organisation"' in html  # clicking again reverses


def test_a_bad_cursor_is_refused_with_the_reason(client, dispatcher, tickets):
    client.force_login(dispatcher)
    html = client.get("/console/?sort=number&after=garbage", follow=True).content.decode()
    assert "Page position: is not a cursor this list returned" in html


def test_the_portal_list_sorts_by_subject_and_pages(client, alice, tickets):
    client.force_login(alice)
    html = client.get("/tickets/?state=all&sort=subject").content.decode()
    subjects = re.findall(r"<td data-label=\"Subject\">([^<]+)</td>", html)
    assert subjects == sorted(subjects) and set(subjects) == {"Alpha", "Delta"}


def test_relative_times_in_both_languages_with_the_exact_time_on_hover():
    now = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)
    three_hours = now - dt.timedelta(hours=3)
    assert ago_text(three_hours, now) == "3 h ago"
    with translation.override("sv"):
        assert ago_text(three_hours, now) == "för 3 timmar sedan"
        assert ago_text(now - dt.timedelta(days=1), now) == "för 1 dag sedan"
    with clock.at(now):
        html = ago(three_hours)
    assert 'title="2027-03-10 10:00"' in html  # Stockholm time
    assert 'datetime="2027-03-10T09:00:00+00:00"' in html


def test_rows_written_in_python_say_what_the_filter_says():
    now = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)
    ages = (dt.timedelta(seconds=s) for s in (-3600, -30, 0, 59, 61, 3 * 3600, 86400 * 29.9))
    instants = [now - age for age in ages] + [
        now - dt.timedelta(days=30),
        now - dt.timedelta(days=29, hours=23, microseconds=1),
        now - dt.timedelta(days=400, microseconds=123_456),
        dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # summer time begins at 01:00
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # summer time ends at 01:00
    ]
    for language in ("en", "sv"):
        with translation.override(language), clock.at(now):
            for instant in [*instants, None]:
                assert ago_html(instant, now) == str(ago(instant)), (language, instant)


def test_tickets_where_the_customer_wrote_last_are_marked(client, consultant, alice):
    waiting = make_ticket(alice, subject="Customer waits")
    answered = make_ticket(alice, subject="We answered")
    for ticket in (waiting, answered):
        actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    actions.ticket_reply(ticket=answered, actor=consultant, body="Done.", channel=Channel.CONSOLE)
    actions.ticket_reply(
        ticket=waiting, actor=consultant, body="Which invoice?", channel=Channel.CONSOLE
    )
    actions.ticket_reply(ticket=waiting, actor=alice, body="INV/1", channel=Channel.PORTAL)

    client.force_login(consultant)
    for url in ("/console/", "/console/my-day/"):
        html = client.get(url).content.decode()
        rows = dict(re.findall(r'data-number="(SD-\d+)"(.*?)</tr>', html, re.S))
        assert set(rows) == {waiting.number, answered.number}, url
        marked = {n for n, row in rows.items() if "customer replied" in row}
        assert marked == {waiting.number}, url


def test_saved_views_are_per_user_and_show_their_counts(
    client, dispatcher, consultant, tickets, org_a
):
    client.force_login(dispatcher)
    response = client.post(
        "/console/board/views/", {"name": "Alpha", "org": str(org_a.pk), "sort": "-number"}
    )
    assert response.status_code == 302 and f"org={org_a.pk}" in response["Location"]

    html = client.get("/console/").content.decode()
    alpha_open = Ticket.objects.filter(organisation=org_a).count()
    assert re.search(rf'>Alpha <span class="count">{alpha_open}</span></a>', html)
    client.force_login(consultant)
    assert "Alpha <span" not in client.get("/console/").content.decode()  # not theirs


def test_a_saved_view_needs_a_name(client, dispatcher):
    client.force_login(dispatcher)
    html = client.post("/console/board/views/", {"name": "  "}, follow=True).content.decode()
    assert "Name: is required" in html
