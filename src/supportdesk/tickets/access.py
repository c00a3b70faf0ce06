"""Tenant isolation in one place (DESIGN rule 3).

Objects of a customer are reached only through these helpers, which take the user.
"Not yours" and "not found" are the same 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from supportdesk.accounts.models import User
from supportdesk.tickets.models import Attachment, Message, Ticket


def tickets_for_user(user: User) -> QuerySet[Ticket]:
    """Every ticket ``user`` may see.

    Staff see all organisations' tickets. A customer user sees the tickets they
    requested or are copied on, or all of their organisation's when it allows that.
    """
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.is_support_staff:
        return Ticket.objects.all()
    if user.organisation_id is None:
        return Ticket.objects.none()
    own = Ticket.objects.filter(organisation_id=user.organisation_id)
    if user.organisation is not None and user.organisation.members_see_all:
        return own
    watched = Ticket.watchers.through.objects.filter(user_id=user.pk).values("ticket_id")
    return own.filter(Q(requester_id=user.pk) | Q(pk__in=watched))


def may_see(user: User, ticket: Ticket) -> bool:
    """Whether ``user`` may see ``ticket``: the rule of :func:`tickets_for_user` for one row.

    Decided from the rows already at hand where it can be (staff, the requester, an
    organisation whose members see all); asks the database only about watchers.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_support_staff:
        return True
    if user.organisation_id is None or user.organisation_id != ticket.organisation_id:
        return False
    if ticket.requester_id == user.pk:
        return True
    return tickets_for_user(user).filter(pk=ticket.pk).exists()


def ticket_for_user(user: User, number: str, *, for_update: bool = False) -> Ticket:
    """The ticket numbered ``number`` (``SD-10042``) if ``user`` may see it, else 404."""
    pk = Ticket.pk_from_number(number)
    if pk is None:
        raise Http404("no such ticket")
    queryset = tickets_for_user(user).select_related(
        "organisation", "requester", "assignee", "required_skill"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404("no such ticket") from None


def messages_for_user(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages of a ticket ``user`` can see: customers never see internal notes."""
    messages = ticket.messages.select_related("author").prefetch_related("attachments")
    if not user.is_support_staff:
        messages = messages.filter(internal=False)
    return messages


def attachment_for_user(user: User, number: str, attachment_id: int) -> Attachment:
    """An attachment of a ticket ``user`` may see; internal ones only for staff; else 404."""
    ticket = ticket_for_user(user, number)
    attachments = ticket.attachments.all()
    if not user.is_support_staff:
        attachments = attachments.filter(internal=False)
    try:
        return attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404("no such attachment") from None
