"""The customer's timeline entries are written in Python (portal/timeline.py): the same
markup as the template loop they replaced, escaped the same way, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.utils import timezone, translation

from supportdesk.billing import actions as billing
from supportdesk.portal.selectors import TimelineItem, TimeRow, timeline
from supportdesk.portal.timeline import timeline_html
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Message
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HOSTILE = "\"><script>alert('x')</script>&amp; <b>"

# The loop of portal/partials/timeline.html as it was before the entries were written in
# Python: the reference the fast markup is compared with.
TEMPLATE_LOOP = """{% load i18n rich_text %}{% for item in timeline %}
{% if item.kind == "message" %}{% with m=item.message %}
<li class="item message{% if m.internal %} internal{% endif %}{% if m.author.is_support_staff %} from-staff{% endif %}">
<p class="meta"><strong>{{ m.author|default:m.author_email }}</strong> · <time datetime="{{ m.created_at|date:'c' }}">{{ m.created_at|date:"Y-m-d H:i" }}</time> · {{ m.get_channel_display }}{% if m.internal %} · {% translate "internal note" %}{% endif %}</p>
<div class="body">{{ m|message_html }}</div>
{% if m.channel == "email" and m.message_id %}<p class="meta"><a href="{% url 'mail_original' ticket.number m.pk %}">{% translate "Show the original mail" %}</a></p>{% endif %}
{% if item.attachments %}<ul class="files">{% for a in item.attachments %}<li><a href="{% url 'attachment_download' ticket.number a.pk %}">{{ a.filename }}</a> <small>{{ a.size|filesizeformat }}</small></li>{% endfor %}</ul>{% endif %}
</li>{% endwith %}
{% elif item.kind == "event" %}
<li class="item event"><p class="meta"><time datetime="{{ item.at|date:'c' }}">{{ item.at|date:"Y-m-d H:i" }}</time> · {{ item.event.actor|default:SITE_NAME }}</p>
<p><strong>{{ item.text }}</strong>{% if item.reason %} — {{ item.reason }}{% endif %}</p></li>
{% else %}{% with t=item.time %}
<li class="item time"><p class="meta"><time datetime="{{ t.date|date:'Y-m-d' }}">{{ t.date|date:"Y-m-d" }}</time> · {{ t.consultant }} · {% translate "time logged" %}</p>
<p><strong class="minutes">{% blocktranslate count minutes=t.minutes %}{{ minutes }} minute{% plural %}{{ minutes }} minutes{% endblocktranslate %}</strong> — {{ t.description }}</p>
{% include "portal/partials/charge.html" %}
</li>{% endwith %}{% endif %}
{% empty %}<li>{% translate "Nothing yet." %}</li>
{% endfor %}"""


def _template(items, ticket) -> str:
    from django.conf import settings

    template = engines["django"].from_string(TEMPLATE_LOOP)
    return template.render({"timeline": items, "ticket": ticket, "SITE_NAME": settings.SITE_NAME})


@pytest.fixture
def story(alice, consultant, dispatcher):
    """A ticket with every kind of entry, hostile text in each value shown."""
    alice.name = HOSTILE
    alice.save()
    consultant.name = f"Carl {HOSTILE}"
    consultant.save()
    ticket = make_ticket(alice, subject=HOSTILE)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_reply(
        ticket=ticket,
        actor=consultant,
        body=f"**Looking** at {HOSTILE} https://example.com/?a=1&b=2",
        channel=Channel.CONSOLE,
        attachments=[SimpleUploadedFile(f"{HOSTILE}.png", b"png" * 700, "image/png")],
    )
    actions.ticket_reply(ticket=ticket, actor=alice, body=HOSTILE, channel=Channel.PORTAL)
    actions.ticket_add_note(ticket=ticket, actor=consultant, body=f"Note {HOSTILE}")
    billing.time_log(
        ticket=ticket, actor=consultant, minutes=1, description=HOSTILE, date=dt.date(2026, 3, 4)
    )
    billing.time_log(ticket=ticket, actor=consultant, minutes=95, description="Fixed it")
    actions.ticket_wait(ticket=ticket, actor=consultant, on="customer", reason=HOSTILE)
    return ticket


def _extra_items(ticket) -> list[TimelineItem]:
    """Entries the story cannot make through actions: a mail with its original, an author
    known only by address, and each way a time entry is charged."""
    at = timezone.make_aware(dt.datetime(2026, 5, 6, 23, 30))
    mail = Message(
        pk=77,
        ticket=ticket,
        author=None,
        author_email=f"x{HOSTILE}@example.com",
        channel=Channel.EMAIL,
        body=HOSTILE,
        message_id="<abc@example.com>",
        created_at=at,
    )
    rows = [
        TimeRow(dt.date(2026, 5, 7), HOSTILE, 30, HOSTILE, at, True, HOSTILE, ""),
        TimeRow(dt.date(2026, 5, 7), "C", 2, "d", at, False, "", HOSTILE),
        TimeRow(dt.date(2026, 5, 7), "C", 2, "d", at, True, "", ""),
    ]
    return [TimelineItem(at=at, kind="message", message=mail)] + [
        TimelineItem(at=at, kind="time", time=row) for row in rows
    ]


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("who", ["alice", "consultant"])
def test_entries_are_written_as_the_template_wrote_them(request, story, language, who):
    user = request.getfixturevalue(who)
    with translation.override(language), timezone.override("Europe/Stockholm"):
        items = timeline(user, story) + _extra_items(story)
        kinds = {item.kind for item in items}
        assert kinds == {"message", "event", "time"}
        fast = str(timeline_html(items, story.number))
        assert fast == _template(items, story)
    assert "<script>" not in fast
    assert ("internal" in fast) == (who == "consultant")


@pytest.mark.parametrize("language", ["en", "sv"])
def test_an_empty_timeline_says_so_as_the_template_did(story, language):
    with translation.override(language):
        assert str(timeline_html([], story.number)) == _template([], story)


def test_the_page_shows_the_entries(client, alice, story):
    client.force_login(alice)
    page = client.get(f"/tickets/{story.number}/").content.decode()
    assert "Fixed it" in page
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page
