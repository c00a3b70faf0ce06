"""Keyset pagination for any ordering: the page after a cursor, without OFFSET.

A list sorted by ``fields`` (the last one unique, e.g. the primary key) is cut after the
row a cursor names, with the lexicographic condition (a > x) or (a = x and b > y)…, so
page 40 costs what page 1 costs and a row inserted meanwhile never repeats another.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _

from supportdesk.core.errors import InvalidInput


@dataclasses.dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str | None


def _encode(values: Sequence[Any]) -> str:
    plain = [{"dt": v.isoformat()} if isinstance(v, dt.datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
        if not isinstance(plain, list) or len(plain) != count:
            raise ValueError
        return [dt.datetime.fromisoformat(v["dt"]) if isinstance(v, dict) else v for v in plain]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise InvalidInput("cursor", _("is not a cursor this list returned")) from None


def page[M: Model](
    rows: QuerySet[M] | QuerySet[M, dict[str, Any]],
    fields: Sequence[str],
    *,
    descending: bool = False,
    cursor: str | None = None,
    size: int = 50,
) -> Page:
    """One page of ``rows`` ordered by ``fields`` (all ascending or all descending).

    No field may be NULL in ``rows`` (filter them out first): NULLs do not compare.
    ``rows`` may be models or ``values()`` dictionaries.
    """
    rows = ordered(rows, fields, descending=descending)
    if cursor:
        keys = _keys(fields)
        values = _decode(cursor, len(keys))
        after = Q()
        for i, key in enumerate(keys):
            step = Q(**{f"{key}__{'lt' if descending else 'gt'}": values[i]})
            for earlier, value in zip(keys[:i], values[:i], strict=True):
                step &= Q(**{earlier: value})
            after |= step
        rows = rows.filter(after)
    return cut(list(rows[: size + 1]), fields, size=size)


def ordered[R: QuerySet[Any, Any]](rows: R, fields: Sequence[str], *, descending: bool) -> R:
    """``rows`` in the order of a page's ``fields``, each field's value kept as the key a
    cursor holds; the first page is ``ordered(...)[: size + 1]`` (read it any way, e.g.
    compiled once: ``core.prepared``) given to :func:`cut`."""
    keys = _keys(fields)
    rows = rows.annotate(**{k: F(f) for k, f in zip(keys, fields, strict=True)})
    return rows.order_by(*(F(k).desc() if descending else F(k).asc() for k in keys))


def cut(found: list[Any], fields: Sequence[str], *, size: int) -> Page:
    """The page of ``found`` (up to ``size + 1`` rows read in :func:`ordered`'s order) and
    the cursor of the next page when there is one."""
    keys = _keys(fields)
    more = len(found) > size
    found = found[:size]
    last = found[-1] if more and found else None
    return Page(
        rows=found,
        next_cursor=_encode([_get(last, k) for k in keys]) if last is not None else None,
    )


def _keys(fields: Sequence[str]) -> list[str]:
    return [f"_key{i}" for i in range(len(fields))]


def _get(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, dict) else getattr(row, key)
