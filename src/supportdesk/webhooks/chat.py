"""Chat notifications for the desk (Slack, Microsoft Teams, Mattermost, Rocket.Chat…).

Apprise speaks to each service; ``CHAT_NOTIFY_URLS`` lists the URLs in its notation
(``slack://…``, ``msteams://…``, ``mmosts://…``, ``rocket://…``, ``json://…``), set by the
operator, never by a user. A new ticket, a business-critical flag, a deadline warning and
a breach are posted, in the desk's language.
"""

from __future__ import annotations

import apprise
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event, Impact


def message(event: Event) -> tuple[str, str] | None:
    """(title, body) of the chat message an event means, or None."""
    ticket = event.ticket
    link = f"{settings.SITE_URL.rstrip('/')}/console/tickets/{ticket.number}/"
    names = {
        "number": ticket.number,
        "organisation": ticket.organisation,
        "subject": ticket.subject,
    }
    if event.verb == Verb.CREATED:
        title = _("New ticket %(number)s from %(organisation)s") % names
    elif event.verb == Verb.UPDATED and event.new.get("impact"):
        impact = str(Impact(event.new["impact"]).label)
        title = _("Business-critical: %(number)s (%(impact)s)") % {**names, "impact": impact}
    elif event.verb == Verb.ASSIGNMENT_WARNING:
        title = _("%(number)s is unassigned and nears its assignment deadline") % names
    elif event.verb == Verb.ASSIGNMENT_BREACHED:
        title = _("%(number)s passed its assignment deadline unassigned") % names
    else:
        return None
    return title, f"{ticket.subject}\n{link}"


def notify(event_id: int) -> bool:
    urls = settings.CHAT_NOTIFY_URLS
    if not urls:
        return False
    event = Event.objects.select_related("ticket__organisation").get(pk=event_id)
    with translation.override(settings.LANGUAGE_CODE):
        text = message(event)
    if text is None:
        return False
    sender = apprise.Apprise()
    for url in urls:
        sender.add(url)
    title, body = text
    if not sender.notify(title=title, body=body):
        raise ConnectionError(f"a chat notification for {event.ticket.number} was not accepted")
    return True
