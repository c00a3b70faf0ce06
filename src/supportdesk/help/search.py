"""Full-text search of articles, on the same backends as ticket search.

PostgreSQL: a stored ``tsvector`` per article built in its own language's configuration
(``english`` or ``swedish``: "invoices" finds "invoice", "fakturor" finds "faktura"),
behind a GIN index; a query is matched in both configurations with prefix matching,
ranked by ``ts_rank`` and quoted by ``ts_headline``. SQLite: an FTS5 table ``help_fts``
kept in step by :func:`index_article`, ranked by ``bm25``, quoted by ``snippet()``.
Only the articles of the queryset given are searched: visibility is decided by the
caller through :mod:`supportdesk.help.access`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    F,
    Field,
    FloatField,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils.safestring import SafeString

from supportdesk.core.textsearch import START, STOP, highlight, terms
from supportdesk.help.models import Article

CONFIGS = {"en": "english", "sv": "swedish"}


@dataclasses.dataclass
class ArticleHit:
    article: Article
    rank: float
    title: SafeString
    snippet: SafeString


def search_articles(
    articles: QuerySet[Article], query: str, *, limit: int = 10, language: str = ""
) -> list[ArticleHit]:
    """Articles of ``articles`` matching every word of ``query`` (as prefixes), best first.

    Of an article and its translations only one is returned: the one in ``language``
    when it matched, else the best ranked (with the family's best rank).
    """
    words = terms(query)
    if not words:
        return []
    if _pg():
        # One round trip: the best matches ranked, and quoted, in one statement. Headlines
        # are the costly part, so only ``limit`` rows are quoted; an article and its
        # translation rarely both match (their words are in different languages).
        return _one_per_family(_postgres(articles, words, limit), language)[:limit]
    ranked = _sqlite_ranked(articles, words, limit * 2)
    best: dict[int, tuple[int, float, str]] = {}  # family → (article, rank, language)
    for pk, rank, family, lang in ranked:
        held = best.get(family)
        if held is None:
            best[family] = (pk, rank, lang)
        elif lang == language and held[2] != language:
            best[family] = (pk, held[1], lang)
    chosen = sorted(best.values(), key=lambda item: (-item[1], item[0]))[:limit]
    quoted = _sqlite_quoted(words, {pk: rank for pk, rank, _lang in chosen})
    return sorted(quoted, key=lambda h: (-h.rank, h.article.pk))


def _one_per_family(hits: list[ArticleHit], language: str) -> list[ArticleHit]:
    """An article or its translation, once: in ``language`` if it matched, with the
    family's best rank."""
    best: dict[int, ArticleHit] = {}
    for hit in sorted(hits, key=lambda h: (-h.rank, h.article.pk)):
        family = hit.article.family_id
        held = best.get(family)
        if held is None:
            best[family] = hit
        elif hit.article.language == language and held.article.language != language:
            best[family] = dataclasses.replace(hit, rank=held.rank)
    return sorted(best.values(), key=lambda h: (-h.rank, h.article.pk))


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _pg_queries(words: list[str]) -> dict[str, SearchQuery]:
    """The query per article language, in that language's configuration."""
    raw = " & ".join(f"{w}:*" for w in words)
    return {
        code: SearchQuery(raw, search_type="raw", config=config) for code, config in CONFIGS.items()
    }


def _postgres(articles: QuerySet[Article], words: list[str], limit: int) -> list[ArticleHit]:
    """The best ``limit`` matches, ranked; headlines (costly) made for those rows only.

    An article is matched and ranked with the query in its own language's configuration
    only: an English stem means nothing against Swedish lexemes, and each row is ranked
    once.
    """
    queries = _pg_queries(words)
    match = Q()
    for code, query in queries.items():
        match |= Q(language=code, search_vector=query)

    def by_language(make: Callable[[SearchQuery, str], Any], output: Field[Any, Any]) -> Case:
        return Case(
            *[
                When(language=code, then=make(query, CONFIGS[code]))
                for code, query in queries.items()
            ],
            default=Value(None),
            output_field=output,
        )

    rank = by_language(lambda query, _config: SearchRank(F("search_vector"), query), FloatField())
    top = articles.filter(match).annotate(rank=rank).order_by("-rank", "pk").values("pk")[:limit]

    def headline(field: str, **options: Any) -> Case:
        return by_language(
            lambda query, config: SearchHeadline(
                field, query, config=config, start_sel=START, stop_sel=STOP, **options
            ),
            TextField(),
        )

    rows = (
        Article.objects.filter(pk__in=Subquery(top))
        .order_by()
        .select_related("original")
        .defer("body", "search_vector", "original__body", "original__search_vector")
        .annotate(
            rank=rank,
            hl_title=headline("title", highlight_all=True),
            hl_body=headline("body_text", max_words=30, min_words=12),
        )
    )
    return [
        ArticleHit(
            article=a,
            rank=float(getattr(a, "rank", None) or 0.0),
            title=highlight(getattr(a, "hl_title", "") or a.title),
            snippet=highlight(getattr(a, "hl_body", "") or a.body_text[:200]),
        )
        for a in rows
    ]


def _fts_query(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _sqlite_ranked(
    articles: QuerySet[Article], words: list[str], limit: int
) -> list[tuple[int, float, int, str]]:
    visible_sql, visible_params = articles.values("pk").query.sql_with_params()
    sql = (
        "SELECT f.rowid, bm25(help_fts, 4.0, 2.0, 1.0) AS score, a.original_id, a.language "
        "FROM help_fts f JOIN help_article a ON a.id = f.rowid WHERE help_fts MATCH %s"
    )
    # The ORM's own SQL for the visible articles; its parameters are bound below.
    sql += f" AND f.rowid IN ({visible_sql}) ORDER BY score LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts_query(words), *visible_params, limit])
        rows = cursor.fetchall()
    # bm25 is smaller for better matches; negated so that higher is better.
    return [(pk, -float(score), original or pk, lang) for pk, score, original, lang in rows]


def _sqlite_quoted(words: list[str], ranks: dict[int, float]) -> list[ArticleHit]:
    if not ranks:
        return []
    marks = ", ".join("%s" for _ in ranks)
    sql = (
        "SELECT rowid, highlight(help_fts, 0, %s, %s), snippet(help_fts, 2, %s, %s, '…', 24) "
        "FROM help_fts WHERE help_fts MATCH %s"
    )
    sql += f" AND rowid IN ({marks})"  # placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, START, STOP, _fts_query(words), *ranks])
        rows = cursor.fetchall()
    by_id = Article.objects.select_related("original").in_bulk(list(ranks))
    return [
        ArticleHit(by_id[pk], ranks[pk], highlight(title), highlight(body))
        for pk, title, body in rows
        if pk in by_id
    ]


def index_article(article: Article) -> None:
    """Bring the search index of one article up to date, inside the caller's transaction."""
    tags = " ".join(article.tags.values_list("name", flat=True))
    if _pg():
        config = CONFIGS.get(article.language, "simple")
        Article.objects.filter(pk=article.pk).update(
            search_vector=SearchVector("title", weight="A", config=config)
            + SearchVector(Value(tags), weight="B", config=config)
            + SearchVector("body_text", weight="C", config=config)
        )
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM help_fts WHERE rowid = %s", [article.pk])
        cursor.execute(
            "INSERT INTO help_fts(rowid, title, tags, body) VALUES (%s, %s, %s, %s)",
            [article.pk, article.title, tags, article.body_text],
        )


def unindex_article(article_id: int) -> None:
    if not _pg():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM help_fts WHERE rowid = %s", [article_id])
