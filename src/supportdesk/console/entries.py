"""The workspace's timeline entries, written as HTML in Python once per page.

A ticket's timeline is its messages and events, often dozens; through the template
language each entry was a ``{% with %}``, several lookups and ``date`` filters, a label's
translation and two or three ``{% if %}``. Here each entry is one f-string, as the board's
rows are (``console/rows.py``): every value escaped as the template escaped it
(``conditional_escape``: a text already marked safe stays as it is), the fixed words
translated once per process and language (``core/words.py``), times shown in the viewer's
time zone. ``tests/console/test_entries.py`` compares it with the template it replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from supportdesk.console.selectors import TimelineItem
from supportdesk.core.links import link_maker
from supportdesk.core.templatetags.rich_text import files_html, message_html, time_html
from supportdesk.core.words import per_language
from supportdesk.tickets.models import Channel, Message


class _Words:
    def __init__(self) -> None:
        self.channel = {value: conditional_escape(str(label)) for value, label in Channel.choices}
        self.internal = (
            f' · <span class="tag">{conditional_escape(gettext("internal note"))}</span>'
        )
        self.duplicate = gettext("from duplicate %(n)s")
        self.original = conditional_escape(gettext("Show the original mail"))


_words = per_language(_Words)


def _message(
    item: TimelineItem, m: Message, number: str, words: _Words, zone: dt.tzinfo, links: _Links
) -> str:
    author = m.author if m.author_id else None
    tags = words.internal if m.internal else ""
    if item.from_ticket:
        duplicate = words.duplicate % {"n": conditional_escape(item.from_ticket)}
        tags += f' · <span class="tag">{duplicate}</span>'
    source = item.from_ticket or number
    original = ""
    if m.channel == Channel.EMAIL and m.message_id:
        href = conditional_escape(links.mail(number=source, message_id=m.pk))
        original = f'<p class="meta"><a href="{href}">{words.original}</a></p>'
    files = files_html(item.files, lambda pk: links.file(number=source, attachment_id=pk))
    return (
        f'\n\n<li class="message{" internal" if m.internal else ""}" id="m{m.pk}">\n'
        f'<p class="meta"><strong>{conditional_escape(str(author) if author else m.author_email)}</strong>'
        f" · {time_html(m.created_at, zone)}"
        f" · {words.channel.get(m.channel, conditional_escape(m.channel))}{tags}</p>\n"
        f'<div class="body">{message_html(m)}</div>\n{original}\n{files}\n</li>\n\n'
    )


def _event(item: TimelineItem, zone: dt.tzinfo) -> str:
    e = item.event
    reason = f" — {conditional_escape(e.reason)}" if e.reason else ""
    return (
        f'\n\n<li class="event{"" if e.public else " internal"}">{time_html(e.created_at, zone)}'
        f" {conditional_escape(item.text)}{reason}</li>\n\n"
    )


class _Links:
    """The entries' links, reversed once per page (``core.links``)."""

    def __init__(self) -> None:
        self.mail = link_maker("mail_original", "number", "message_id")
        self.file = link_maker("attachment_download", "number", "attachment_id")


def timeline_entries(items: Sequence[TimelineItem], number: str) -> SafeString:
    """The ``<li>`` of each entry of the ticket numbered ``number``'s timeline, in order."""
    words, zone, links = _words(), timezone.get_current_timezone(), _Links()
    return mark_safe(  # noqa: S308 (every value above is escaped)
        "".join(
            _message(item, item.message, number, words, zone, links)
            if item.message
            else _event(item, zone)
            for item in items
        )
    )
