"""The ticket list's rows, written in Python, say what the template said; the parts of the
page kept once per language still carry each request's own search and sort."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from supportdesk.core import clock
from supportdesk.core.templatetags.rich_text import ago_html
from supportdesk.portal.rows import COLUMNS, ticket_rows
from supportdesk.tickets.models import Ticket
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db

# The rows as the list's template wrote them before they were written in Python.
ROW_TEMPLATE = Template(
    """{% load i18n rich_text %}{% for t in tickets %}<tr><td data-label="{% translate 'Number' %}"><a href="{% url 'ticket_detail' t.number %}">{{ t.number }}</a></td>
<td data-label="{% translate 'Subject' %}">{{ t.subject }}</td>
{% if staff %}<td data-label="{% translate 'Organisation' %}">{{ t.organisation }}</td>
{% endif %}<td data-label="{% translate 'Status' %}"><span class="status s-{{ t.status }}">{{ t.get_status_display }}</span>{% if t.impact %} <span class="impact">{{ t.get_impact_display }}</span>{% endif %}</td>
<td data-label="{% translate 'Assigned to' %}">{{ t.assignee|default:"—" }}</td>
<td data-label="{% translate 'Requester' %}">{{ t.requester|default:"—" }}</td>
<td data-label="{% translate 'Registered' %}">{{ t.registered_at|ago }}</td>
<td data-label="{% translate 'Last activity' %}">{{ t.updated_at|ago }}</td></tr>
{% endfor %}"""
)

HOSTILE = '"\'><script>alert(1)</script> & Åsa\'s "bokföring"'


@pytest.fixture
def hostile_tickets(org_a, consultant, dispatcher):
    org_a.name = f"Alfa {HOSTILE}"
    org_a.save()
    requester = UserFactory(email="x@alpha.example", name=f"Örjan {HOSTILE}", organisation=org_a)
    nameless = UserFactory(email="o'<b>@alpha.example", name="", organisation=org_a)
    consultant.name = f"Konsult {HOSTILE}"
    consultant.save()
    now = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)
    ages = [
        dt.timedelta(seconds=20),
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=5, seconds=30),
        dt.timedelta(hours=3),
        dt.timedelta(hours=3, minutes=40),
        dt.timedelta(days=1),
        dt.timedelta(days=2, hours=5),
        dt.timedelta(days=45),
        -dt.timedelta(hours=2),
    ]
    made = []
    for k, age in enumerate(ages):
        ticket = make_ticket(
            requester if k % 2 else nameless, subject=f"Faktura {k} {HOSTILE}", contact_phone=""
        )
        if k % 3 == 0:
            from supportdesk.tickets import actions

            actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
        Ticket.objects.filter(pk=ticket.pk).update(
            registered_at=now - age - dt.timedelta(minutes=k),
            updated_at=now - age,
            impact="production_down" if k == 4 else "",
        )
        made.append(ticket.pk)
    return now, made


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("staff", [False, True])
def test_rows_written_in_python_are_what_the_template_wrote(hostile_tickets, language, staff):
    now, pks = hostile_tickets
    models = list(
        Ticket.objects.filter(pk__in=pks)
        .select_related("organisation", "assignee", "requester")
        .order_by("-pk")
    )
    rows = list(Ticket.objects.filter(pk__in=pks).order_by("-pk").values(*COLUMNS))
    with translation.override(language), clock.at(now):
        expected = ROW_TEMPLATE.render(Context({"tickets": models, "staff": staff}))
        written = str(ticket_rows(rows, staff=staff))
    assert written == expected
    assert "<script>" not in written and "&lt;script&gt;" in written
    words = ("min ago", "h ago", "days ago") if language == "en" else ("sedan",)
    assert all(word in written for word in words)


def test_words_of_an_age_kept_for_a_page_are_the_words_of_each_row():
    now = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)
    seconds = [-7200, -30, 0, 30, 59, 60, 61, 119, 120, 3599, 3600, 3661, 7199, 86399, 86400]
    seconds += [86400 * 2 + 5, 86400 * 29 + 86399, 86400 * 30, 86400 * 400]
    for language in ("en", "sv"):
        said: dict[tuple[int, int, int], str] = {}
        with translation.override(language):
            for s in seconds * 2:  # the second time from the kept words
                instant = now - dt.timedelta(seconds=s)
                assert ago_html(instant, now, None, said) == ago_html(instant, now), (language, s)


def test_the_kept_parts_of_the_list_carry_each_requests_search_and_sort(client, alice, org_a):
    make_ticket(alice, subject="Posting fails")
    client.force_login(alice)
    opened = client.get(reverse("ticket_list")).content.decode()
    assert '<a class="sort" href="?sort=subject">' in opened
    sorted_page = client.get(reverse("ticket_list") + "?sort=subject&q=Post").content.decode()
    assert '<a class="sort" href="?sort=-subject&amp;q=Post" title="sorted ascending">' in (
        sorted_page
    )
    assert 'name="q" value="Post"' in sorted_page
    again = client.get(reverse("ticket_list")).content.decode()
    assert '<a class="sort" href="?sort=subject">' in again and "sorted ascending" not in again
    assert 'name="q" value=""' in again
    search = '"><script>alert(1)</script>'
    html = client.get(reverse("ticket_list"), {"q": search, "state": "closed"}).content.decode()
    assert f'name="q" value="{htmllib.escape(search)}"' in html and "<script>alert" not in html
    assert re.search(r'value="closed" checked', html) and not re.search(
        r'value="open" checked', html
    )
    assert 'value="open" checked' in again


def test_the_organisations_name_follows_the_customer(client, alice, bob, org_a, org_b):
    for org, name in ((org_a, "Alfa <AB> & Co"), (org_b, "Beta “Nord”")):
        org.name, org.members_see_all = name, True
        org.save()
    for user, org in ((alice, org_a), (bob, org_b)):
        client.force_login(user)
        with translation.override("en"):
            html = client.get(reverse("ticket_list")).content.decode()
        assert f"Tickets of {htmllib.escape(org.name, quote=False)}" in html
        assert f"All of {htmllib.escape(org.name, quote=False)}" in html
        mine = client.get(reverse("ticket_list") + "?scope=mine").content.decode()
        assert "<h1>My tickets</h1>" in mine
        assert re.search(r'value="mine" checked', mine)
