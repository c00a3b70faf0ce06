"""A paginator that stops counting: a customer with 150,000 tickets pages without a count
of all of them on every page."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """Counts at most ``cap`` objects; ``capped`` says whether there are more (then the
    pages after the cap are not offered)."""

    def __init__(self, *args: object, cap: int = 1000, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # SELECT count(*) FROM (… LIMIT cap + 1): stops reading after the cap.
        head: Any = self.object_list[: self.cap + 1]
        return int(head.count()) if isinstance(head, QuerySet) else len(head)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
