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


def _person(t: Mapping[str, Any], who: str) -> str:
    """``str(user)`` of the row's requester or assignee (name, else address), escaped."""
    if t[f"{who}_id"] is None:
        return "—"
    return escape(User.shown(t[f"{who}__name"], t[f"{who}__email"]))


def ticket_rows(tickets: Iterable[Mapping[str, Any]], *, staff: bool) -> SafeString:
    """The ``<tr>`` of each ticket (a row of ``COLUMNS``) of a page of the list; the
    organisation's column for staff only."""
    href_of = link_maker("ticket_detail", "number")
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
    status = {value: escape(str(name)) for value, name in Status.choices}
    impact = {value: escape(str(name)) for value, name in Impact.choices}
    now, zone = clock.now(), timezone.get_current_timezone()
    html = []
    for t in tickets:
        number = escape(Ticket.number_of(t["pk"]))
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
        html.append(
            f'<tr><td data-label="{label["number"]}">'
            f'<a href="{escape(href_of(number=number))}">{number}</a></td>\n'
            f'<td data-label="{label["subject"]}">{escape(t["subject"])}</td>\n'
            f"{organisation}"
            f'<td data-label="{label["status"]}"><span class="status s-{escape(state)}">'
            f"{status.get(state) or escape(state)}</span>{shown_impact}</td>\n"
            f'<td data-label="{label["assignee"]}">{_person(t, "assignee")}</td>\n'
            f'<td data-label="{label["requester"]}">{_person(t, "requester")}</td>\n'
            f'<td data-label="{label["registered"]}">'
            f"{ago_html(t['registered_at'], now, zone)}</td>\n"
            f'<td data-label="{label["updated"]}">{ago_html(t["updated_at"], now, zone)}</td></tr>\n'
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
