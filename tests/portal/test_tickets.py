"""Portal ticket pages: isolation, the form that teaches the policy, the timeline, lists."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supportdesk.accounts.models import Agreement
from supportdesk.billing.models import TimeEntry
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_ticket(alice):
    return make_ticket(alice, subject="Alice cannot post her invoice")


@pytest.fixture
def worked_ticket(alices_ticket, alice, dispatcher, consultant):
    """Alice's ticket with a screenshot, an assignment, a consultant's reply and time."""
    actions.ticket_reply(
        ticket=alices_ticket,
        actor=alice,
        body="Screenshot attached",
        channel="portal",
        attachments=[SimpleUploadedFile("screen.png", b"\x89PNG-alice", content_type="image/png")],
    )
    actions.ticket_assign(ticket=alices_ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_reply(
        ticket=alices_ticket,
        actor=consultant,
        body="The lock date was set to last month; I moved it.",
        channel="console",
        attachments=[SimpleUploadedFile("fix.txt", b"fixed", content_type="text/plain")],
    )
    actions.ticket_add_note(ticket=alices_ticket, actor=consultant, body="Checked with finance")
    TimeEntry.objects.create(
        ticket=alices_ticket,
        consultant=consultant,
        date=dt.date(2026, 11, 26),
        minutes=25,
        description="Found the lock date and moved it",
    )
    return alices_ticket


PER_TICKET_URLS = [
    ("get", "ticket_detail"),
    ("get", "ticket_timeline"),
    ("get", "ticket_time_entries"),
    ("post", "ticket_reply"),
    ("post", "ticket_close"),
    ("post", "ticket_reopen"),
]


@pytest.mark.parametrize(("method", "name"), PER_TICKET_URLS)
def test_another_organisations_user_gets_404(client, bob, worked_ticket, method, name):
    client.force_login(bob)
    before = worked_ticket.events.count()
    response = getattr(client, method)(reverse(name, args=[worked_ticket.number]), {"body": "x"})
    assert response.status_code == 404
    assert b"Alice cannot post" not in response.content
    assert b"lock date" not in response.content
    assert worked_ticket.events.count() == before


def test_every_attachment_is_404_for_another_organisation(client, bob, worked_ticket):
    client.force_login(bob)
    attachments = list(worked_ticket.attachments.all())
    assert len(attachments) == 2
    for attachment in attachments:
        url = reverse("attachment_download", args=[worked_ticket.number, attachment.pk])
        assert client.get(url).status_code == 404
        # Under Bob's own ticket number the id does not reach Alice's file either.
        bobs = make_ticket(bob, subject="Bob's own")
        url = reverse("attachment_download", args=[bobs.number, attachment.pk])
        assert client.get(url).status_code == 404


def test_time_entries_of_another_organisation_are_unreachable(client, bob, worked_ticket):
    client.force_login(bob)
    for name in ("ticket_time_entries", "ticket_timeline", "ticket_detail"):
        response = client.get(reverse(name, args=[worked_ticket.number]))
        assert response.status_code == 404
        assert b"Found the lock date" not in response.content
    export = client.get(reverse("ticket_export"), {"state": "all"}).content.decode()
    assert worked_ticket.number not in export


def test_new_ticket_page_says_how_each_kind_is_charged_for_the_organisation(client, alice, org_a):
    Agreement.objects.create(
        organisation=org_a, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 12, 31)
    )
    client.force_login(alice)
    page = client.get(reverse("ticket_new")).content.decode()
    assert "included in your agreement (valid to 2099-12-31)" in page
    assert "billable, minimum 30 minutes" in page
    assert "free of charge" in page
    assert "Production instance down" in page and "at our discretion" in page
    assert 'type="file"' in page and "multiple" in page
    assert "paste a screenshot" in page


def test_without_an_agreement_how_to_is_billable(client, bob):
    client.force_login(bob)
    page = client.get(reverse("ticket_new")).content.decode()
    assert "included in your agreement" not in page
    assert page.count("billable, minimum 30 minutes") == 6


def new_ticket(**overrides):
    data = {
        "subject": "Cannot confirm S00042",
        "description": "The button does nothing.",
        "kind": "configuration",
        "impact": "invoicing_blocked",
        "contact_method": "email",
        "contact_phone": "",
        "odoo_url": "https://alpha.odoo.com/odoo/action-sale.action_orders/42",
        "reference": "S00042",
        "attachments": [
            SimpleUploadedFile("one.png", b"png-1", content_type="image/png"),
            SimpleUploadedFile("two.png", b"png-2", content_type="image/png"),
        ],
    }
    data.update(overrides)
    return data


def test_new_ticket_with_several_screenshots_and_the_impact(client, alice):
    client.force_login(alice)
    response = client.post(reverse("ticket_new"), new_ticket())
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("ticket_detail", args=[ticket.number])
    assert sorted(ticket.attachments.values_list("filename", flat=True)) == ["one.png", "two.png"]
    assert (ticket.kind, ticket.impact, ticket.impact_review) == (
        "configuration",
        "invoicing_blocked",
        "claimed",
    )
    page = client.get(response["Location"]).content.decode()
    assert "is registered" in page and "within 2 working days" in page


def test_phone_contact_needs_the_number(client, alice):
    client.force_login(alice)
    response = client.post(reverse("ticket_new"), new_ticket(contact_method="phone"))
    assert response.status_code == 200
    assert "Give the number to call" in response.content.decode()
    assert not Ticket.objects.exists()
    client.post(
        reverse("ticket_new"), new_ticket(contact_method="phone", contact_phone="+46 70 123 45 67")
    )
    ticket = Ticket.objects.get()
    assert (ticket.contact_method, ticket.contact_phone) == ("phone", "+46 70 123 45 67")


def test_ticket_page_shows_the_whole_timeline(client, alice, worked_ticket, consultant):
    client.force_login(alice)
    page = client.get(reverse("ticket_detail", args=[worked_ticket.number])).content.decode()
    for text in (
        "Ticket registered",
        "Screenshot attached",
        f"Assigned to {consultant}",
        "The lock date was set to last month",
        "fix.txt",
        "screen.png",
        "25 minutes",
        "Found the lock date and moved it",
        "2026-11-26",
        "Assigned within our 2-working-day commitment.",
    ):
        assert text in page, text
    assert "Checked with finance" not in page  # internal notes stay internal
    assert "resolution target" not in page  # never a promised resolution date (R5)
    timeline = page.split('id="timeline"', 1)[1]
    steps = ("Ticket registered", "Screenshot attached", "Assigned to", "The lock date", "25 min")
    order = [timeline.index(t) for t in steps]
    assert order == sorted(order)


def test_time_entries_page_shows_each_entry_and_the_total(client, alice, worked_ticket, consultant):
    TimeEntry.objects.create(
        ticket=worked_ticket,
        consultant=consultant,
        date=dt.date(2026, 11, 27),
        minutes=10,
        description="Checked the posting",
    )
    client.force_login(alice)
    page = client.get(reverse("ticket_time_entries", args=[worked_ticket.number])).content.decode()
    assert "Found the lock date and moved it" in page and "Checked the posting" in page
    assert ">35<" in page


def test_customer_confirms_the_resolution(client, alice, worked_ticket, consultant):
    actions.ticket_resolve(ticket=worked_ticket, actor=consultant, resolution="Lock date moved")
    client.force_login(alice)
    page = client.get(reverse("ticket_detail", args=[worked_ticket.number])).content.decode()
    assert "Is your issue resolved?" in page and "Lock date moved" in page
    response = client.post(reverse("ticket_close", args=[worked_ticket.number]), follow=True)
    worked_ticket.refresh_from_db()
    assert worked_ticket.status == "closed"
    assert "the ticket is closed" in response.content.decode()
    assert "Closed: the resolution was confirmed" in response.content.decode()


def test_customer_reopens_with_a_reason(client, alice, worked_ticket, consultant):
    actions.ticket_resolve(ticket=worked_ticket, actor=consultant)
    client.force_login(alice)
    client.post(
        reverse("ticket_reopen", args=[worked_ticket.number]), {"reason": "Still locked for May"}
    )
    worked_ticket.refresh_from_db()
    assert worked_ticket.status == "in_progress"
    page = client.get(reverse("ticket_detail", args=[worked_ticket.number])).content.decode()
    assert "Reopened" in page and "Still locked for May" in page


def test_confirming_an_open_ticket_is_refused_with_the_reason(client, alice, alices_ticket):
    client.force_login(alice)
    response = client.post(reverse("ticket_close", args=[alices_ticket.number]), follow=True)
    assert "cannot go to" in response.content.decode()
    alices_ticket.refresh_from_db()
    assert alices_ticket.status == "new"


def test_htmx_reply_returns_the_updated_conversation(client, alice, alices_ticket):
    client.force_login(alice)
    response = client.post(
        reverse("ticket_reply", args=[alices_ticket.number]),
        {"body": "More details", "attachments": SimpleUploadedFile("log.txt", b"x")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="conversation">')
    assert "More details" in page and "log.txt" in page and "<html" not in page


def test_lists_filter_by_state_scope_and_search(client, alice, alice_colleague, org_a, consultant):
    mine = make_ticket(alice, subject="Posting fails", references=["S00077"])
    theirs = make_ticket(alice_colleague, subject="Stock is wrong")
    done = make_ticket(alice, subject="Old question")
    actions.ticket_assign(ticket=done, actor=consultant, assignee=consultant)
    actions.ticket_resolve(ticket=done, actor=consultant)
    client.force_login(alice)

    def numbers(**params):
        page = client.get(reverse("ticket_list"), params).content.decode()
        return {t.number for t in (mine, theirs, done) if t.number in page}

    assert numbers() == {mine.number}
    assert numbers(state="closed") == {done.number}
    assert numbers(state="all") == {mine.number, done.number}
    org_a.members_see_all = True
    org_a.save()
    assert numbers() == {mine.number, theirs.number}
    assert numbers(scope="mine") == {mine.number}
    assert numbers(q="stock") == {theirs.number}
    assert numbers(q="s00077") == {mine.number}
    assert numbers(q=theirs.number.lower(), state="all") == {theirs.number}


def test_list_search_answers_htmx_with_the_table_only(client, alice):
    make_ticket(alice, subject="Posting fails")
    client.force_login(alice)
    response = client.get(reverse("ticket_list"), {"q": "posting"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.startswith('<div id="ticket-table">') and "Posting fails" in page


def test_csv_export_has_the_filtered_tickets(client, alice, consultant):
    open_one = make_ticket(alice, subject="=HYPERLINK(evil)")
    done = make_ticket(alice, subject="Done")
    actions.ticket_assign(ticket=done, actor=consultant, assignee=consultant)
    actions.ticket_resolve(ticket=done, actor=consultant)
    client.force_login(alice)
    response = client.get(reverse("ticket_export"), {"state": "open"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Subject", "Status"]
    assert [r[0] for r in rows[1:]] == [open_one.number]
    # A formula is kept as text, so a spreadsheet does not run it.
    assert rows[1][1] == "'=HYPERLINK(evil)"


@pytest.mark.parametrize("query", ["", "?state=all"])
def test_a_long_list_counts_at_most_the_cap_and_says_there_are_more(client, alice, query):
    """The list as it opens (its count compiled once) and a filtered one alike."""
    from supportdesk.core.paging import COUNT_CAP

    first = make_ticket(alice, subject="Posting fails")
    copies = []
    for k in range(COUNT_CAP):
        copy = Ticket.objects.get(pk=first.pk)
        copy.pk = None
        copy.subject = f"Posting fails {k}"
        copy.reply_token = f"{first.reply_token}-{k}"
        copies.append(copy)
    Ticket.objects.bulk_create(copies)
    client.force_login(alice)
    page = client.get(reverse("ticket_list") + query).content.decode()
    assert f"More than {COUNT_CAP} tickets" in page
    Ticket.objects.filter(requester=alice).order_by("pk").first().delete()
    page = client.get(reverse("ticket_list") + query).content.decode()
    assert f"{COUNT_CAP} tickets" in page and "More than" not in page


def test_the_list_as_it_opens_pages_on_to_the_older_tickets(client, alice, bob):
    """The first page (compiled once) and the pages after it (built per request) meet."""
    first = make_ticket(alice, subject="Ticket 0")
    make_ticket(bob, subject="Not Alice's")
    copies = []
    for k in range(1, 53):
        copy = Ticket.objects.get(pk=first.pk)
        copy.pk, copy.subject, copy.reply_token = None, f"Ticket {k}", f"{first.reply_token}-{k}"
        copies.append(copy)
    Ticket.objects.bulk_create(copies)
    resolved = Ticket.objects.get(subject="Ticket 52")
    resolved.status = "closed"
    resolved.save()
    client.force_login(alice)
    html = client.get(reverse("ticket_list")).content.decode()
    subjects = re.findall(r'<td data-label="Subject">(Ticket \d+)</td>', html)
    assert subjects == [f"Ticket {k}" for k in range(51, 1, -1)]  # newest open first
    assert "52 tickets" in html
    found = re.search(r'href="(\?[^"]*after=[^"]+)"', html)
    assert found
    html = client.get(reverse("ticket_list") + found.group(1).replace("&amp;", "&")).content
    rest = re.findall(r'<td data-label="Subject">(Ticket \d+)</td>', html.decode())
    assert rest == ["Ticket 1", "Ticket 0"]
