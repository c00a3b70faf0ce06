"""A query's SQL built once per process instead of once per call.

Django compiles a queryset to SQL every time it runs: for a ticket read with its
organisation and requester (a hundred columns) the building cost three times the
statement itself, once per message of the mail worker's batches. :class:`Compiled` builds
the statement once per thread's connection, with a marker where the value goes, and then
only runs it with each call's value, turning the rows into models as the queryset would
(``from_db``, the related objects of ``select_related``, the fields' converters).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

# Stands for the value in the statement built once: a number no primary key takes.
MARK = -7_304_719_262_180_041


@dataclass(frozen=True)
class _Plan:
    queryset: QuerySet[Any]
    compiler: Any  # the SQL compiler after building: its select, klass_info, converters
    sql: str
    params: tuple[Any, ...]
    at: list[int]  # where the value goes among the parameters
    converters: dict[int, Any]  # the columns' converters (``from_db_value``…), by position
    names: list[str]  # the main model's columns, from ``start`` to ``end`` of a row
    start: int
    end: int
    related: list[Any]  # the ``select_related`` objects' populators


class Compiled[M: Model]:
    """``build(value)`` is a queryset of plain columns and ``select_related`` (no
    annotations, no ``prefetch_related``) that uses ``value`` as a parameter."""

    def __init__(self, build: Callable[[Any], QuerySet[M]]) -> None:
        self.build = build
        self._local = threading.local()  # each thread has its own connection

    def all(self, value: Any) -> list[M]:
        plan = self._plan()
        queryset, compiler = plan.queryset, plan.compiler
        values = list(plan.params)
        for index in plan.at:
            values[index] = value
        with compiler.connection.cursor() as cursor:
            cursor.execute(plan.sql, values)
            rows = cursor.fetchall()
        if plan.converters:
            rows = list(compiler.apply_converters(rows, plan.converters))
        model, db = queryset.model, queryset.db
        fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
        found = []
        for row in rows:
            obj = model.from_db(db, plan.names, row[plan.start : plan.end], fetch_mode=fetch_mode)
            for populator in plan.related:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def get(self, value: Any) -> M:
        """The one row, as ``QuerySet.get`` (``DoesNotExist`` when there is none)."""
        found = self.all(value)
        model = self._plan().queryset.model
        if not found:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        if len(found) > 1:
            raise model.MultipleObjectsReturned(f"{len(found)} {model._meta.object_name} found")
        return found[0]

    def _plan(self) -> _Plan:
        plan: _Plan | None = getattr(self._local, "plan", None)
        if plan is None:
            queryset = self.build(MARK)
            query = queryset.query
            compiler = query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            columns = [column[0] for column in compiler.select[: compiler.col_count]]
            if (
                query.annotations
                or lookups
                or compiler.has_extra_select
                or compiler.has_composite_fields(columns)
            ):
                raise ValueError("Compiled takes columns and select_related only")
            at = [index for index, param in enumerate(params) if param == MARK]
            if not at:
                raise ValueError("the queryset does not use its value as a parameter")
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
            plan = _Plan(
                queryset=queryset,
                compiler=compiler,
                sql=sql,
                params=tuple(params),
                at=at,
                converters=compiler.get_converters(columns),
                names=[column[0].target.attname for column in compiler.select[start:end]],
                start=start,
                end=end,
                related=get_related_populators(
                    klass_info, compiler.select, queryset.db, fetch_mode
                ),
            )
            self._local.plan = plan
        elif plan.queryset.query.select_for_update and not plan.compiler.connection.in_atomic_block:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        return plan
