"""Qualified assignment (R3): suggestions ranked by skill, load and fairness.

Who is suggested: consultants; a dispatcher, business consultant or administrator only when
marked as taking tickets (``User.takes_tickets``) and holding the ticket's required skill.
Absent people are never suggested. How they are ranked, in ``ranked_consultants``: has the
ticket's required skill, then fewest open tickets, then the longest since their last
assignment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, Protocol

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone

from supportdesk.accounts.models import STAFF_ROLES, SYSTEM_EMAIL, Role, User, system_user
from supportdesk.commitments.models import Absence
from supportdesk.commitments.queue import in_queue_order
from supportdesk.core import clock
from supportdesk.core.errors import ActionError
from supportdesk.core.prepared import Prepared
from supportdesk.tickets.models import Status, Ticket


@dataclasses.dataclass(frozen=True)
class Suggestion:
    user: User
    qualified: bool
    open_load: int
    last_assigned_at: dt.datetime | None


def _eligible(skill_id: int | None) -> Q:
    """Consultants; other staff only when taking tickets and holding ``skill_id``.

    ``skill_id=0`` means "any skill": the board reads one list for every ticket and lets
    ``pick`` apply the skill of each (the same rule, on the list).
    """
    consultants = Q(role=Role.CONSULTANT)
    if skill_id is None:
        return consultants
    takers = Q(takes_tickets=True, role__in=STAFF_ROLES)
    if skill_id:
        holds = User.skills.through.objects.filter(user=OuterRef("pk"), skill_id=skill_id)
        takers &= Q(Exists(holds))
    return consultants | takers


def ranked_consultants(
    *, skill_id: int | None, today: dt.date | None = None, any_skill: bool = False
) -> QuerySet[User]:
    """The people to suggest for a ticket needing ``skill_id``, best first (one query).

    The one ranking of R3: has the skill, then fewest open tickets, then the longest since
    the last assignment (never assigned counts as longest). With ``any_skill`` the list
    holds everyone who could be suggested for *some* ticket, ranked by load and fairness
    only; ``pick`` chooses from it for one ticket.
    """
    # The desk's clock, not the wall clock: replays and demo data run under clock.at().
    today = today or timezone.localdate(clock.now())
    away = Absence.objects.filter(user=OuterRef("pk"), starts__lte=today, ends__gte=today)
    people = (
        User.objects.filter(_eligible(0 if any_skill else skill_id), is_active=True)
        .exclude(email=SYSTEM_EMAIL)  # the system user: by address, no query to find it
        .exclude(Exists(away))
    )
    # ``open_load`` is kept by the database (tickets migration 0004): ranking reads a
    # column instead of counting every consultant's open tickets.
    fairness: list[str | OrderBy] = [
        "open_load",
        F("last_assigned_at").asc(nulls_first=True),
        "pk",
    ]
    if skill_id is not None and not any_skill:
        has_skill = User.skills.through.objects.filter(user=OuterRef("pk"), skill_id=skill_id)
        return people.annotate(qualified=Exists(has_skill)).order_by(
            F("qualified").desc(), *fairness
        )
    return people.order_by(*fairness)


class Ranked(Protocol):
    """Who ``pick`` chooses from: a person with their role and their skills' ids."""

    @property
    def pk(self) -> Any: ...
    @property
    def role(self) -> str: ...
    @property
    def skill_list(self) -> Sequence[Any]: ...


def pick[R: Ranked](skill_id: int | None, ranked: Sequence[R]) -> tuple[R | None, bool]:
    """The suggestion for a ticket needing ``skill_id`` from ``ranked_consultants(any_skill=True)``
    (the board's ``Candidate`` rows: skills as ``skill_list``), and whether it is qualified: the first of the list
    that holds the skill, else the first consultant (who lacks it). The same order as
    ``suggestions``."""
    consultants = [u for u in ranked if u.role == Role.CONSULTANT]
    if skill_id is None:
        return (consultants[0], True) if consultants else (None, False)
    for user in ranked:
        if any(s.pk == skill_id for s in user.skill_list):
            return user, True
    return (consultants[0], False) if consultants else (None, False)


@functools.cache
def _ranked(limit: int, *, skilled: bool) -> Prepared[User]:
    """``ranked_consultants(…)[:limit]`` for a ticket with (or without) a required skill,
    compiled once per process (``core.prepared``): a workspace reads it on every view."""
    if skilled:
        return Prepared(
            lambda skill, today: ranked_consultants(skill_id=skill, today=today)[:limit],
            dates=("today",),
        )
    return Prepared(
        lambda today: ranked_consultants(skill_id=None, today=today)[:limit], dates=("today",)
    )


def suggestions(ticket: Ticket, *, limit: int = 5) -> list[Suggestion]:
    """The best consultants for ``ticket``; ``qualified`` says who has its required skill."""
    skill = ticket.required_skill_id
    # The desk's clock, not the wall clock: replays and demo data run under clock.at().
    today = timezone.localdate(clock.now())
    rows = _ranked(limit, skilled=skill is not None).rows(skill=skill or 0, today=today)
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
