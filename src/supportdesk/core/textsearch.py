"""Pieces every full-text search shares (tickets, help articles): the words of a query and
the highlighting of the backends' snippets."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Highlight markers that cannot be confused with text: the text is escaped, then they
# become <mark> elements.
START, STOP = "\ue000", "\ue001"
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased, at most ``MAX_TERMS``."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_TERMS]


def highlight(text: str) -> SafeString:
    """Escape ``text`` and turn the backend's markers into ``<mark>`` elements."""
    html = escape(" ".join(text.split()))
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308
