"""The board's rows and its long option lists, written as HTML in Python once per page.

A board page is 50 rows of about 30 values each, and its filters list every organisation.
Through the template language (a lookup, a filter and an escape per value, a ``{% url %}``
and several translations per row, lazy labels evaluated again on every use) they were
most of the page's CPU time. Here each row is one f-string: every value is escaped with
the standard library's ``html.escape`` (what Django's ``escape`` calls), the link is
reversed once per page and each sentence is translated once per page. The markup is the
one ``console/partials/board_rows.html`` places; tests read it as users see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from supportdesk.accounts.models import User
from supportdesk.commitments.assignment import Suggestion
from supportdesk.console.clocks import Clock
from supportdesk.console.selectors import BoardRow, Candidate
from supportdesk.core import clock
from supportdesk.core.links import link_maker
from supportdesk.core.templatetags.rich_text import ago_html
from supportdesk.core.words import per_language
from supportdesk.search.selectors import LABELS, Hit
from supportdesk.tickets.models import Impact, ImpactReview, Status, Ticket


class _Words:
    """What a page of rows says, translated and escaped once per process and language."""

    def __init__(self) -> None:
        self.status = {value: escape(str(label)) for value, label in Status.choices}
        self.impact = {value: str(label) for value, label in Impact.choices}
        self.review: dict[str, str] = {
            ImpactReview.CLAIMED: f" ({gettext('to review')})",
            ImpactReview.REMOVED: f" ({gettext('removed')})",
        }
        # Escaped with their placeholders: a number needs no escaping, a name is escaped.
        self.select = escape(gettext("Select %(n)s"))
        self.assign_to = escape(gettext("Assign to %(who)s"))
        self.your_turn = (
            f' <span class="your-turn" title="{escape(gettext("The customer wrote last: your turn"))}">'
            f"{escape(gettext('customer replied'))}</span>"
        )
        self.last_activity = escape(gettext("last activity"))
        self.unqualified = escape(gettext("nobody present has the skill: override reason needed"))
        self.matched = {key: escape(gettext(label)) for key, label in LABELS.items()}


_words = per_language(_Words)


def _clock(c: Clock) -> str:
    return (
        f'<td><span class="clock {escape(c.state)}" title="{escape(c.title)}">'
        f"{escape(c.text)}</span></td>"
    )


def board_rows(rows: Sequence[BoardRow], hits: dict[int, int]) -> list[SafeString]:
    """The ``<tr>`` of each row of the board (and of its live refresh), in order."""
    href_of = link_maker("console:workspace", "number")
    words = _words()
    now, zone = clock.now(), timezone.get_current_timezone()
    cells: dict[Clock, str] = {}  # most clocks of a page say the same few things

    def cell(c: Clock) -> str:
        found = cells.get(c)
        if found is None:
            found = cells[c] = _clock(c)
        return found

    html = []
    for row in rows:
        t: Any = row.ticket  # with the names of ``selectors.BOARD_NAMES`` as columns
        number = t.number  # "SD-" and digits: nothing to escape
        href = escape(href_of(number=number))
        suggestion = row.suggestion
        suggested = f"{number}:{suggestion.pk}" if suggestion is not None else ""
        notes = []
        if t.impact:
            impact = words.impact.get(t.impact, t.impact) + words.review.get(t.impact_review, "")
            notes.append(f'<br><span class="impact">{escape(impact)}</span>')
        if t.required_skill_id:
            notes.append(f'<br><small class="tag">{escape(t.skill_name)}</small>')
        if n := hits.get(t.pk, 0):
            others = ngettext(
                "%(n)s other customer's ticket has this error",
                "%(n)s other customers' tickets have this error",
                n,
            ) % {"n": n}
            notes.append(f'<br><a class="tag others-hit" href="{href}#others">{escape(others)}</a>')
        if t.assignee_id:
            who = escape(User.shown(t.assignee_name, t.assignee_email))
        elif suggestion is not None:
            label = words.assign_to % {"who": escape(str(suggestion))}
            who = (
                f'<button type="submit" name="one" value="{suggested}"'
                f' class="small assign-suggested" data-key="a">{label}</button>'
            )
            if not row.suggestion_qualified:
                who += f'<br><small class="late">{words.unqualified}</small>'
        else:
            who = "—"
        hidden = f'<input type="hidden" name="suggested" value="{suggested}">' if suggested else ""
        requester = (
            escape(User.shown(t.requester_name, t.requester_email)) if t.requester_id else ""
        )
        status = escape(t.status)
        html.append(
            mark_safe(  # noqa: S308 (every value above is escaped)
                f'<tr class="row-{row.state}" data-number="{number}" data-href="{href}">\n'
                f'<td><input type="checkbox" name="ticket" value="{number}"'
                f' aria-label="{words.select % {"n": number}}">{hidden}</td>\n'
                f'<td><a href="{href}" class="open"><span class="number">{number}</span>'
                f" {escape(t.subject)}</a>"
                f"{words.your_turn if getattr(t, 'customer_wrote_last', False) else ''}\n"
                f"<br><small>{words.last_activity} {ago_html(t.updated_at, now, zone)}</small>"
                f"{''.join(notes)}</td>\n"
                f"<td>{escape(t.organisation_name)}<br><small>{requester}</small></td>\n"
                f'<td><span class="status s-{status}">'
                f"{words.status.get(t.status, status)}</span>"
                f"<br><small>{ago_html(t.registered_at, now, zone)}</small></td>\n"
                f"{cell(row.assignment)}{cell(row.same_day)}{cell(row.resolution)}\n"
                f"<td>{who}</td>\n</tr>\n"
            )
        )
    return html


_SELECTED = " selected"


# The escaped lists of options, by their content: the same organisations on every page
# until one is added or renamed (then its new list is written once).
_option_lists: dict[tuple[tuple[int, str], ...], str] = {}


def options(choices: Sequence[tuple[int, str]], selected: str) -> SafeString:
    """``<option>`` elements of a filter (hundreds of organisations), escaped, the one
    whose id is ``selected`` marked."""
    key = tuple(choices)
    html = _option_lists.get(key)
    if html is None:
        if len(_option_lists) >= 16:
            _option_lists.clear()
        html = _option_lists[key] = "".join(
            f'<option value="{pk}">{escape(name)}</option>' for pk, name in choices
        )
    if selected:
        html = html.replace(
            f'<option value="{selected}">', f'<option value="{selected}"{_SELECTED}>', 1
        )
    return mark_safe(html)  # noqa: S308 (names escaped; ``selected`` is an id)


def consultant_options(consultants: Sequence[Candidate]) -> SafeString:
    """The bulk-assignment choices: each consultant with open load and skills."""
    word_open, no_skills = gettext("open"), gettext("no skills")
    return mark_safe(  # noqa: S308 (names escaped)
        "".join(
            f'<option value="{c.pk}">{escape(str(c))} ({c.open_load} {escape(word_open)};'
            f" {escape(', '.join(str(s) for s in c.skill_list) or no_skills)})</option>"
            for c in consultants
        )
    )


def open_ticket_items(tickets: Iterable[Ticket]) -> SafeString:
    """The workspace's other open tickets of the organisation (``<li>`` each): number as
    its link, subject cut to 40 characters, status."""
    href_of = link_maker("console:workspace", "number")
    status = _words().status
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<li><a href="{escape(href_of(number=t.number))}">{t.number}</a>'
            f" {escape(Truncator(t.subject).chars(40))}"
            f' <span class="status s-{escape(t.status)}">'
            f"{status.get(t.status) or escape(t.status)}</span></li>"
            for t in tickets
        )
    )


def staff_options(staff: Iterable[Mapping[str, Any]], me: User) -> SafeString:
    """The workspace's "Assign to" choices: every member of staff (rows of ``id``, ``name``
    and ``email``, ``selectors.active_staff``) named as users are, oneself chosen."""
    mine = f"{_SELECTED}>{{}} ({escape(gettext('me'))})</option>"
    html = []
    for row in staff:
        pk = int(row["id"])
        name = escape(User.shown(row["name"], row["email"]))
        if pk == me.pk:
            html.append(f'<option value="{pk}"{mine.format(name)}')
        else:
            html.append(f'<option value="{pk}">{name}</option>')
    return mark_safe("".join(html))  # noqa: S308 (names escaped; ids are integers)


def csrf_input(token: str | None) -> str:
    """``{% csrf_token %}`` of a page whose context holds ``token``."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


def suggestion_items(
    suggestions: Iterable[Suggestion], *, assign_url: str, csrf: str, assignee_id: int | None
) -> SafeString:
    """The workspace's suggested consultants (``<li>`` each): a button assigning the ticket
    (disabled for its assignee), the open load, whether the skill is lacking. ``csrf`` is
    the page's ``csrf_input``."""
    word_open, lacks = escape(gettext("open")), escape(gettext("lacks the skill"))
    action = escape(assign_url)
    html = []
    for s in suggestions:
        pk = int(s.user.pk)
        disabled = " disabled" if pk == assignee_id else ""
        lacking = "" if s.qualified else f' · <span class="late">{lacks}</span>'
        html.append(
            f'<li>\n<form method="post" action="{action}" class="inline">{csrf}'
            f'<input type="hidden" name="assignee" value="{pk}">\n'
            f'<button type="submit" class="small"{disabled}>{escape(str(s.user))}</button></form>'
            f"\n<small>{int(s.open_load)} {word_open}{lacking}</small></li>"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value escaped)


def search_hits(hits: Sequence[Hit]) -> SafeString:
    """The ``<li>`` of each hit of the console's search, in order."""
    href_of = link_maker("console:workspace", "number")
    words = _words()
    html = []
    for hit in hits:
        t = hit.ticket
        number = t.number  # "SD-" and digits: nothing to escape
        anchor = f"#m{int(hit.message_id)}" if hit.message_id else ""
        html.append(
            f'<li class="card">\n<a href="{escape(href_of(number=number))}{anchor}">'
            f'<span class="number">{number}</span> {escape(t.subject)}</a>\n'
            f'<span class="status s-{escape(t.status)}">{words.status[t.status]}</span>'
            f" · {escape(t.organisation)} · "
            f'<span class="tag">{words.matched[hit.matched]}</span>\n'
            f'<p class="snippet">{hit.snippet}</p></li>'  # the snippet is escaped, marked
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
