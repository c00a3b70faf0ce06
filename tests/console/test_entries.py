"""The workspace's timeline entries written in Python (``console/entries.py``) are the
markup its template wrote: the template is kept here and both are compared on a timeline
of every kind of entry — a customer's mail with attachments, a reply, an internal note, a
merged duplicate's message, events with and without a reason — with hostile names and
texts, in English and Swedish, in the viewer's time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from supportdesk.console.entries import timeline_entries
from supportdesk.console.selectors import timeline
from supportdesk.core import clock
from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Channel, Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HOSTILE = "\"><script>alert('x')</script>&amp;"

# What console/workspace.html wrote for the timeline before its entries came from Python.
TEMPLATE = Template(
    "{% load i18n rich_text %}"
    + '{% for item in timeline %}\n{% if item.message %}{% with m=item.message %}\n<li class="message{% if m.internal %} internal{% endif %}" id="m{{ m.pk }}">\n<p class="meta"><strong>{{ m.author|default:m.author_email }}</strong> · <time datetime="{{ m.created_at|date:\'c\' }}">{{ m.created_at|date:"Y-m-d H:i" }}</time> · {{ m.get_channel_display }}{% if m.internal %} · <span class="tag">{% translate "internal note" %}</span>{% endif %}{% if item.from_ticket %} · <span class="tag">{% blocktranslate with n=item.from_ticket %}from duplicate {{ n }}{% endblocktranslate %}</span>{% endif %}</p>\n<div class="body">{{ m|message_html }}</div>\n{% if m.channel == "email" and m.message_id %}<p class="meta"><a href="{% url \'mail_original\' item.from_ticket|default:ticket.number m.pk %}">{% translate "Show the original mail" %}</a></p>{% endif %}\n{% if m.attachments.all %}<ul class="files">{% for a in m.attachments.all %}<li><a href="{% url \'attachment_download\' item.from_ticket|default:ticket.number a.pk %}">{{ a.filename }}</a> <small>{{ a.size|filesizeformat }}</small></li>{% endfor %}</ul>{% endif %}\n</li>{% endwith %}\n{% else %}{% with e=item.event %}\n<li class="event{% if not e.public %} internal{% endif %}"><time datetime="{{ e.created_at|date:\'c\' }}">{{ e.created_at|date:"Y-m-d H:i" }}</time> {{ item.text }}{% if e.reason %} — {{ e.reason }}{% endif %}</li>\n{% endwith %}{% endif %}\n{% endfor %}'
)


def _both(ticket: Ticket) -> tuple[str, str]:
    items = timeline(ticket)
    fast = timeline_entries(items, ticket.number)
    slow = TEMPLATE.render(Context({"timeline": items, "ticket": ticket}))
    return fast, slow


@pytest.fixture
def busy(alice, consultant, dispatcher):
    """A ticket with every kind of timeline entry, hostile where a person typed."""
    consultant.name = HOSTILE
    consultant.save()
    morning = dt.datetime(2026, 3, 10, 8, 30, 15, 123456, tzinfo=dt.UTC)
    with clock.at(morning):
        ticket = make_ticket(alice, subject=HOSTILE, description=f"**{HOSTILE}** <b>x</b>")
        duplicate = make_ticket(alice, subject="Same again", description=f"dup {HOSTILE}")
    with clock.at(morning + dt.timedelta(hours=1)):
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
        actions.ticket_start(ticket=ticket, actor=consultant)
        actions.ticket_reply(
            ticket=ticket,
            actor=consultant,
            body=f"**Hello** {HOSTILE} https://example.com/?a=1&b=2",
            channel=Channel.CONSOLE,
        )
        actions.ticket_add_note(ticket=ticket, actor=consultant, body=f"note {HOSTILE}")
        mail = actions.ticket_reply(
            ticket=ticket,
            actor=alice,
            body=f"*not markdown* {HOSTILE}",
            channel=Channel.EMAIL,
            message_id="<m1@example.com>",
        )
        for name, size in [(f"{HOSTILE}.pdf", 12_345), ("b.png", 3_456_789)]:
            Attachment.objects.create(
                ticket=ticket,
                message=mail,
                file="x",
                filename=name,
                content_type="x",
                size=size,
                sha256="0" * 64,
            )
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer", reason=HOSTILE)
        actions.ticket_reply(
            ticket=duplicate, actor=alice, body=f"dup {HOSTILE}", channel=Channel.PORTAL
        )
        actions.ticket_merge(duplicate=duplicate, target=ticket, actor=consultant, reason="dup")
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("zone", ["Europe/Stockholm", "America/New_York"])
def test_the_entries_are_the_templates_markup(busy, language, zone):
    with translation.override(language), timezone.override(zone):
        fast, slow = _both(busy)
    assert fast == slow
    words = {
        "en": ("internal note", "from duplicate SD-"),
        "sv": ("intern anteckning", "från dubbletten SD-"),
    }
    assert all(word in fast for word in words[language])
    assert "<script>" not in fast and "&lt;script&gt;" in fast
    assert fast.count('<ul class="files">') == 1 and fast.count('class="event') >= 4


def test_an_empty_timeline_writes_nothing(alice):
    ticket = make_ticket(alice)
    ticket.messages.all().delete()
    ticket.events.all().delete()
    fast, slow = _both(ticket)
    assert fast == slow == ""
