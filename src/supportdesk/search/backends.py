"""Ranked full-text search of tickets and messages, with highlighted snippets.

PostgreSQL: ``to_tsvector('simple', …)`` expressions behind GIN indexes (migration
0001), ranked by ``ts_rank``, snippets by ``ts_headline``. SQLite: an FTS5 table kept
in sync by :func:`index_ticket`, ranked by ``bm25``, snippets by ``snippet()``.

The ``simple`` configuration and prefix matching ("invoic" finds "invoices") suit
tickets written in Swedish and English alike: no language's stemmer is guessed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.safestring import SafeString

from supportdesk.core.textsearch import START, STOP, highlight
from supportdesk.tickets.models import Message, Ticket

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


def _postgres(
    words: list[str], *, tickets: QuerySet[Ticket] | None, internal: bool, limit: int
) -> list[TextHit]:
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=CONFIG)
    ticket_rows = Ticket.objects.annotate(vector=SearchVector(*TICKET_VECTOR, config=CONFIG))
    message_rows = Message.objects.annotate(vector=SearchVector(*MESSAGE_VECTOR, config=CONFIG))
    if tickets is not None:
        ticket_rows = ticket_rows.filter(pk__in=tickets.values("pk"))
        message_rows = message_rows.filter(ticket_id__in=tickets.values("pk"))
    if not internal:
        message_rows = message_rows.filter(internal=False)
    found_tickets = (
        ticket_rows.filter(vector=query)
        .annotate(
            rank=SearchRank(F("vector"), query),
            snippet=_headline("description", query),
            title=SearchHeadline("subject", query, config=CONFIG, start_sel=START, stop_sel=STOP),
        )
        .order_by("-rank", "-pk")
        .values_list("pk", "rank", "snippet", "title")[:limit]
    )
    found_messages = (
        message_rows.filter(vector=query)
        .annotate(
            rank=SearchRank(F("vector"), query),
            snippet=_headline("body", query),
        )
        .order_by("-rank", "-pk")
        .values_list("ticket_id", "pk", "rank", "snippet")[:limit]
    )
    hits = [
        TextHit(pk, None, float(rank), highlight(title if START in title else snippet))
        for pk, rank, snippet, title in found_tickets
    ]
    hits += [
        TextHit(ticket_id, pk, float(rank), highlight(snippet))
        for ticket_id, pk, rank, snippet in found_messages
    ]
    hits.sort(key=lambda h: -h.rank)
    return hits[:limit]


def _headline(field: str, query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        field, query, config=CONFIG, start_sel=START, stop_sel=STOP, max_words=30, min_words=12
    )


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
    """Bring the FTS5 rows of one ticket up to date (SQLite only; PostgreSQL indexes
    its expressions itself).

    Called by the search subscriber after every change that alters the text of a ticket
    (``search.subscribers``). The ticket's row is rewritten; its messages are added once
    (messages are never edited).
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [-ticket_id])
        cursor.execute(
            "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
            "SELECT -id, id, 0, subject, description FROM tickets_ticket WHERE id = %s",
            [ticket_id],
        )
        cursor.execute(
            "INSERT INTO search_fts(rowid, ticket_id, internal, title, body) "
            "SELECT m.id, m.ticket_id, m.internal, '', m.body FROM tickets_message m "
            "WHERE m.ticket_id = %s "
            "AND NOT EXISTS (SELECT 1 FROM search_fts f WHERE f.rowid = m.id)",
            [ticket_id],
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
