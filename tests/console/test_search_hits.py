"""The console search's hits written in Python (``console/rows.search_hits``) are the
markup its template wrote: the template is kept here and both are compared on hits of
every kind — a ticket number, a reference, an organisation, a contact, words in a message
(with the message's anchor) — with a hostile subject and organisation name, in English
and Swedish."""

from __future__ import annotations

import dataclasses

import pytest
from django.template import Context, Template
from django.utils import translation

from supportdesk.accounts.models import Organisation
from supportdesk.console.rows import search_hits
from supportdesk.search.selectors import LABELS, search
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HOSTILE = "\"><script>alert('x')</script>&amp;"

# What console/search.html wrote for its hits before they came from Python.
TEMPLATE = Template(
    "{% load i18n %}"
    '{% for hit in hits %}<li class="card">\n'
    "<a href=\"{% url 'console:workspace' hit.ticket.number %}"
    '{% if hit.message_id %}#m{{ hit.message_id }}{% endif %}">'
    '<span class="number">{{ hit.ticket.number }}</span> {{ hit.ticket.subject }}</a>\n'
    '<span class="status s-{{ hit.ticket.status }}">{{ hit.ticket.get_status_display }}</span>'
    ' · {{ hit.ticket.organisation }} · <span class="tag">{% translate hit.label %}</span>\n'
    '<p class="snippet">{{ hit.snippet }}</p></li>{% endfor %}'
)


@pytest.fixture
def hits(alice, consultant):
    Organisation.objects.filter(pk=alice.organisation_id).update(name=f"Alpha {HOSTILE}")
    alice.refresh_from_db()
    ticket = make_ticket(
        alice,
        subject=f"Invoice {HOSTILE}",
        description="Posting INV/2026/00012 fails with a lock date error.",
    )
    found = []
    for query in (ticket.number, "INV/2026/00012", "Alpha", "alice@alpha.example", "lock date"):
        found += search(consultant, query)[:1]
    # A hit in a message links to the message.
    found.append(dataclasses.replace(found[-1], message_id=4711))
    assert {hit.matched for hit in found} >= {"number", "reference", "organisation", "contact"}
    return found


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_hits_are_the_templates_markup(hits, language):
    with translation.override(language):
        fast = search_hits(hits)
        slow = TEMPLATE.render(Context({"hits": hits}))
        labels = {key: translation.gettext(label) for key, label in LABELS.items()}
    assert fast == slow
    assert "<script>" not in fast and "&lt;script&gt;" in fast
    assert fast.count('<li class="card">') == len(hits) and "#m4711" in fast
    if language == "sv":  # what matched, in Swedish too
        assert labels["number"] == "ärendenummer" and "ärendenummer" in fast
        assert labels["contact"] == "kontakt" and labels["reference"] == "transaktionsreferens"


def test_no_hits_write_nothing():
    assert search_hits([]) == ""
