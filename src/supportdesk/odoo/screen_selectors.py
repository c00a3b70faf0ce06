"""Reads for screenshots and error signatures: "other customers hit this too" (staff only),
near-identical screenshots, and the week's most seen signatures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from supportdesk.core import clock
from supportdesk.odoo.screen_models import (
    ErrorSignature,
    Screenshot,
    ScreenshotFinding,
    TicketSignature,
)
from supportdesk.tickets.models import OPEN_STATUSES, CodeOwner, Ticket

RECENT_DAYS = 30  # a closed ticket this recent still counts as "hit this too"
SAME_SCREEN_BITS = 20  # of 256: the same screen resized or as JPEG; other records differ by 50+


@dataclass
class Match:
    signature: ErrorSignature
    tickets: list[Ticket] = field(default_factory=list)

    @property
    def organisations(self) -> list[str]:
        return sorted({t.organisation.name for t in self.tickets})

    @property
    def suggest_one_bug(self) -> bool:
        """R8: a bug in our localisation is fixed once for every customer who hit it."""
        return any(
            t.code_owner == CodeOwner.PARTNER for t in self.tickets
        ) or self.signature.addon.startswith("l10n_")


def _recent_or_open() -> Q:
    since = clock.now() - dt.timedelta(days=RECENT_DAYS)
    return Q(ticket__status__in=OPEN_STATUSES) | Q(ticket__registered_at__gte=since)


def other_customers(ticket: Ticket) -> list[Match]:
    """Open or recent tickets of other organisations with the same error (staff only)."""
    if not ticket.may_have("error_signatures"):
        return []
    loose = list(ticket.error_signatures.values_list("signature__loose_key", flat=True))
    if not loose:
        return []
    rows = (
        TicketSignature.objects.filter(signature__loose_key__in=loose)
        .filter(_recent_or_open())
        .exclude(ticket__organisation_id=ticket.organisation_id)
        .select_related("signature", "ticket__organisation")
        .order_by("signature_id", "ticket_id")
    )
    by_key: dict[str, Match] = {}
    for row in rows:
        match = by_key.setdefault(row.signature.loose_key, Match(row.signature))
        if row.ticket not in match.tickets:
            match.tickets.append(row.ticket)
    return list(by_key.values())


def tickets_with_signature(signature: ErrorSignature) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(error_signatures__signature__loose_key=signature.loose_key)
        .select_related("organisation", "assignee")
        .distinct()
        .order_by("-registered_at")
    )


def match_counts(tickets: list[Ticket]) -> dict[int, int]:
    """For a page of the board: how many other organisations' tickets share an error
    (no query for no tickets)."""
    ids = [t.pk for t in tickets]
    if not ids:
        return {}
    links = list(
        TicketSignature.objects.filter(ticket_id__in=ids).values_list(
            "ticket_id", "ticket__organisation_id", "signature__loose_key"
        )
    )
    if not links:
        return {}
    keys = {key for _, _, key in links}
    others = list(
        TicketSignature.objects.filter(signature__loose_key__in=keys)
        .filter(_recent_or_open())
        .values_list("ticket_id", "ticket__organisation_id", "signature__loose_key")
    )
    counts: dict[int, set[int]] = {}
    for ticket_id, org_id, key in links:
        for other_id, other_org, other_key in others:
            if other_key == key and other_org != org_id:
                counts.setdefault(ticket_id, set()).add(other_id)
    return {ticket_id: len(found) for ticket_id, found in counts.items()}


def findings(ticket: Ticket) -> QuerySet[ScreenshotFinding]:
    """What was read in the ticket's screenshots, for a ticket already reached through
    the access helpers; customers only see those of images they may see."""
    return (
        ScreenshotFinding.objects.filter(
            screenshot__ticket=ticket, screenshot__attachment__internal=False
        )
        .select_related("reference", "screenshot__attachment")
        .order_by("id")
    )


def near_duplicates(ticket: Ticket) -> list[tuple[Ticket, int]]:
    """Open tickets of the same organisation with a near-identical screenshot (staff)."""
    if not ticket.may_have("screenshots"):
        return []
    import imagehash  # numpy and scipy: loaded when a workspace asks, not at start-up

    mine = [
        imagehash.hex_to_hash(h)
        for h in ticket.screenshots.exclude(phash="").values_list("phash", flat=True)
    ]
    if not mine:
        return []
    candidates = (
        Screenshot.objects.filter(
            ticket__organisation_id=ticket.organisation_id, ticket__status__in=OPEN_STATUSES
        )
        .exclude(ticket=ticket)
        .exclude(phash="")
        .select_related("ticket")
        .order_by("-id")[:2000]
    )
    best: dict[int, tuple[Ticket, int]] = {}
    for shot in candidates:
        other = imagehash.hex_to_hash(shot.phash)
        distance = min(int(other - h) for h in mine)
        if distance <= SAME_SCREEN_BITS:
            known = best.get(shot.ticket_id)
            if known is None or distance < known[1]:
                best[shot.ticket_id] = (shot.ticket, distance)
    return sorted(best.values(), key=lambda item: item[1])


@dataclass
class WeekRow:
    signature: ErrorSignature
    tickets: int
    organisations: list[str]
    code_owners: list[str]


def most_seen(*, days: int = 7, limit: int = 50) -> list[WeekRow]:
    """The signatures seen on most tickets in the last ``days`` days (staff report)."""
    since = clock.now() - dt.timedelta(days=days)
    top = list(
        ErrorSignature.objects.filter(links__created_at__gte=since)
        .annotate(seen=Count("links__ticket", distinct=True))
        .order_by("-seen", "id")[:limit]
    )
    rows = []
    owners = dict(CodeOwner.choices)
    for signature in top:
        links = TicketSignature.objects.filter(
            signature=signature, created_at__gte=since
        ).select_related("ticket__organisation")
        tickets = {link.ticket for link in links}
        rows.append(
            WeekRow(
                signature,
                len(tickets),
                sorted({t.organisation.name for t in tickets}),
                sorted({str(owners.get(t.code_owner, "")) for t in tickets if t.code_owner}),
            )
        )
    return rows
