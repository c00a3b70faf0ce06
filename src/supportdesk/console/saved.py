"""Saved views of My day: a consultant's named filters of their own open tickets.

My day filters by status and by "your turn" (the customer wrote last); a saved view keeps
those and the sort, and is shown with the number of tickets it holds now: one query
counts every saved view at once, whatever their number.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import User
from supportdesk.console.models import SavedView
from supportdesk.console.selectors import customer_wrote_last
from supportdesk.tickets.models import OPEN_STATUSES, Status, Ticket
from supportdesk.tickets.sorting import parse_sort

# The statuses My day can be narrowed to (all are open).
STATUSES = tuple(s for s in OPEN_STATUSES if s != Status.NEW)
TURN_LABEL = _("Your turn: the customer wrote last")
FILTER_KEYS = ("status", "turn", "sort")


def my_day_filters(source: QueryDict | dict[str, str]) -> dict[str, str]:
    """The filters of My day from a query string, anything unknown left out."""
    status = source.get("status", "") or ""
    sort, descending = parse_sort(source.get("sort"))
    return {
        "status": status if status in STATUSES else "",
        "turn": "1" if source.get("turn") in ("1", "on") else "",
        "sort": f"{'-' if descending else ''}{sort}" if sort else "",
    }


def my_day_q(filters: dict[str, str]) -> Q:
    """The filters as a condition on the tickets annotated ``customer_wrote_last``."""
    q = Q()
    if filters.get("status"):
        q &= Q(status=filters["status"])
    if filters.get("turn"):
        q &= Q(customer_wrote_last=True)
    return q


def my_open_tickets(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(assignee=user, status__in=OPEN_STATUSES).annotate(
        customer_wrote_last=customer_wrote_last()
    )


def saved_views(user: User) -> list[tuple[SavedView, int]]:
    """My day's saved views of ``user``, each with the number of my open tickets it shows
    now: two queries however many views there are."""
    views = list(SavedView.objects.filter(user=user, page=SavedView.Page.MY_DAY))
    if not views:
        return []
    tickets = my_open_tickets(user)
    counts: dict[str, Any] = tickets.aggregate(
        **{
            f"v{view.pk}": Count("pk", filter=my_day_q(my_day_filters(QueryDict(view.query))))
            for view in views
        }
    )
    return [(view, counts[f"v{view.pk}"]) for view in views]
