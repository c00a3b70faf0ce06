"""The columns a ticket list can be sorted by, each a keyset ordering ending in the id."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# name → the fields of the ordering (the id last, so the order is total).
SORTS: dict[str, tuple[str, ...]] = {
    "number": ("id",),
    "subject": ("subject", "id"),
    "organisation": ("organisation__name", "id"),
    "status": ("status", "id"),
    "registered": ("registered_at", "id"),
    "updated": ("updated_at", "id"),
    "resolution": ("resolution_due", "id"),
}
SORT_LABELS = {
    "number": _("Number"),
    "subject": _("Subject"),
    "organisation": _("Organisation"),
    "status": _("Status"),
    "registered": _("Registered"),
    "updated": _("Last activity"),
    "resolution": _("Resolution target"),
}


def parse_sort(text: str | None, *, allowed: tuple[str, ...] = tuple(SORTS)) -> tuple[str, bool]:
    """``"-updated"`` → ("updated", True); anything unknown → ("", False): the default order."""
    text = (text or "").strip()
    descending = text.startswith("-")
    name = text.lstrip("-")
    return (name, descending) if name in allowed else ("", False)
