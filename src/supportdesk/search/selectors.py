"""``search(user, query)``: one search for the console and the API.

A query is read as everything it could be — a ticket number, a transaction reference,
an Odoo URL, an organisation, a contact, and words of text — and the results are
merged, exact matches first, then by text rank. Only tickets ``user`` may see are
returned, and internal notes only to staff.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast
from urllib.parse import urlparse

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

from supportdesk.accounts.models import Organisation, User
from supportdesk.core.prepared import Prepared
from supportdesk.core.textsearch import terms
from supportdesk.phone.numbers import normalise
from supportdesk.search.backends import text_search
from supportdesk.tickets.access import tickets_for_user, visible_rows
from supportdesk.tickets.models import OdooReference, Status, Ticket
from supportdesk.tickets.recognise import find_references, parse_odoo_url

QUERY_MAX = 200
# Exact matches outrank any text match; text ranks are below 1000 on both backends.
RANK = {
    "number": 10_000.0,
    "reference": 9_000.0,
    "odoo_url": 9_000.0,
    "organisation": 5_000.0,
    "contact": 4_000.0,
}
# What matched, in the hit's words (translated where shown).
LABELS = {
    "number": gettext_noop("ticket number"),
    "reference": gettext_noop("transaction reference"),
    "odoo_url": gettext_noop("Odoo URL"),
    "organisation": gettext_noop("organisation"),
    "contact": gettext_noop("contact"),
    "text": gettext_noop("text"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class FoundTicket:
    """A ticket as a hit shows it, read as four columns: a page of hits needs no more, and
    making model instances (with their organisation, requester and assignee) was a fifth
    of the search's CPU time."""

    pk: int
    subject: str
    status: str
    organisation: str  # the organisation's name, as ``str()`` of it reads

    @property
    def number(self) -> str:
        return Ticket.number_of(self.pk)

    def get_status_display(self) -> str:
        return str(Status(self.status).label) if self.status in Status.values else self.status


@dataclasses.dataclass
class Hit:
    ticket: FoundTicket
    matched: str  # a key of LABELS
    rank: float
    snippet: SafeString
    message_id: int | None = None

    @property
    def label(self) -> str:
        return LABELS[self.matched]


def _mark(text: str) -> SafeString:
    return mark_safe(f"<mark>{escape(text)}</mark>")  # noqa: S308


def search(user: User, query: str, *, limit: int = 30) -> list[Hit]:
    """The tickets ``user`` may see that match ``query``, best first."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    if not query or not user.is_authenticated:
        return []
    visible = tickets_for_user(user)
    # What matched each ticket best: an exact match's text (marked once it is shown) or a
    # text match's snippet.
    found: dict[int, tuple[str, float, str, int | None]] = {}

    def add(ticket_id: int, matched: str, rank: float, text: str, msg: int | None = None):
        best = found.get(ticket_id)
        if best is None or rank > best[1]:
            found[ticket_id] = (matched, rank, text, msg)

    # The number's ticket is not looked for on its own: the read of the hits' tickets
    # below reads only visible ones, so it tells whether the number is one.
    number = Ticket.pk_from_number(query)
    if number is not None:
        add(number, "number", RANK["number"], query.upper())

    for ticket_id, text in _by_references(user, visible, query):
        add(ticket_id, "reference", RANK["reference"], text)
    for ticket_id, text in _by_url(visible, query):
        add(ticket_id, "odoo_url", RANK["odoo_url"], text)
    if len(query) >= 3:
        for ticket_id, name in _by_organisation(visible, query, limit):
            add(ticket_id, "organisation", RANK["organisation"], name)
        for ticket_id, who in _by_contact(visible, query, limit):
            add(ticket_id, "contact", RANK["contact"], who)

    for hit in text_search(
        terms(query),
        tickets=None if user.is_support_staff else visible,
        internal=user.is_support_staff,
        limit=limit,
    ):
        add(hit.ticket_id, "text", hit.rank, hit.snippet, hit.message_id)

    # The number ranks first: one more is read in case it is no ticket the user may see.
    ranked = sorted(found.items(), key=lambda item: (-item[1][1], -item[0]))
    ranked = ranked[: limit + 1 if number is not None else limit]
    tickets = _found_tickets(user, [ticket_id for ticket_id, _ in ranked])
    if number is not None:
        ranked = ranked[:limit] if number in tickets else ranked[1:]
    return [
        Hit(
            tickets[ticket_id],
            matched,
            rank,
            cast(SafeString, text) if matched == "text" else _mark(text),
            msg,
        )
        for ticket_id, (matched, rank, text, msg) in ranked
        if ticket_id in tickets
    ]


def _found_tickets(user: User, ids: list[int]) -> dict[int, FoundTicket]:
    """The tickets of ``ids`` the user may see, by id (one statement compiled once per
    rule, the ids its one parameter)."""
    if not ids:
        return {}
    rows = visible_rows(user, _found_shape, ids=ids)
    return {
        row["pk"]: FoundTicket(row["pk"], row["subject"], row["status"], row["organisation__name"])
        for row in rows
    }


def _found_shape(tickets: QuerySet[Ticket], *, ids: list[int]) -> QuerySet[Ticket, Any]:
    return tickets.filter(pk__in=ids).values("pk", "subject", "status", "organisation__name")


def _by_references(user: User, visible: QuerySet[Ticket], query: str) -> list[tuple[int, str]]:
    """Transaction references (``INV/2026/00012``, ``S00042``) or record names."""
    keys = {ref.normalised() for ref in find_references(query)} | {query.upper()}
    if len(keys) == 1:  # the query is one reference or name, as nearly every query is
        rows = visible_rows(user, _referenced, key=query.upper())
        return [(row["pk"], row["odoo_refs__text"]) for row in rows]
    found = OdooReference.objects.filter(
        type=OdooReference.Type.REFERENCE, normalised__in=keys, ticket__in=visible
    ).values_list("ticket_id", "text")
    return list(found)


def _referenced(tickets: QuerySet[Ticket], *, key: str) -> QuerySet[Ticket, Any]:
    """The tickets naming the reference (or record name) ``key``, with its text as written,
    in the order the references were added."""
    return (
        tickets.filter(odoo_refs__type=OdooReference.Type.REFERENCE, odoo_refs__normalised=key)
        .order_by("odoo_refs__id")
        .values("pk", "odoo_refs__text")
    )


def _by_url(visible: QuerySet[Ticket], query: str) -> list[tuple[int, str]]:
    """An Odoo screen URL named by tickets, or the Odoo instance of an organisation."""
    hits: list[tuple[int, str]] = []
    parsed = parse_odoo_url(query) if "/" in query or "." in query else None
    if parsed is not None:
        hits += list(
            OdooReference.objects.filter(
                type=OdooReference.Type.URL, normalised=parsed.normalised(), ticket__in=visible
            ).values_list("ticket_id", "text")
        )
    host = parsed.host if parsed else _host(query)
    if host:
        organisations = Organisation.objects.filter(odoo_url__icontains=host).values("pk")
        hits += [
            (pk, host)
            for pk in visible.filter(organisation__in=organisations)
            .order_by("-pk")
            .values_list("pk", flat=True)[:20]
        ]
    return hits


def _host(query: str) -> str:
    """``https://acme.odoo.com/odoo`` or ``acme.odoo.com`` → ``acme.odoo.com``."""
    if " " in query or "." not in query:
        return ""
    text = query if "://" in query else f"https://{query}"
    try:
        host = urlparse(text).hostname or ""
    except ValueError:
        return ""
    return host if "." in host else ""


# At most this many organisations or contacts found by name are followed to their tickets.
NAMES_MAX = 50

# The organisations and people whose name (or address, or number) holds the query: SQL
# compiled once; the query is escaped in the pattern as Django escapes it.
_ORGANISATIONS: Prepared[Any] = Prepared(
    lambda query: (
        Organisation.objects.filter(name__icontains=query)
        .order_by("name")
        .values("pk", "name")[:NAMES_MAX]
    ),
    texts=("query",),
)


def _people(query: str, e164: str | None = None) -> QuerySet[User, Any]:
    match = Q(name__icontains=query) | Q(email__icontains=query)
    if e164 is not None:
        match |= Q(contact_number__e164=e164) | Q(phone=query)
    return User.objects.filter(match).order_by("pk").values("pk", "name", "email")[:NAMES_MAX]


_PEOPLE: Prepared[Any] = Prepared(lambda query: _people(query), texts=("query",))
_PEOPLE_BY_NUMBER: Prepared[Any] = Prepared(
    lambda query, e164: _people(query, e164), texts=("query", "e164")
)


def _by_organisation(visible: QuerySet[Ticket], query: str, limit: int) -> list[tuple[int, str]]:
    # The names first (a trigram index on PostgreSQL), then their tickets by the
    # (organisation, -id) index: a subquery would hide how few organisations match.
    names = {row["pk"]: row["name"] for row in _ORGANISATIONS.rows(query=query)}
    if not names:
        return []
    rows = (
        visible.filter(organisation_id__in=list(names))
        .order_by("-pk")
        .values_list("pk", "organisation_id")[:limit]
    )
    return [(pk, names[organisation_id]) for pk, organisation_id in rows]


def _by_contact(visible: QuerySet[Ticket], query: str, limit: int) -> list[tuple[int, str]]:
    """Tickets requested by a contact found by name, e-mail or telephone number, or given
    that telephone number. Each path is its own indexed query: OR-ing them would leave the
    database no index to use."""
    e164 = normalise(query) if sum(ch.isdigit() for ch in query) >= 6 else None
    if e164:
        from supportdesk.phone.numbers import refresh_directory

        refresh_directory()
        rows = _PEOPLE_BY_NUMBER.rows(query=query, e164=e164)
    else:
        rows = _PEOPLE.rows(query=query)
    people = {row["pk"]: User.shown(row["name"], row["email"]) for row in rows}
    found: dict[int, str] = {}
    if people:
        for pk, requester_id in (
            visible.filter(requester_id__in=list(people))
            .order_by("-pk")
            .values_list("pk", "requester_id")[:limit]
        ):
            found[pk] = people[requester_id]
    if e164:
        for pk, phone in (
            visible.filter(contact_phone__in=[query, e164])
            .order_by("-pk")
            .values_list("pk", "contact_phone")[:limit]
        ):
            found.setdefault(pk, phone)
    return sorted(found.items(), reverse=True)[:limit]
