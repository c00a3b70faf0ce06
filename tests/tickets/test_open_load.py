"""Each consultant's open load is kept exact by the database on every kind of change."""

from __future__ import annotations

import pytest

from supportdesk.accounts.models import User
from supportdesk.tickets import actions
from supportdesk.tickets.models import OPEN_STATUSES, Status, Ticket
from tests.factories import make_ticket


def loads(*users: User) -> list[int]:
    return [User.objects.get(pk=u.pk).open_load for u in users]


def counted(user: User) -> int:
    return Ticket.objects.filter(assignee=user, status__in=OPEN_STATUSES).count()


@pytest.mark.django_db
def test_open_load_follows_assign_reassign_resolve_reopen_close_and_delete(
    alice, consultant, other_consultant, dispatcher
):
    first = make_ticket(alice)
    second = make_ticket(alice)
    assert loads(consultant, other_consultant) == [0, 0]

    actions.ticket_assign(ticket=first, actor=dispatcher, assignee=consultant)
    actions.ticket_assign(ticket=second, actor=dispatcher, assignee=consultant)
    assert loads(consultant, other_consultant) == [2, 0]

    actions.ticket_assign(ticket=second, actor=dispatcher, assignee=other_consultant)
    assert loads(consultant, other_consultant) == [1, 1]

    actions.ticket_resolve(ticket=first, actor=consultant, resolution="Fixed the lock date.")
    assert loads(consultant) == [0]
    actions.ticket_reopen(ticket=first, actor=alice, reason="Still failing.")
    assert loads(consultant) == [1]
    actions.ticket_resolve(ticket=first, actor=consultant, resolution="Fixed again.")
    actions.ticket_close(ticket=first, actor=alice)
    assert loads(consultant) == [0]

    # A write that bypasses the actions (admin, bulk update, import) is counted too.
    Ticket.objects.filter(pk=first.pk).update(status=Status.IN_PROGRESS)
    Ticket.objects.filter(pk=second.pk).update(assignee=consultant)
    assert loads(consultant, other_consultant) == [2, 0]
    Ticket.objects.filter(pk=second.pk).delete()
    assert loads(consultant, other_consultant) == [1, 0]
    assert loads(consultant, other_consultant) == [counted(consultant), counted(other_consultant)]
