"""Tenant isolation in one place (DESIGN rule 3).

Objects of a customer are reached only through these helpers, which take the user.
"Not yours" and "not found" are the same 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from supportdesk.accounts.http import request_user
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


TICKET_RELATED = ("organisation", "requester", "assignee", "required_skill")


def ticket_for_user(
    user: User,
    number: str,
    *,
    for_update: bool = False,
    annotate: dict[str, Any] | None = None,
    related: tuple[str, ...] = TICKET_RELATED,
) -> Ticket:
    """The ticket numbered ``number`` (``SD-10042``) if ``user`` may see it, else 404;
    ``annotate`` adds expressions to the same query (a page's ``related_exists`` flags);
    ``related`` names the rows joined to it (a page reads fewer when it shows fewer)."""
    pk = Ticket.pk_from_number(number)
    if pk is None:
        raise Http404("no such ticket")
    queryset = tickets_for_user(user).select_related(*related)
    if annotate:
        queryset = queryset.annotate(**annotate)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404("no such ticket") from None


def related_exists(related: str, **conditions: Any) -> Exists:
    """``has_<related>`` for :func:`ticket_for_user`: whether the ticket has any row of its
    reverse relation ``related`` (meeting ``conditions``), one index probe in the ticket's
    own query; ``Ticket.may_have`` reads it."""
    if not conditions:
        return _related_exists(related)
    return _exists(related, conditions)


@functools.cache
def _related_exists(related: str) -> Exists:
    # Built once per process: a query copies the expressions it is given, so one serves
    # every request (building a page's dozen of them was a tenth of the workspace's CPU).
    return _exists(related, {})


def _exists(related: str, conditions: dict[str, Any]) -> Exists:
    relation = Ticket._meta.get_field(related)
    if relation.many_to_many:
        through = relation.through  # type: ignore[union-attr]
        column = next(f.name for f in through._meta.fields if f.related_model is Ticket)
        rows = through.objects.filter(**{column: OuterRef("pk")})
    else:
        rows = relation.related_model._default_manager.filter(  # type: ignore[union-attr]
            **{relation.field.name: OuterRef("pk")}  # type: ignore[union-attr]
        )
    return Exists(rows.filter(**conditions))


def ticket_view(
    view: Callable[..., HttpResponse] | None = None,
    *,
    annotate: Callable[[User], dict[str, Any]] | None = None,
    related: tuple[str, ...] = TICKET_RELATED,
) -> Any:
    """A view of one ticket: ``view(request, user, ticket, ...)`` gets the signed-in user
    and the ticket of the URL's ``number`` through :func:`ticket_for_user` (else 404).
    ``@ticket_view(annotate=…)`` adds the user's annotations (``related_exists`` flags) to
    the ticket's query, ``related`` the rows joined to it. Put it under ``login_required``
    (or the console's ``staff_only``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, number: str, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request_user(request)
            flags = annotate(user) if annotate is not None else None
            ticket = ticket_for_user(user, number, annotate=flags, related=related)
            return view(request, user, ticket, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


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
