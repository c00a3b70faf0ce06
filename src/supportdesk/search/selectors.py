"""``search(user, query)``: one search for the console and the API.

A query is read as everything it could be — a ticket number, a transaction reference,
an Odoo URL, an organisation, a contact, and words of text — and the results are
merged, exact matches first, then by text rank. Only tickets ``user`` may see are
returned, and internal notes only to staff.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlparse

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

from supportdesk.accounts.models import Organisation, User
from supportdesk.core.textsearch import terms
from supportdesk.phone.numbers import normalise
from supportdesk.search.backends import text_search
from supportdesk.tickets.access import tickets_for_user
from supportdesk.tickets.models import OdooReference, Ticket
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


@dataclasses.dataclass
class Hit:
    ticket: Ticket
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
    found: dict[int, tuple[str, float, SafeString, int | None]] = {}

    def add(ticket_id: int, matched: str, rank: float, snippet: SafeString, msg: int | None = None):
        best = found.get(ticket_id)
        if best is None or rank > best[1]:
            found[ticket_id] = (matched, rank, snippet, msg)

    pk = Ticket.pk_from_number(query)
    if pk is not None and visible.filter(pk=pk).exists():
        add(pk, "number", RANK["number"], _mark(query.upper()))

    for ticket_id, text in _by_references(visible, query):
        add(ticket_id, "reference", RANK["reference"], _mark(text))
    for ticket_id, text in _by_url(visible, query):
        add(ticket_id, "odoo_url", RANK["odoo_url"], _mark(text))
    if len(query) >= 3:
        for ticket_id, name in _by_organisation(visible, query, limit):
            add(ticket_id, "organisation", RANK["organisation"], _mark(name))
        for ticket_id, who in _by_contact(visible, query, limit):
            add(ticket_id, "contact", RANK["contact"], _mark(who))

    for hit in text_search(
        terms(query),
        tickets=None if user.is_support_staff else visible,
        internal=user.is_support_staff,
        limit=limit,
    ):
        add(hit.ticket_id, "text", hit.rank, hit.snippet, hit.message_id)

    ranked = sorted(found.items(), key=lambda item: (-item[1][1], -item[0]))[:limit]
    tickets = visible.select_related("organisation", "assignee", "requester").in_bulk(
        [ticket_id for ticket_id, _ in ranked]
    )
    return [
        Hit(tickets[ticket_id], matched, rank, snippet, msg)
        for ticket_id, (matched, rank, snippet, msg) in ranked
        if ticket_id in tickets
    ]


def _by_references(visible: QuerySet[Ticket], query: str) -> list[tuple[int, str]]:
    """Transaction references (``INV/2026/00012``, ``S00042``) or record names."""
    keys = {ref.normalised() for ref in find_references(query)} | {query.upper()}
    rows = OdooReference.objects.filter(
        type=OdooReference.Type.REFERENCE, normalised__in=keys, ticket__in=visible
    ).values_list("ticket_id", "text")
    return list(rows)


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


def _by_organisation(visible: QuerySet[Ticket], query: str, limit: int) -> list[tuple[int, str]]:
    # The names first (a trigram index on PostgreSQL), then their tickets by the
    # (organisation, -id) index: a subquery would hide how few organisations match.
    names = dict(
        Organisation.objects.filter(name__icontains=query)
        .order_by("name")
        .values_list("pk", "name")[:NAMES_MAX]
    )
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
    match = Q(name__icontains=query) | Q(email__icontains=query)
    e164 = normalise(query) if sum(ch.isdigit() for ch in query) >= 6 else None
    if e164:
        match |= Q(contact_number__e164=e164) | Q(phone=query)
        from supportdesk.phone.numbers import refresh_directory

        refresh_directory()
    people = {
        pk: User.shown(name, email)
        for pk, name, email in User.objects.filter(match)
        .order_by("pk")
        .values_list("pk", "name", "email")[:NAMES_MAX]
    }
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
