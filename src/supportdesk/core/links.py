"""Links of a page's rows, reversed once.

A board, a list or a timeline links every row to its ticket, attachment or message;
``reverse()`` for each row was a visible part of the page's time. :func:`link_maker`
reverses the URL once with placeholders its converters accept and no real value contains,
and each row puts its own values in their place. The reversed URL is kept for the
process (by the script prefix and URLconf it was reversed under), so a page's dozen
links of one ticket cost no ``reverse()`` at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

_reversed: dict[tuple[Any, ...], str] = {}


def forget(**kwargs: Any) -> None:
    """Drop every kept URL (a setting changed: a test's ``override_settings``)."""
    _reversed.clear()


setting_changed.connect(forget)


def link_maker(name: str, *arguments: str) -> Callable[..., str]:
    """``reverse(name, kwargs=…)`` once; the returned function takes the same keyword
    arguments and fills them in. An argument named ``…_id`` is an integer (``<int:…>``),
    any other a path segment (``<str:…>``)."""
    marks = {
        key: str(999_999_900 + at) if key.endswith("_id") else f"~{key}~"
        for at, key in enumerate(arguments)
    }
    kept = (name, arguments, get_script_prefix(), get_urlconf())
    url = _reversed.get(kept)
    if url is None:
        url = _reversed[kept] = reverse(name, kwargs=marks)

    def link(**values: object) -> str:
        filled = url
        for key, mark in marks.items():
            filled = filled.replace(mark, str(values[key]), 1)
        return filled

    return link
