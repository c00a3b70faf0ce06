"""Write some columns of many rows in one statement; insert new rows, skipping stored ones.

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN … END`` for every column and row:
for a chunk of the mail worker's messages (50 rows, 13 columns) building that statement
cost as much as the 50 single UPDATEs it replaced. ``update_rows`` sends the values once,
as a ``VALUES`` list joined on the primary key (``UPDATE … FROM``, PostgreSQL and SQLite
3.33+), each value prepared by its field as ``save()`` would. ``insert_new`` inserts rows
that a unique constraint may already hold in one ``INSERT … ON CONFLICT DO NOTHING
RETURNING`` (PostgreSQL, SQLite 3.35+), where asking first which are stored cost a query.
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


def insert_new(rows: Sequence[Model], key: Sequence[str]) -> list[Model]:
    """INSERT ``rows`` (new instances of one model) in one statement, except those whose
    ``key`` fields (the fields of a unique constraint) match a stored row or an earlier one
    of ``rows``; returns the rows inserted, their primary keys set."""
    if not rows:
        return []
    model = type(rows[0])
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    keys = [meta.get_field(name) for name in key]
    quote = connection.ops.quote_name
    params: list[Any] = []
    for row in rows:
        params.extend(f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(quote(f.column) for f in fields)
    conflict = ", ".join(quote(f.column) for f in keys)
    returned = ", ".join(quote(f.column) for f in [pk, *keys])
    # Names from the model's meta, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
        f"{', '.join([marks] * len(rows))} ON CONFLICT ({conflict}) DO NOTHING "
        f"RETURNING {returned}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        stored = {tuple(found[1:]): found[0] for found in cursor.fetchall()}
    inserted = []
    for row in rows:
        values = tuple(getattr(row, f.attname) for f in keys)
        if values in stored:
            row.pk = stored.pop(values)
            row._state.adding = False
            row._state.db = connection.alias
            inserted.append(row)
    return inserted
