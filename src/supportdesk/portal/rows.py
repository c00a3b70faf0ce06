"""The rows of the ticket list, written as HTML in Python once per page.

A page of the list is 50 rows of eight cells; through the template language each cell was
a lookup, a translation of its label, an escape, and each row a ``{% url %}`` and two
``ago`` filters: two thirds of the page's CPU time. Here each row is one f-string, as the
console's board does (``console/rows.py``): every value escaped with the standard library's
``html.escape`` (what Django's ``escape`` calls), the link reversed once per page, each
label translated once per page. The markup is what ``portal/partials/ticket_table.html``
wrote; tests read it as users see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from supportdesk.core import clock
from supportdesk.core.templatetags.rich_text import ago_html
from supportdesk.tickets.models import Impact, Status, Ticket

_NUMBER = "SD-0"  # reversed once; each row puts its own number in its place


def ticket_rows(tickets: Iterable[Ticket], *, staff: bool) -> SafeString:
    """The ``<tr>`` of each ticket of a page of the list; the organisation's column for
    staff only."""
    href_of = reverse("ticket_detail", kwargs={"number": _NUMBER})
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
        number = escape(t.number)
        organisation = (
            f'<td data-label="{label["organisation"]}">{escape(str(t.organisation))}</td>\n'
            if staff
            else ""
        )
        shown_impact = (
            f' <span class="impact">{impact.get(t.impact) or escape(t.impact)}</span>'
            if t.impact
            else ""
        )
        assignee = escape(str(t.assignee)) if t.assignee_id else "—"
        requester = escape(str(t.requester)) if t.requester_id else "—"
        html.append(
            f'<tr><td data-label="{label["number"]}">'
            f'<a href="{escape(href_of.replace(_NUMBER, t.number))}">{number}</a></td>\n'
            f'<td data-label="{label["subject"]}">{escape(t.subject)}</td>\n'
            f"{organisation}"
            f'<td data-label="{label["status"]}"><span class="status s-{escape(t.status)}">'
            f"{status.get(t.status) or escape(t.status)}</span>{shown_impact}</td>\n"
            f'<td data-label="{label["assignee"]}">{assignee}</td>\n'
            f'<td data-label="{label["requester"]}">{requester}</td>\n'
            f'<td data-label="{label["registered"]}">{ago_html(t.registered_at, now, zone)}</td>\n'
            f'<td data-label="{label["updated"]}">{ago_html(t.updated_at, now, zone)}</td></tr>\n'
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
