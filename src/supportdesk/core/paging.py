"""A count that stops counting: a customer with 150,000 tickets sees their list without a
count of all of them on every page."""

from __future__ import annotations

from django.db.models import QuerySet

# Lists say "More than 1000 tickets" instead of counting further.
COUNT_CAP = 1000


def capped_count(objects: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many of ``objects`` there are, counting at most ``cap`` (``COUNT_CAP``), and
    whether there are more than that."""
    cap = COUNT_CAP if cap is None else cap
    # SELECT count(*) FROM (… LIMIT cap + 1): stops reading after the cap.
    return capped(objects[: cap + 1].count(), cap)


def capped(counted: int, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """A count of at most ``cap + 1`` rows as a list shows it: the number, at most ``cap``,
    and whether there are more than that."""
    return min(counted, cap), counted > cap
