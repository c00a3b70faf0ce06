"""Qualified assignment (R3): suggestions ranked by skill, load and fairness.

Ranked by: has the ticket's required skill, then fewest open tickets, then the longest
since their last assignment. Absent consultants are not suggested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from supportdesk.accounts.models import Role, User, system_user
from supportdesk.commitments.models import Absence
from supportdesk.commitments.queue import in_queue_order
from supportdesk.core import clock
from supportdesk.core.errors import ActionError
from supportdesk.tickets.models import Status, Ticket

ASSIGNABLE_ROLES = (Role.CONSULTANT, Role.BUSINESS_CONSULTANT, Role.DISPATCHER)


@dataclasses.dataclass(frozen=True)
class Suggestion:
    user: User
    qualified: bool
    open_load: int
    last_assigned_at: dt.datetime | None


def ranked_consultants(*, skill_id: int | None, today: dt.date | None = None) -> QuerySet[User]:
    """Present consultants annotated and ordered as suggestions (one query)."""
    # The desk's clock, not the wall clock: replays and demo data run under clock.at().
    today = today or timezone.localdate(clock.now())
    away = Absence.objects.filter(user=OuterRef("pk"), starts__lte=today, ends__gte=today)
    consultants = (
        User.objects.filter(role__in=ASSIGNABLE_ROLES, is_active=True)
        .exclude(pk=system_user().pk)
        .exclude(Exists(away))
    )
    # ``open_load`` is kept by the database (tickets migration 0004): ranking reads a
    # column instead of counting every consultant's open tickets.
    if skill_id is not None:
        has_skill = User.skills.through.objects.filter(user=OuterRef("pk"), skill_id=skill_id)
        consultants = consultants.annotate(qualified=Exists(has_skill))
        return consultants.order_by(
            F("qualified").desc(), "open_load", F("last_assigned_at").asc(nulls_first=True), "pk"
        )
    return consultants.order_by("open_load", F("last_assigned_at").asc(nulls_first=True), "pk")


def suggestions(ticket: Ticket, *, limit: int = 5) -> list[Suggestion]:
    """The best consultants for ``ticket``; ``qualified`` says who has its required skill."""
    rows = ranked_consultants(skill_id=ticket.required_skill_id)[:limit]
    return [
        Suggestion(
            user=user,
            qualified=getattr(user, "qualified", True),
            open_load=user.open_load,
            last_assigned_at=user.last_assigned_at,
        )
        for user in rows
    ]


def auto_assign(*, ticket_id: int | None = None, limit: int = 20) -> list[str]:
    """Assign unassigned tickets in queue order to their best qualified suggestion (R3, R4).

    With ``ticket_id`` only that ticket is considered, and only when it is at the head of
    the unassigned queue or nothing ahead of it can be assigned. A ticket whose required
    skill nobody present has is left for a dispatcher. Returns the numbers assigned.
    """
    from supportdesk.tickets.actions import ticket_assign

    actor = system_user()
    assigned = []
    heads = in_queue_order(Ticket.objects.filter(status=Status.NEW, assignee__isnull=True))
    for ticket in heads[:limit]:
        best = suggestions(ticket, limit=1)
        if not best or not best[0].qualified:
            continue
        try:
            ticket_assign(ticket=ticket, actor=actor, assignee=best[0].user)
        except ActionError:
            continue  # assigned meanwhile by someone else: fine
        assigned.append(ticket.number)
        if ticket_id is not None and ticket.pk == ticket_id:
            break
    return assigned
