"""Queries whose SQL is built once per process, run with a request's values each time.

Building a queryset and compiling it to SQL costs about a millisecond of Python for a
ticket read with its organisation, people and flags; the database answers that indexed
look-up in a fifth of the time. The look-ups every ticket page makes (the ticket by its
number, its messages, events and files) have a fixed shape: only ids change. A
:class:`Prepared` query is written as a function of those ids returning a queryset; it is
compiled once per database connection alias with marker ids in their places, and each use
puts the request's ids where the markers were and turns the rows into model instances the
way Django's own iterator does (the rows joined by ``select_related`` and the annotations
included).

On PostgreSQL the statement is also prepared on the server, once per connection: the
database parses and plans it once, not on every request (the customer's ticket page:
1.35 → 0.25 ms of the database's CPU). Django's own cursors send each query with its
values written in (client-side binding); these statements go through a cursor that sends
the values apart and asks psycopg to prepare (``_preparing_cursor``). A statement is
planned with its values the first five times, then by one generic plan if PostgreSQL finds
it no costlier: these are look-ups by id, whose plan does not depend on the id.

Each thread compiles its own (a compiled statement holds its thread's database connection,
which its columns' converters are given). A ``select_for_update`` query is refused outside
a transaction, as Django refuses it.

The function must only pass its arguments into the query (filters, annotations), never
branch on them: it is called once, with markers. Its arguments are integers (ids), dates
for those named in ``dates`` (a day compared with a date column: today, a period's first
day), instants for those named in ``datetimes`` (a keyset cursor's time), or text for
those named in ``texts`` (a word looked for: compared whole, or in a pattern such as
``name__icontains``, where it is escaped as Django escapes it); one the query does not use
is ignored. An argument named in ``lists`` is a list of ids, used once in the
query as ``field__in=argument``: the statement takes the list as one parameter (an array
on PostgreSQL, ``json_each`` of its JSON on SQLite), so lists of any length share it.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# The pieces Django's ModelIterable makes instances with (rows joined by select_related,
# the fetch mode's peers): the same instances as a queryset's.
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesIterable,
    _get_from_db,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError

# Ids no row has, and days no row has: the places of the arguments in the compiled
# parameters.
_MARKER_BASE = -7_340_000_000_000
_MARKER_DAY = dt.date(1, 1, 1)
_MARKER_INSTANT = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
# Text no row holds, between two characters of Unicode's private use area; its ``%`` tells a
# pattern (where Django escaped it) from a value compared whole.
_MARKER_TEXT = "\uf8f0{}%\uf8f1"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # (index in params, argument, how the query holds it: the type of an integer, which
    # a lookup may give psycopg's width (Int2); for a day or an instant, whether adapted
    # as the driver is given it; for text, what a pattern puts before and after it and
    # whether it is escaped there)
    slots: tuple[tuple[int, str, Any], ...]
    compiler: Any  # django.db.models.sql.compiler.SQLCompiler, set up by as_sql()
    converters: dict[int, Any]  # the database's values to Python's, per column
    for_update: bool
    names: tuple[str, ...] = ()  # a values() query's keys
    # How a row becomes a model instance (Django's ModelIterable); None: a values() query
    from_db: Callable[..., Any] | None = None
    init_list: tuple[str, ...] = ()
    fields: slice = slice(0)
    populators: tuple[Any, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()


class Prepared[M: Model]:
    """``Prepared(lambda ticket: Message.objects.filter(ticket_id=ticket))`` then
    ``.rows(ticket=42)``: the instances, with one statement compiled once."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M]],
        *,
        dates: tuple[str, ...] = (),
        datetimes: tuple[str, ...] = (),
        lists: tuple[str, ...] = (),
        texts: tuple[str, ...] = (),
    ) -> None:
        self.build = build
        self.names = tuple(inspect.signature(build).parameters)
        self.dates = frozenset(dates)
        self.datetimes = frozenset(datetimes)
        self.lists = frozenset(lists)
        self.texts = frozenset(texts)
        self._local = threading.local()  # per thread: {alias: _Compiled}
        self.model: type[M] | None = None

    def rows(self, **values: Any) -> list[M]:
        """The query's rows: model instances, or dictionaries for a ``values()`` query."""
        compiled, params = self._bound(values)
        with _preparing_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if compiled.converters:
            fetched = compiled.compiler.apply_converters(fetched, compiled.converters)
        from_db = compiled.from_db
        if from_db is None:  # a values() query
            names = compiled.names
            return [dict(zip(names, row, strict=True)) for row in fetched]  # type: ignore[misc]
        made: list[M] = []
        alias = DEFAULT_DB_ALIAS
        for row in fetched:
            obj = from_db(alias, compiled.init_list, row[compiled.fields])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, at in compiled.annotations:
                setattr(obj, name, row[at])
            made.append(obj)
        return made

    def count(self, **values: Any) -> int:
        """How many rows the query reads (a slice of it caps the count), as
        ``QuerySet.count`` does: ``SELECT COUNT(*)`` over the query."""
        compiled, params = self._bound(values)
        if compiled.for_update:
            raise ValueError("a locking read is not counted")
        with _preparing_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
            # The SQL is Django's, compiled from the queryset; the values are parameters.
            counting = f"SELECT COUNT(*) FROM ({compiled.sql}) AS counted"  # noqa: S608
            cursor.execute(counting, params)
            (counted,) = cursor.fetchone()
        return int(counted)

    def _bound(self, values: dict[str, Any]) -> tuple[_Compiled, list[Any]]:
        """This thread's compiled query and its parameters with ``values`` in place."""
        alias = DEFAULT_DB_ALIAS
        mine: dict[str, _Compiled] | None = getattr(self._local, "compiled", None)
        compiled = mine.get(alias) if mine is not None else None
        if compiled is None:
            compiled = self._compile(alias)
        if compiled.for_update and not connections[alias].in_atomic_block:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        ops = connections[alias].ops
        for at, name, held in compiled.slots:
            value = values[name]
            adapted = held is True
            if name in self.texts:
                if not isinstance(value, str):
                    raise TypeError(f"{name} is text, not {value!r}")
                before, after, pattern = held
                params[at] = (
                    f"{before}{ops.prep_for_like_query(value) if pattern else value}{after}"
                )
            elif name in self.datetimes:
                if not isinstance(value, dt.datetime):
                    raise TypeError(f"{name} is an instant, not {value!r}")
                params[at] = ops.adapt_datetimefield_value(value) if adapted else value
            elif name in self.dates:
                if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                    raise TypeError(f"{name} is a day, not {value!r}")
                params[at] = ops.adapt_datefield_value(value) if adapted else value
            elif name in self.lists:
                ids = [int(v) for v in value]
                params[at] = ids if connections[alias].vendor == "postgresql" else json.dumps(ids)
            else:
                params[at] = held(int(value))
        return compiled, params

    def first(self, **values: Any) -> M | None:
        found = self.rows(**values)
        return found[0] if found else None

    def get(self, **values: Any) -> M:
        """The one row, as ``QuerySet.get`` (``DoesNotExist`` when there is none)."""
        found = self.rows(**values)
        if len(found) == 1:
            return found[0]
        model: Any = self.model  # known once compiled
        name = model._meta.object_name
        if not found:
            raise model.DoesNotExist(f"{name} matching query does not exist.")
        raise model.MultipleObjectsReturned(f"{len(found)} {name} found")

    def _compile(self, alias: str) -> _Compiled:
        markers: dict[str, int | dt.date | str] = {}
        for at, name in enumerate(self.names):
            if name in self.texts:
                markers[name] = _MARKER_TEXT.format(at)
            elif name in self.datetimes:
                markers[name] = _MARKER_INSTANT + dt.timedelta(microseconds=at)
            elif name in self.dates:
                markers[name] = _MARKER_DAY + dt.timedelta(days=at)
            else:
                markers[name] = _MARKER_BASE - at
        queryset = self.build(
            **{name: [m] if name in self.lists else m for name, m in markers.items()}
        )
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("a prepared query reads its related rows with select_related")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        # Each marker as the query may hold it: as given, or as the database driver is given
        # it (a lookup adapts a day or an instant: the same object, or its text on SQLite).
        ops = connections[alias].ops
        by_marker: dict[tuple[Any, Any], tuple[str, bool]] = {}
        texts = [(name, marker) for name, marker in markers.items() if name in self.texts]
        for name, marker in markers.items():
            if name in self.texts:
                continue
            by_marker[_key(marker)] = (name, False)
            if isinstance(marker, dt.datetime):
                shown = ops.adapt_datetimefield_value(marker)
            elif isinstance(marker, dt.date):
                shown = ops.adapt_datefield_value(marker)
            else:
                continue
            by_marker.setdefault(_key(shown), (name, True))
        slots = []
        for at, value in enumerate(params):
            text = _text_slot(value, texts, ops) if texts and isinstance(value, str) else None
            if text is not None:
                slots.append((at, *text))
                continue
            try:
                name, adapted = by_marker[_key(value)]
            except (KeyError, TypeError):  # not a marker; a list parameter is not hashable
                continue
            is_int = isinstance(value, int) and not isinstance(value, bool)
            slots.append((at, name, type(value) if is_int else adapted))
        sql = _one_parameter_lists(sql, [at for at, name, _ in slots if name in self.lists], alias)
        if connections[alias].vendor == "postgresql":
            sql, params, slots = _constants_written_in(sql, params, slots, alias)
        fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
        if fetch_mode.track_peers:  # the peers of a row are the rows of one read
            raise ValueError("a prepared query reads its rows in Django's default fetch mode")
        select = compiler.select
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        iterable = queryset._iterable_class
        made: dict[str, Any]  # how rows become what the queryset would give
        if iterable is ValuesIterable:
            query = queryset.query
            self.model = queryset.model
            # The keys of Django's ValuesIterable, in the order of the columns.
            made = {"names": (*query.extra_select, *query.values_select, *query.annotation_select)}
        elif iterable is ModelIterable:
            klass_info = compiler.klass_info
            self.model = klass_info["model"]
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            made = {
                "from_db": _get_from_db(klass_info["model"], fetch_mode),
                "init_list": tuple(f[0].target.attname for f in select[first:last]),
                "fields": slice(first, last),
                "populators": tuple(get_related_populators(klass_info, select, alias, fetch_mode)),
                "annotations": tuple(compiler.annotation_col_map.items()),
            }
        else:
            raise ValueError("a prepared query reads model instances or values() dictionaries")
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            compiler=compiler,
            converters=converters,
            for_update=queryset.query.select_for_update,
            **made,
        )
        if not hasattr(self._local, "compiled"):
            self._local.compiled = {}
        self._local.compiled[alias] = compiled
        return compiled


def _placeholders(sql: str) -> Iterator[re.Match[str]]:
    """The ``%s`` of ``sql``, one per parameter in order (Django doubles a literal ``%``)."""
    return (found for found in re.finditer(r"%%|%s", sql) if found.group() == "%s")


def _one_parameter_lists(sql: str, places: list[int], alias: str) -> str:
    """``sql`` with the ``IN (%s)`` of each list's marker (at the parameters' ``places``)
    taking the whole list as one parameter."""
    if not places:
        return sql
    whole = (
        "= ANY(%s)"
        if connections[alias].vendor == "postgresql"
        else ("IN (SELECT value FROM json_each(%s))")
    )
    pieces, last = [], 0
    for n, found in enumerate(_placeholders(sql)):
        if n not in places:
            continue
        start = sql.rfind("IN (", last, found.start())
        if start < 0 or sql[start + 4 : found.start()] or sql[found.end()] != ")":
            raise ValueError("a list is used in a prepared query as field__in=list only")
        pieces += [sql[last:start], whole]
        last = found.end() + 1
    return "".join([*pieces, sql[last:]])


def _constants_written_in(
    sql: str, params: Any, slots: list[tuple[int, str, Any]], alias: str
) -> tuple[str, tuple[Any, ...], list[tuple[int, str, Any]]]:
    """``sql`` with every parameter that is no argument written in as a literal, as
    Django's own cursors write every value (psycopg's client-side quoting): the statuses,
    kinds and words a query compares with. PostgreSQL plans a prepared statement with its
    values the first five times, then keeps one generic plan if that costs no more; a
    constant sent as a parameter hides its statistics from that plan (the board's first
    page: an open status among five unknown values), so the statement was planned again
    on every run, about 3 ms of the database's CPU for the board."""
    arguments = {at for at, _, _ in slots}
    compose = connections[alias].ops.compose_sql  # type: ignore[attr-defined]  # PostgreSQL's
    pieces: list[str] = []
    kept: list[Any] = []
    moved: dict[int, int] = {}
    last, n = 0, -1
    for n, found in enumerate(_placeholders(sql)):
        if n in arguments:
            moved[n] = len(kept)
            kept.append(params[n])
            continue
        literal = compose("%s", [params[n]]).replace("%", "%%")
        pieces += [sql[last : found.start()], literal]
        last = found.end()
    if n + 1 != len(params):
        raise ValueError("the query's placeholders are not its parameters")
    slots = [(moved[at], name, held) for at, name, held in slots]
    return "".join([*pieces, sql[last:]]), tuple(kept), slots


def _text_slot(value: str, texts: list[tuple[str, Any]], ops: Any) -> tuple[str, Any] | None:
    """The text argument whose marker ``value`` holds, with what surrounds it and whether
    it is escaped there (a pattern: ``%marker%`` of ``icontains``)."""
    for name, marker in texts:
        for form, pattern in ((ops.prep_for_like_query(marker), True), (marker, False)):
            if form in value:
                before, _, after = value.partition(form)
                return name, (before, after, pattern)
    return None


def _key(value: Any) -> tuple[Any, Any]:
    """A parameter as markers are looked up: an integer by its value whatever its width
    (a lookup on a small integer column gives psycopg's ``Int2``), else by type and value."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (int, int(value))
    return (type(value), value)


@functools.cache
def _preparing_class() -> Any:
    """Django's cursor class that sends values apart from the SQL, asking psycopg to
    prepare each statement (imported when first used: psycopg is PostgreSQL's)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    binding: Any = ServerBindingCursor  # psycopg's Cursor with Django's additions

    class PreparingCursor(binding):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True, **kwargs)

    return PreparingCursor


def _preparing_cursor(connection: Any) -> Any:
    """A cursor of ``connection`` (Django's wrapper: queries logged and errors translated
    as any other's) whose statements PostgreSQL prepares; elsewhere the usual cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    # What Django's connection.cursor() does, with this cursor class in place of its own.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _preparing_class()(connection.connection)
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return _logged_class()(cursor, connection)
        return connection.make_cursor(cursor)


@functools.cache
def _logged_class() -> Any:
    """Django's logging cursor wrapper, logging a prepared statement as the SQL with its
    values written in, as Django's own cursors' statements are logged (psycopg keeps no
    such text of a statement sent apart from its values)."""
    from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

    class LoggedPrepared(CursorDebugWrapper):
        def execute(self, sql: Any, params: Any = None) -> Any:
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return CursorWrapper.execute(self, sql, params)

    return LoggedPrepared
