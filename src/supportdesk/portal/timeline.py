"""The entries of a ticket's timeline on the customer's page, written as HTML in Python.

Through the template language each entry was a dozen lookups, filters and translations,
an ``{% include %}`` per time entry and a ``{% url %}`` per attachment; the page renders on
every visit and every minute's refresh. Here each entry is one f-string, as the list's rows
(``portal/rows.py``): every value escaped as the template's autoescape does
(``conditional_escape``), dates in the viewer's time zone as the ``date`` filter writes
them, the words translated once per language and process, the links reversed once per
page. The markup is what the loop of ``portal/partials/timeline.html`` wrote;
``tests/portal/test_timeline.py`` renders that loop beside this for the same entries.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import formats
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from supportdesk.core.links import link_maker
from supportdesk.core.templatetags.rich_text import files_html, message_html, time_html
from supportdesk.core.words import per_language
from supportdesk.portal.selectors import TimelineItem, TimeRow
from supportdesk.tickets.models import Channel


@per_language
def _words() -> dict[str, str]:
    """The entries' fixed words, escaped, in the active language."""
    words = {
        "internal_note": gettext("internal note"),
        "original": gettext("Show the original mail"),
        "time_logged": gettext("time logged"),
        "billable": gettext("billable"),
        "not_billable": gettext("not billable"),
        "policy": gettext("charged according to our service policy"),
        "nothing": gettext("Nothing yet."),
        "site": settings.SITE_NAME,
    }
    escaped = {key: str(esc(text)) for key, text in words.items()}
    for value, label in Channel.choices:
        escaped[f"channel:{value}"] = str(esc(str(label)))
    return escaped


def timeline_html(items: Iterable[TimelineItem], number: str) -> SafeString:
    """The ``<li>`` of each entry of ticket ``number``'s timeline (or "Nothing yet.")."""
    words = _words()
    links = _Links(number)
    html = [_entry(item, words, links) for item in items]
    if not html:
        return mark_safe(f"<li>{words['nothing']}</li>\n")  # noqa: S308 (escaped)
    return mark_safe("".join(html))  # noqa: S308 (every value is escaped)


class _Links:
    """The entries' links for one ticket (``core.links``)."""

    def __init__(self, number: str) -> None:
        self.number = number
        self._file = link_maker("attachment_download", "number", "attachment_id")
        self._mail = link_maker("mail_original", "number", "message_id")

    def file(self, pk: int) -> str:
        return self._file(number=self.number, attachment_id=pk)

    def mail(self, pk: int) -> str:
        return self._mail(number=self.number, message_id=pk)


def _entry(item: TimelineItem, words: dict[str, str], links: _Links) -> str:
    if item.kind == "message":
        return f"\n{_message(item, words, links)}\n\n"
    if item.kind == "event":
        actor = item.event.actor if item.event is not None else None
        reason = f" — {esc(item.reason)}" if item.reason else ""
        return (
            f'\n\n<li class="item event"><p class="meta">{time_html(item.at)}'
            f" · {esc(str(actor)) if actor else words['site']}</p>\n"
            f"<p><strong>{esc(item.text)}</strong>{reason}</p></li>\n\n"
        )
    assert item.time is not None
    return f"\n{_time(item.time, words)}\n"


def _message(item: TimelineItem, words: dict[str, str], links: _Links) -> str:
    m = item.message
    assert m is not None
    author = m.author
    classes = (" internal" if m.internal else "") + (
        " from-staff" if author is not None and author.is_support_staff else ""
    )
    channel = words.get(f"channel:{m.channel}") or esc(m.channel)
    note = f" · {words['internal_note']}" if m.internal else ""
    original = (
        f'<p class="meta"><a href="{links.mail(m.pk)}">{words["original"]}</a></p>'
        if m.channel == "email" and m.message_id
        else ""
    )
    files = files_html(item.attachments, links.file)
    return (
        f'\n<li class="item message{classes}">\n'
        f'<p class="meta"><strong>{esc(str(author) if author else m.author_email)}</strong>'
        f" · {time_html(m.created_at)} · {channel}{note}</p>\n"
        f'<div class="body">{message_html(m)}</div>\n'
        f"{original}\n{files}\n</li>"
    )


def _time(t: TimeRow, words: dict[str, str]) -> str:
    minutes = ngettext("%(minutes)s minute", "%(minutes)s minutes", t.minutes) % {
        "minutes": formats.localize(t.minutes)
    }
    return (
        f'\n<li class="item time"><p class="meta"><time datetime="{t.date:%Y-%m-%d}">'
        f"{t.date:%Y-%m-%d}</time> · {esc(t.consultant)} · {words['time_logged']}</p>\n"
        f'<p><strong class="minutes">{esc(minutes)}</strong> — {esc(t.description)}</p>\n'
        f"{charge_html(t, words)}\n\n</li>"
    )


def charge_html(t: TimeRow, words: dict[str, str]) -> str:
    """What ``portal/partials/charge.html`` writes for one time entry (without its
    trailing newline)."""
    if t.billable is None:
        return f'<p class="charge hint">{words["policy"]}</p>'
    kind, label = ("billable", "billable") if t.billable else ("not-billable", "not_billable")
    note = f" {esc(t.why)}" if t.why else (f" {esc(t.charge)}" if t.charge else "")
    return f'<p class="charge"><span class="tag {kind}">{words[label]}</span>{note}</p>'
