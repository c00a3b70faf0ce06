"""Help center search over 10,000 articles on PostgreSQL: time per query, as a customer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_help \\
    .venv/bin/python bench/help_search.py [N]

Fills the database up to N articles (default 10,000; half English, half Swedish; every
visibility; each about three of ~35 domain words per language, in how-to filler text, so
that a domain word is in about 8 % of its language's articles; 10-40 sentences each; a
fixed random seed, so every run builds the same data) through one bulk insert
and one ``UPDATE`` of the stored search vectors, then runs the help center's search — the
same call as the help page: visibility filter, ranking, headlines of the hits — for a few
queries as a customer user, 20 times each, and prints the median of the slowest query.
Reference: a case-insensitive substring scan (``ILIKE``) for the same word over the table.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# bench/ holds a queue.py that would shadow the standard library's queue module: the folder
# goes to the end of the path, where _data is still found.
HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]
sys.path.append(str(HERE))

from _data import median_ms  # noqa: E402
from _data import setup as data_setup  # noqa: E402

REPEATS = 20
QUERIES = ["invoice lock date", "lagersaldo", "bank reconciliation", "moms", "manufacturing order"]
# Words every article uses (the filler of how-to text), and domain words: each article is
# about three of them, as a real knowledge base's articles are each about a few things.
COMMON_EN = [
    "open", "click", "menu", "field", "button", "save", "select", "then", "when", "you",
    "can", "the", "your", "this", "that", "with", "from", "into", "screen", "list", "form",
    "view", "record", "line", "set", "choose", "check", "enter", "change", "new", "edit",
    "settings", "configuration", "use", "make", "sure", "first", "next", "after", "before",
    "again", "see", "shown"
]  # fmt: skip
COMMON_SV = [
    "öppna", "klicka", "meny", "fält", "knapp", "spara", "välj", "sedan", "när", "du",
    "kan", "din", "den", "det", "med", "från", "till", "skärm", "lista", "formulär", "vy",
    "post", "rad", "ställ", "in", "ange", "ändra", "ny", "redigera", "inställningar",
    "använd", "kontrollera", "först", "nästa", "efter", "innan", "igen", "visas"
]  # fmt: skip
EN = [
    "invoice", "post", "lock", "date", "journal", "bank", "reconciliation", "payment",
    "vendor", "customer", "tax", "report", "stock", "warehouse", "delivery", "picking",
    "manufacturing", "order", "bill", "of", "materials", "sales", "quotation", "purchase",
    "product", "variant", "pricelist", "fiscal", "position", "currency", "partner",
    "analytic", "account", "timesheet", "project", "task", "employee", "payroll", "website",
    "shop", "cart"
]  # fmt: skip
SV = [
    "faktura", "bokföra", "låsdatum", "verifikation", "bankavstämning", "betalning",
    "leverantör", "kund", "moms", "rapport", "lager", "lagersaldo", "leverans", "plockning",
    "tillverkningsorder", "stycklista", "offert", "inköp", "produkt", "prislista", "valuta",
    "kontoplan", "tidrapport", "projekt", "anställd", "lön", "webbshop", "kundvagn"
]  # fmt: skip


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_help")
    data_setup()


def fill(n: int) -> None:
    from django.db import connection

    from supportdesk.accounts.models import Organisation
    from supportdesk.help.models import Article, Category, Visibility
    from supportdesk.help.search import index_article

    have = Article.objects.count()
    if have >= n:
        return
    organisations = [
        Organisation.objects.get_or_create(name=f"Bench help {i} AB")[0] for i in range(20)
    ]
    rng = random.Random(2026)
    visibilities = [
        Visibility.PUBLIC,
        Visibility.CUSTOMERS,
        Visibility.ORGANISATION,
        Visibility.INTERNAL,
    ]
    rows = []
    for i in range(have, n):
        language = "sv" if i % 2 else "en"
        topic = rng.sample(SV if language == "sv" else EN, 3)
        common = COMMON_SV if language == "sv" else COMMON_EN
        visibility = visibilities[i % 4]
        body = " ".join(
            " ".join(
                rng.choice(topic) if rng.random() < 0.15 else rng.choice(common)
                for _ in range(rng.randint(8, 16))
            ).capitalize()
            + "."
            for _ in range(rng.randint(10, 40))
        )
        rows.append(
            Article(
                slug=f"bench-{i}",
                language=language,
                title=" ".join([*topic, rng.choice(common)]).capitalize(),
                body=body,
                body_text=body,
                category=rng.choice(Category.values),
                visibility=visibility,
                organisation=organisations[i % 20]
                if visibility == Visibility.ORGANISATION
                else None,
                status="published" if i % 10 else "draft",
            )
        )
    Article.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the same vector index_article writes, in bulk
            cursor.execute(
                "UPDATE help_article SET search_vector = "
                "setweight(to_tsvector(c, title), 'A') || setweight(to_tsvector(c, body_text), 'C') "
                "FROM (SELECT id AS aid, (CASE language WHEN 'sv' THEN 'swedish' "
                "ELSE 'english' END)::regconfig AS c FROM help_article) l "
                "WHERE l.aid = help_article.id AND search_vector IS NULL"
            )
            # VACUUM moves the bulk-loaded GIN entries out of the index's pending list.
            cursor.execute("VACUUM ANALYZE help_article")
    else:
        for article in Article.objects.all():
            index_article(article)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    setup()
    from django.db import connection

    from supportdesk.accounts.models import Organisation, User
    from supportdesk.help.access import articles_for_user
    from supportdesk.help.search import search_articles

    fill(n)
    organisation = Organisation.objects.get(name="Bench help 3 AB")
    customer, _ = User.objects.get_or_create(
        email="customer@bench-help.example", defaults={"organisation": organisation}
    )
    visible = articles_for_user(customer)
    medians = {}
    for query in QUERIES:
        hits = search_articles(visible, query, limit=10, language="en")
        ms = median_ms(
            lambda q=query: search_articles(visible, q, limit=10, language="en"), REPEATS
        )
        medians[query] = (ms, len(hits), server_ms(lambda q=query: search_articles(visible, q)))
    reference = []
    with connection.cursor() as cursor:
        for _ in range(REPEATS):
            start = time.perf_counter()
            cursor.execute(
                "SELECT count(*) FROM help_article WHERE body_text ILIKE %s", ["%lagersaldo%"]
            )
            cursor.fetchone()
            reference.append((time.perf_counter() - start) * 1000)
    for query, (ms, count, server) in medians.items():
        print(f"  {query!r}: {ms:.1f} ms, {count} hits (PostgreSQL executes it in {server:.1f} ms)")
    worst = max(ms for ms, _, _ in medians.values())
    print(
        f"help search, {n:,} articles on {connection.vendor}: slowest query median {worst:.1f} ms "
        f"(target ≤ 50 ms); reference ILIKE scan of the texts: "
        f"{statistics.median(reference):.1f} ms (load average {os.getloadavg()[0]:.1f})"
    )


def server_ms(run: Callable[[], object]) -> float:
    """The database's own execution time of the statements ``run`` sends (EXPLAIN ANALYZE):
    the figure without the client's share of a busy machine."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    total = 0.0
    with connection.cursor() as cursor:
        for statement in captured.captured_queries:
            times = []
            for _ in range(5):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement["sql"])
                plan = cursor.fetchone()[0][0]
                times.append(plan["Planning Time"] + plan["Execution Time"])
            total += statistics.median(times)
    return total


if __name__ == "__main__":
    main()
