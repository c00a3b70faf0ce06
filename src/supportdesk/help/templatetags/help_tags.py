import uuid
from typing import Any

from django import template
from django.urls import reverse

from supportdesk.help import ratings

register = template.Library()


@register.simple_tag
def help_draft() -> str:
    """A fresh name for one new-ticket form, so its suggestions are counted once."""
    return uuid.uuid4().hex


@register.simple_tag
def rating_prompt(ticket: Any, user: Any) -> str:
    """The ticket page's "How did we do?" form address, when this contact is asked now."""
    if not user.is_authenticated or user.is_support_staff:
        return ""
    # Asked of the ticket's contacts (its requester and those copied), as the mail is.
    if ticket.requester_id != user.pk and not ticket.watchers.filter(pk=user.pk).exists():
        return ""
    resolution = ratings.latest_resolution(ticket)  # read once for both questions
    if resolution is None:
        return ""
    # Only read: the question is asked when the ticket is resolved (help.subscribers), never
    # by showing a page.
    request = ratings.open_request(ticket, user, resolution=resolution)
    if request is None:
        return ""
    return reverse("help:rate", args=[ticket.number, ratings.token_for(request)])
