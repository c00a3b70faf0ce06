"""Fixed labels translated once per process and language, for parts written in Python.

A page of rows says the same few sentences on every row ("assigned", "working hours left
to assign", the status names…). Translating them again for each row — a lazy string cast,
a look-up of the active language through a context-local, a catalogue look-up — was a
visible part of a page's CPU time. ``@per_language`` keeps what a function builds for each
language in this process (the catalogues do not change while it runs) and forgets it when
a setting changes (tests' ``override_settings``), as ``{% constant %}`` does for template
parts. What it builds may depend on the active language and the code only, never on the
request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.utils.translation import get_language

_kept: list[dict[str | None, Any]] = []


def forget(**kwargs: Any) -> None:
    """Drop every kept set of words (a setting changed)."""
    for kept in _kept:
        kept.clear()


setting_changed.connect(forget)


def per_language[T](build: Callable[[], T]) -> Callable[[], T]:
    """``build()`` once for each active language; the same object afterwards."""
    kept: dict[str | None, T] = {}
    _kept.append(kept)

    @functools.wraps(build)
    def words() -> T:
        language = get_language()
        found = kept.get(language)
        if found is None:
            found = kept[language] = build()
        return found

    return words
