"""The rows of the ticket list, written as HTML in Python once per page.

A page of the list is 50 rows of eight cells; through the template language each cell was
a lookup, a translation of its label, an escape, and each row a ``{% url %}`` and two
``ago`` filters: two thirds of the page's CPU time. Here each row is one f-string, as the
console's board does (``console/rows.py``): every value escaped with the standard library's
``html.escape`` (what Django's ``escape`` calls), the link reversed once per page, each
label translated once per page. The page's tickets are read as ``values()`` rows of the
columns shown (``COLUMNS``), not as models with three joined models each. The markup is
what ``portal/partials/ticket_table.html`` wrote; tests read it as users see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.links import link_maker
from supportdesk.core.templatetags.rich_text import ago_html
from supportdesk.tickets.models import Impact, Status, Ticket

# What a row shows: ``ticket_list(...).values(*COLUMNS)``.
COLUMNS = (
    "pk",
    "subject",
    "organisation__name",
    "status",
    "impact",
    "assignee_id",
    "assignee__name",
    "assignee__email",
    "requester_id",
    "requester__name",
    "requester__email",
    "registered_at",
    "updated_at",
)


def ticket_rows(tickets: Iterable[Mapping[str, Any]], *, staff: bool) -> SafeString:
    """The ``<tr>`` of each ticket (a row of ``COLUMNS``) of a page of the list; the
    organisation's column for staff only."""
    # The link with a mark where the number goes, escaped once; a number is the prefix
    # and digits (nothing to escape).
    before, after = escape(link_maker("ticket_detail", "number")(number="\x00")).split("\x00")
    label = {
        key: escape(words)
        for key, words in (
            ("number", gettext("Number")),
            ("subject", gettext("Subject")),
            ("organisation", gettext("Organisation")),
            ("status", gettext("Status")),
            ("assignee", gettext("Assigned to")),
            ("requester", gettext("Requester")),
            ("registered", gettext("Registered")),
            ("updated", gettext("Last activity")),
        )
    }
    # Each status's cell start and each person's name, written once per page: a page's
    # rows share a handful of statuses and people.
    status = {
        value: f'<td data-label="{label["status"]}"><span class="status s-{escape(value)}">'
        f"{escape(str(name))}</span>"
        for value, name in Status.choices
    }
    impact = {value: escape(str(name)) for value, name in Impact.choices}
    people: dict[int | None, str] = {None: "—"}
    said: dict[tuple[str, int], str] = {}  # "3 h ago" and the like, translated once
    now, zone = clock.now(), timezone.get_current_timezone()
    html = []
    for t in tickets:
        number = Ticket.number_of(t["pk"])
        organisation = (
            f'<td data-label="{label["organisation"]}">{escape(t["organisation__name"])}</td>\n'
            if staff
            else ""
        )
        shown_impact = (
            f' <span class="impact">{impact.get(t["impact"]) or escape(t["impact"])}</span>'
            if t["impact"]
            else ""
        )
        state = t["status"]
        cell = status.get(state) or (
            f'<td data-label="{label["status"]}"><span class="status s-{escape(state)}">'
            f"{escape(state)}</span>"
        )
        assignee, requester = t["assignee_id"], t["requester_id"]
        if assignee not in people:
            people[assignee] = escape(User.shown(t["assignee__name"], t["assignee__email"]))
        if requester not in people:
            people[requester] = escape(User.shown(t["requester__name"], t["requester__email"]))
        html.append(
            f'<tr><td data-label="{label["number"]}">'
            f'<a href="{before}{number}{after}">{number}</a></td>\n'
            f'<td data-label="{label["subject"]}">{escape(t["subject"])}</td>\n'
            f"{organisation}{cell}{shown_impact}</td>\n"
            f'<td data-label="{label["assignee"]}">{people[assignee]}</td>\n'
            f'<td data-label="{label["requester"]}">{people[requester]}</td>\n'
            f'<td data-label="{label["registered"]}">'
            f"{ago_html(t['registered_at'], now, zone, said)}</td>\n"
            f'<td data-label="{label["updated"]}">'
            f"{ago_html(t['updated_at'], now, zone, said)}</td></tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


# A ticket's number is this prefix and digits: written into rows without escaping.
assert escape(Ticket.number_of(0)) == Ticket.number_of(0)
