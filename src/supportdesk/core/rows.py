"""Write some columns of many rows in one statement; insert new rows without the ORM's compiler.

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN … END`` for every column and row:
for a chunk of the mail worker's messages (50 rows, 13 columns) building that statement
cost as much as the 50 single UPDATEs it replaced. ``update_rows`` sends the values once,
as a ``VALUES`` list joined on the primary key (``UPDATE … FROM``, PostgreSQL and SQLite
3.33+), each value prepared by its field as ``save()`` would. ``insert_rows`` inserts new
rows with a statement built without the ORM's compiler (for one row it cost more than
the INSERT), skipping those a unique constraint already holds if asked (``INSERT … ON
CONFLICT DO NOTHING RETURNING``, PostgreSQL and SQLite 3.35+), where asking first which
are stored cost a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def update_rows(rows: Sequence[Model], fields: Sequence[str]) -> int:
    """UPDATE ``fields`` of ``rows`` (saved instances of one model) in one statement."""
    if not rows:
        return 0
    meta = type(rows[0])._meta
    pk = meta.pk
    assert pk is not None
    columns: list[Any] = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    cast = connection.vendor == "postgresql"

    def mark(field: Any) -> str:
        return f"%s::{field.db_type(connection)}" if cast else "%s"

    row_sql = "(" + ", ".join(mark(f) for f in [pk, *columns]) + ")"
    params: list[Any] = []
    for row in rows:
        params.append(pk.get_db_prep_save(row.pk, connection))
        for field in columns:
            params.append(field.get_db_prep_save(getattr(row, field.attname), connection))
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = v.column{at}" for at, field in enumerate(columns, start=2)
    )
    values = ", ".join([row_sql] * len(rows))
    # Names from the model's meta, quoted; every value is a parameter.
    sql = f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v"  # noqa: S608
    sql += f" WHERE {table}.{quote(str(pk.column))} = v.column1"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_rows[M: Model](rows: Sequence[M], *, skip: Sequence[str] = ()) -> list[M]:
    """INSERT ``rows`` (new instances of one model) in one statement, as ``save()`` would
    write them (each field's ``pre_save``, no signals: the project sends none); returns
    the rows inserted, their primary keys set.

    ``skip``: the fields of a unique constraint; a row that matches a stored row or an
    earlier one of ``rows`` on them is not inserted (``ON CONFLICT DO NOTHING``).
    """
    if not rows:
        return []
    meta = type(rows[0])._meta
    pk = meta.pk
    assert pk is not None
    fields: list[Any] = [f for f in meta.concrete_fields if not f.primary_key]
    keys: list[Any] = [meta.get_field(name) for name in skip]
    most = max(1, connection.ops.bulk_batch_size(fields, rows))  # SQLite's parameter limit
    if len(rows) > most:
        return [
            row
            for start in range(0, len(rows), most)
            for row in insert_rows(rows[start : start + most], skip=skip)
        ]
    quote = connection.ops.quote_name
    params: list[Any] = []
    for row in rows:
        row._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        params.extend(f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(quote(f.column) for f in fields)
    returning = ", ".join(quote(f.column) for f in [pk, *keys])
    # Names from the model's meta, quoted; every value is a parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    sql += ", ".join([marks] * len(rows))
    if keys:
        sql += f" ON CONFLICT ({', '.join(quote(f.column) for f in keys)}) DO NOTHING"
    sql += f" RETURNING {returning}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if keys:  # the rows inserted, found by their key
        stored = {tuple(found[1:]): found[0] for found in returned}
        pairs = []
        for row in rows:
            value = stored.pop(tuple(getattr(row, f.attname) for f in keys), None)
            if value is not None:
                pairs.append((row, value))
    else:  # in the order of the VALUES
        pairs = [(row, found[0]) for row, found in zip(rows, returned, strict=True)]
    for row, value in pairs:
        row.pk = value
        row._state.adding = False
        row._state.db = connection.alias
    return [row for row, _value in pairs]
