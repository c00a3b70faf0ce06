"""Ranked full-text search of tickets and messages, with highlighted snippets.

PostgreSQL: stored ``tsvector`` columns behind GIN indexes (search migration 0002),
the newest ``CANDIDATES`` matches ranked by ``ts_rank``, snippets by ``ts_headline``. SQLite: an FTS5 table kept
in sync by :func:`index_ticket`, ranked by ``bm25``, snippets by ``snippet()``.

The ``simple`` configuration and prefix matching ("invoic" finds "invoices") suit
tickets written in Swedish and English alike: no language's stemmer is guessed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from supportdesk.core.textsearch import START, STOP, highlight
from supportdesk.tickets.models import Ticket

TICKET_VECTOR = ("subject", "description")
MESSAGE_VECTOR = ("body",)
CONFIG = "simple"


@dataclasses.dataclass
class TextHit:
    ticket_id: int
    message_id: int | None
    rank: float  # higher is better, comparable within one backend
    snippet: SafeString


def text_search(
    words: list[str],
    *,
    tickets: QuerySet[Ticket] | None,
    internal: bool,
    limit: int,
) -> list[TextHit]:
    """Tickets and messages matching every word (as a prefix), best first.

    ``tickets`` limits the search to tickets a user may see (``None``: all);
    ``internal`` says whether internal notes are searched.
    """
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _postgres(words, tickets=tickets, internal=internal, limit=limit)
    return _sqlite(words, tickets=tickets, internal=internal, limit=limit)


# --- PostgreSQL ----------------------------------------------------------------------


# The newest matches that are ranked: a common word matches most of the desk, and ranking
# every match would read them all. Candidates are looked for first among the newest
# ``PROBE`` rows, walking the primary key backwards: a common word fills them there. A word
# found often enough in the probe to fill the newest ``RECENT`` rows is ranked among its
# matches there; any other word is rare, and the GIN index finds all its rows cheaply. The planner cannot
# tell the three apart for a prefix query, so the code decides; the probe spares a rare
# word (most searches: a number, a name) the reading of ``RECENT`` rows for nothing.
CANDIDATES = 200
PROBE = 1_000
RECENT = 10_000
_RECENT = """
    SELECT id, {columns} search_vector FROM (
        SELECT id, {columns} search_vector FROM {table} WHERE TRUE {filters}
        ORDER BY id DESC LIMIT %(recent)s
    ) recent
    WHERE search_vector @@ to_tsquery('simple', %(q)s)
    ORDER BY id DESC LIMIT %(candidates)s
"""
# ``id + 0``: sorted after the index scan, so that the GIN index is the way in.
_INDEXED = """
    SELECT id, {columns} search_vector FROM {table}
    WHERE search_vector @@ to_tsquery('simple', %(q)s) {filters}
    ORDER BY id + 0 DESC LIMIT %(candidates)s
"""
_TICKETS_SQL = """
WITH candidates AS MATERIALIZED ({candidates}), best AS (
    SELECT id, ts_rank(search_vector, to_tsquery('simple', %(q)s)) AS rank FROM candidates
    ORDER BY rank DESC, id DESC LIMIT %(limit)s
)
SELECT t.id, best.rank,
    ts_headline('simple', t.description, to_tsquery('simple', %(q)s), %(body_options)s),
    ts_headline('simple', t.subject, to_tsquery('simple', %(q)s), %(title_options)s),
    (SELECT count(*) FROM candidates)
FROM best JOIN tickets_ticket t ON t.id = best.id
ORDER BY best.rank DESC, best.id DESC
"""
_MESSAGES_SQL = """
WITH candidates AS MATERIALIZED ({candidates}), best AS (
    SELECT id, ticket_id, ts_rank(search_vector, to_tsquery('simple', %(q)s)) AS rank
    FROM candidates ORDER BY rank DESC, id DESC LIMIT %(limit)s
)
SELECT best.ticket_id, best.id, best.rank,
    ts_headline('simple', m.body, to_tsquery('simple', %(q)s), %(body_options)s),
    (SELECT count(*) FROM candidates)
FROM best JOIN tickets_message m ON m.id = best.id
ORDER BY best.rank DESC, best.id DESC
"""
_TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}"
_BODY_OPTIONS = f"{_TITLE_OPTIONS}, MaxWords=30, MinWords=12"


def _postgres(
    words: list[str], *, tickets: QuerySet[Ticket] | None, internal: bool, limit: int
) -> list[TextHit]:
    """Ranked matches from the stored ``search_vector`` columns (search migration 0002)."""
    params: dict[str, Any] = {
        "q": " & ".join(f"{_quote(w)}:*" for w in words),
        "candidates": CANDIDATES,
        "limit": limit,
        "title_options": _TITLE_OPTIONS,
        "body_options": _BODY_OPTIONS,
    }
    visible, message_visible = "", ""
    if tickets is not None:
        # The ORM's own SQL for the visible tickets, its parameters bound by name.
        sql, visible_params = tickets.values("pk").query.sql_with_params()
        for k, value in enumerate(visible_params):
            params[f"v{k}"] = value
        sql = sql.replace("%%", "%%%%") % tuple(f"%(v{k})s" for k in range(len(visible_params)))
        visible = f" AND id IN ({sql})"
        message_visible = f" AND ticket_id IN ({sql})"
    message_filters = message_visible + ("" if internal else " AND NOT internal")
    ticket_rows = _candidates(_TICKETS_SQL, "tickets_ticket", "", visible, params)
    message_rows = _candidates(
        _MESSAGES_SQL, "tickets_message", "ticket_id,", message_filters, params
    )
    hits = [
        TextHit(pk, None, float(rank), highlight(title if START in title else snippet))
        for pk, rank, snippet, title, _found in ticket_rows
    ]
    hits += [
        TextHit(ticket_id, pk, float(rank), highlight(snippet))
        for ticket_id, pk, rank, snippet, _found in message_rows
    ]
    hits.sort(key=lambda h: -h.rank)
    return hits[:limit]


def _candidates(
    sql: str, table: str, columns: str, filters: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` ranked over the newest candidates: the newest ``PROBE`` rows, then
    the newest ``RECENT`` if the probe found the word often enough to fill them, else the
    GIN index (the last column of each row counts the candidates found). At most two
    statements, whatever the word."""

    def found(way: str, recent: int = 0) -> tuple[list[tuple[Any, ...]], int]:
        candidates = way.format(table=table, columns=columns, filters=filters)
        cursor.execute(sql.format(candidates=candidates), {**params, "recent": recent})
        rows = cursor.fetchall()
        return rows, int(rows[0][-1]) if rows else 0

    with connection.cursor() as cursor:
        rows, count = found(_RECENT, PROBE)
        if count >= CANDIDATES:
            return rows
        if count * RECENT >= CANDIDATES * PROBE:  # as common as to fill the newest RECENT
            return found(_RECENT, RECENT)[0]
        return found(_INDEXED)[0]


def _quote(word: str) -> str:
    """A word as a ``to_tsquery`` lexeme: quoted, so no character is an operator."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


# --- SQLite FTS5 -----------------------------------------------------------------------


def _fts_query(words: list[str]) -> str:
    # Each word quoted (FTS5 syntax characters lose their meaning) and matched as a prefix.
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _sqlite(
    words: list[str], *, tickets: QuerySet[Ticket] | None, internal: bool, limit: int
) -> list[TextHit]:
    sql = (
        "SELECT rowid, ticket_id, "
        "snippet(search_fts, 2, %s, %s, '…', 12), "
        "snippet(search_fts, 3, %s, %s, '…', 24), "
        # The subject weighs more than the body.
        "bm25(search_fts, 0, 0, 4.0, 1.0) AS score "
        "FROM search_fts WHERE search_fts MATCH %s"
    )
    params: list[Any] = [START, STOP, START, STOP, _fts_query(words)]
    if not internal:
        sql += " AND internal = 0"
    if tickets is not None:
        visible_sql, visible_params = tickets.values("pk").query.sql_with_params()
        # The ORM's own SQL for the visible tickets, with its parameters bound below.
        sql += f" AND ticket_id IN ({visible_sql})"
        params += list(visible_params)
    sql += " ORDER BY score LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    hits = []
    for rowid, ticket_id, title, body, score in rows:
        text = title if START in (title or "") else body
        # bm25 is smaller for better matches; negate it so that higher is better.
        hits.append(
            TextHit(int(ticket_id), rowid if rowid > 0 else None, -float(score), highlight(text))
        )
    return hits


def index_ticket(ticket_id: int) -> None:
    """Bring the FTS5 rows of one ticket up to date (see :func:`index_tickets`)."""
    index_tickets([ticket_id])


def index_tickets(ticket_ids: Iterable[int]) -> None:
    """Bring the FTS5 rows of these tickets up to date, in three statements for all of
    them (SQLite only; PostgreSQL indexes its expressions itself).

    Called by the search subscriber after every change that alters the text of a ticket
    (``search.subscribers``), once for a batch of mail. The tickets' rows are rewritten;
    their messages are added once (messages are never edited).
    """
    ids = sorted(set(ticket_ids))
    if connection.vendor != "sqlite" or not ids:
        return
    listed = json.dumps(ids)  # the ids as one parameter, read by json_each
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_fts WHERE rowid IN (SELECT -value FROM json_each(%s))", [listed]
        )
        cursor.execute(
            "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
            "SELECT -id, id, 0, subject, description FROM tickets_ticket "
            "WHERE id IN (SELECT value FROM json_each(%s))",
            [listed],
        )
        cursor.execute(
            "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
            "SELECT m.id, m.ticket_id, m.internal, '', m.body FROM tickets_message m "
            "WHERE m.ticket_id IN (SELECT value FROM json_each(%s)) "
            "AND NOT EXISTS (SELECT 1 FROM search_fts f WHERE f.rowid = m.id)",
            [listed],
        )


def rebuild_index() -> int:
    """Index every ticket and message again (SQLite); returns the number of rows."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts")
        cursor.execute(
            "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
            "SELECT -id, id, 0, subject, description FROM tickets_ticket"
        )
        cursor.execute(
            "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
            "SELECT id, ticket_id, internal, '', body FROM tickets_message"
        )
        cursor.execute("SELECT count(*) FROM search_fts")
        row = cursor.fetchone()
    return int(row[0]) if row else 0
