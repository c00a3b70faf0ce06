"""Tenant isolation in one place (DESIGN rule 3).

Objects of a customer are reached only through these helpers, which take the user.
"Not yours" and "not found" are the same 404.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import User
from supportdesk.core.prepared import Prepared
from supportdesk.tickets.models import Attachment, Event, Message, Ticket


def tickets_for_user(user: User) -> QuerySet[Ticket]:
    """Every ticket ``user`` may see.

    Staff see all organisations' tickets. A customer user sees the tickets they
    requested or are copied on, or all of their organisation's when it allows that.
    """
    reach = _reach(user)
    if reach is None:
        return Ticket.objects.none()
    return _visible(reach, user.pk, user.organisation_id or 0)


def _reach(user: User) -> str | None:
    """Which rule of :func:`tickets_for_user` is the user's: ``"staff"``, ``"organisation"``
    (its members see all its tickets), ``"own"``; ``None``: no ticket at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_support_staff:
        return "staff"
    if user.organisation_id is None:
        return None
    if user.organisation is not None and user.organisation.members_see_all:
        return "organisation"
    return "own"


def _visible(reach: str, user: int, organisation: int) -> QuerySet[Ticket]:
    """The tickets of ``reach``'s rule for the user and organisation with these ids."""
    if reach == "staff":
        return Ticket.objects.all()
    own = Ticket.objects.filter(organisation_id=organisation)
    if reach == "organisation":
        return own
    watched = Ticket.watchers.through.objects.filter(user_id=user).values("ticket_id")
    return own.filter(Q(requester_id=user) | Q(pk__in=watched))


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


Flags = Callable[[int], dict[str, Any]]


def ticket_for_user(
    user: User,
    number: str,
    *,
    for_update: bool = False,
    annotate: Flags | None = None,
    related: tuple[str, ...] = TICKET_RELATED,
) -> Ticket:
    """The ticket numbered ``number`` (``SD-10042``) if ``user`` may see it, else 404;
    ``annotate(user_id)`` gives expressions to add to the same query (a page's
    ``related_exists`` flags); ``related`` names the rows joined to it (a page reads fewer
    when it shows fewer). Read with SQL compiled once per rule, rows and flags: pass a
    module-level function as ``annotate`` (it is a key of the compiled queries, one each)."""
    pk = Ticket.pk_from_number(number)
    reach = _reach(user)
    if pk is None or reach is None:
        raise Http404("no such ticket")
    ids = {"ticket": pk, "user": user.pk, "organisation": user.organisation_id or 0}
    found = _prepared_ticket(reach, related, annotate, for_update).rows(**ids)
    if not found:
        raise Http404("no such ticket")
    return found[0]


def _ticket(
    reach: str,
    related: tuple[str, ...],
    annotate: Flags | None,
    for_update: bool,
    *,
    ticket: int,
    user: int,
    organisation: int,
) -> QuerySet[Ticket]:
    queryset = _visible(reach, user, organisation).select_related(*related)
    if annotate is not None:
        queryset = queryset.annotate(**annotate(user))
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(pk=ticket)


@functools.cache
def _prepared_ticket(
    reach: str, related: tuple[str, ...], annotate: Flags | None, for_update: bool
) -> Prepared[Ticket]:
    return Prepared(functools.partial(_ticket, reach, related, annotate, for_update))


Shape = Callable[..., QuerySet[Ticket, Any]]


def visible_rows(user: User, shape: Shape, **values: Any) -> list[Any]:
    """``list(shape(tickets_for_user(user), **values))``, read with SQL compiled once per
    rule and shape: ``shape`` filters, orders and slices the tickets given (a page everyone
    opens); ``values`` are ids, days, instants (a cursor's keys), text (a word looked
    for) or lists of ids (``field__in=ids``) it puts in the query.
    Pass a module-level function: it is a key of the compiled queries, one each."""
    prepared = _prepared_for(user, shape, values)
    if prepared is None:
        return []
    return prepared.rows(user=user.pk, organisation=user.organisation_id or 0, **values)


def visible_count(user: User, shape: Shape, **values: Any) -> int:
    """``shape(tickets_for_user(user), **values).count()``, compiled as
    :func:`visible_rows`."""
    prepared = _prepared_for(user, shape, values)
    if prepared is None:
        return 0
    return prepared.count(user=user.pk, organisation=user.organisation_id or 0, **values)


def _prepared_for(user: User, shape: Shape, values: dict[str, Any]) -> Prepared[Any] | None:
    reach = _reach(user)
    if reach is None:
        return None
    instants = tuple(sorted(k for k, v in values.items() if isinstance(v, dt.datetime)))
    days = tuple(
        sorted(k for k, v in values.items() if isinstance(v, dt.date) and k not in instants)
    )
    texts = tuple(sorted(k for k, v in values.items() if isinstance(v, str)))
    lists = tuple(sorted(k for k, v in values.items() if isinstance(v, list)))
    return _prepared_visible(reach, shape, days, instants, texts, lists)


def _shaped(
    reach: str, shape: Shape, *, user: int, organisation: int, **values: Any
) -> QuerySet[Ticket, Any]:
    return shape(_visible(reach, user, organisation), **values)


@functools.cache
def _prepared_visible(
    reach: str,
    shape: Shape,
    days: tuple[str, ...],
    instants: tuple[str, ...],
    texts: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
) -> Prepared[Any]:
    build: Any = functools.partial(_shaped, reach, shape)
    # The arguments Prepared gives markers for: the ids of the rule, then the shape's own
    # (those with a default keep it: the shape's size).
    keyword = inspect.Parameter.KEYWORD_ONLY
    own = list(inspect.signature(shape).parameters.values())[1:]
    names = ("user", "organisation", *(p.name for p in own if p.default is p.empty))
    build.__signature__ = inspect.Signature([inspect.Parameter(n, keyword) for n in names])
    return Prepared(build, dates=days, datetimes=instants, texts=texts, lists=lists)


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
    annotate: Flags | None = None,
    related: tuple[str, ...] = TICKET_RELATED,
) -> Any:
    """A view of one ticket: ``view(request, user, ticket, ...)`` gets the signed-in user
    and the ticket of the URL's ``number`` through :func:`ticket_for_user` (else 404).
    ``@ticket_view(annotate=…)`` adds annotations (``related_exists`` flags, given the
    user's id) to the ticket's query, ``related`` the rows joined to it. Put it under ``login_required``
    (or the console's ``staff_only``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, number: str, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request_user(request)
            ticket = ticket_for_user(user, number, annotate=annotate, related=related)
            return view(request, user, ticket, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


# What a customer reads of a ticket's history: never internal notes or internal files, only
# the events that are public. Staff read everything. The one statement of that rule.
_CUSTOMER_READS: dict[type[Any], dict[str, Any]] = {
    Message: {"internal": False},
    Attachment: {"internal": False},
    Event: {"public": True},
}


def _readable(model: type[Any], staff: bool) -> dict[str, Any]:
    return {} if staff else _CUSTOMER_READS[model]


def messages_for_user(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages of a ticket ``user`` can see: customers never see internal notes."""
    readable = _readable(Message, bool(user.is_support_staff))
    return (
        ticket.messages.filter(**readable).select_related("author").prefetch_related("attachments")
    )


@dataclass(frozen=True)
class Story:
    """What a user may read of a ticket's history, oldest first."""

    messages: list[Message]  # with their authors
    files: dict[int, list[Attachment]]  # the messages' files, by message id
    events: list[Event]  # with their actors


def _story_rows(model: type[Any], staff: bool, *related: str, **also: Any) -> Prepared[Any]:
    """A ticket's rows of ``model`` that staff (or its customers) read, compiled once per
    process: a ticket page reads them on every view."""
    readable = {**_readable(model, staff), **also}

    def rows(ticket: int) -> QuerySet[Any]:
        found = model._default_manager.filter(ticket_id=ticket, **readable)
        return found.select_related(*related) if related else found

    return Prepared(rows)


_MESSAGES = {staff: _story_rows(Message, staff, "author") for staff in (True, False)}
_MESSAGE_FILES = {
    staff: _story_rows(Attachment, staff, message__isnull=False) for staff in (True, False)
}
_EVENTS = {staff: _story_rows(Event, staff, "actor") for staff in (True, False)}


def story_for_user(user: User, ticket: Ticket) -> Story:
    """The messages, their files and the events of ``ticket`` (reached through
    :func:`ticket_for_user`) that ``user`` may read; files only when the ticket may have
    some (``has_attachments``)."""
    return ticket_story(ticket, staff=bool(user.is_support_staff))


def ticket_story(ticket: Ticket, *, staff: bool) -> Story:
    """The story of ``ticket`` as staff (everything) or its customers read it; only for a
    ticket the reader was given by :func:`ticket_for_user` (or the console's own pages)."""
    messages = _MESSAGES[staff].rows(ticket=ticket.pk)
    files: dict[int, list[Attachment]] = {}
    if messages and ticket.may_have("attachments"):
        for attachment in _MESSAGE_FILES[staff].rows(ticket=ticket.pk):
            files.setdefault(attachment.message_id or 0, []).append(attachment)
    return Story(messages, files, _EVENTS[staff].rows(ticket=ticket.pk))


def attachment_for_user(user: User, number: str, attachment_id: int) -> Attachment:
    """An attachment of a ticket ``user`` may see; internal ones only for staff; else 404."""
    ticket = ticket_for_user(user, number)
    attachments = ticket.attachments.filter(**_readable(Attachment, bool(user.is_support_staff)))
    try:
        return attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404("no such attachment") from None
