"""The help center follows ticket events: a resolution asks its contacts how we did."""

from __future__ import annotations

from typing import Any

from supportdesk.core.dispatch import subscriber
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event, Ticket


def _contacts(ticket: Ticket) -> list[Any]:
    people = {u.pk: u for u in ticket.watchers.all()}
    if ticket.requester is not None:
        people[ticket.requester.pk] = ticket.requester
    return [u for u in people.values() if u.is_active and not u.is_support_staff]


@subscriber(Verb.RESOLVED)
def ask_how_we_did(event: Event) -> None:
    """ "How did we do?" for each contact of a resolved ticket, once per resolution and not
    more than once a week per contact (the ticket page and the mail then show it)."""
    from supportdesk.help import ratings

    ticket = Ticket.objects.select_related("requester").get(pk=event.ticket_id)
    for contact in _contacts(ticket):
        ratings.ask(ticket, contact)


def rating_links_for_mail(*, ticket: Ticket, contact: Any, status: str, **_: Any) -> dict[str, Any]:
    """The resolution mail's one-click links (registered with core.mail_context)."""
    from supportdesk.help import ratings

    if status != "resolved":
        return {}
    request = ratings.open_request(ticket, contact) or ratings.ask(ticket, contact)
    if request is None:
        return {}
    return {"rating_links": [(n, ratings.rating_url(request, score=n)) for n in range(1, 6)]}
