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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    del sys.path[0]
REPEATS = 20
QUERIES = ["invoice lock date", "lagersaldo", "bank reconciliation", "moms", "manufacturing order"]
# Words every article uses (the filler of how-to text), and domain words: each article is
# about three of them, as a real knowledge base's articles are each about a few things.
COMMON_EN = [
    "open",
    "click",
    "menu",
    "field",
    "button",
    "save",
    "select",
    "then",
    "when",
    "you",
    "can",
    "the",
    "your",
    "this",
    "that",
    "with",
    "from",
    "into",
    "screen",
    "list",
    "form",
    "view",
    "record",
    "line",
    "set",
    "choose",
    "check",
    "enter",
    "change",
    "new",
    "edit",
    "settings",
    "configuration",
    "use",
    "make",
    "sure",
    "first",
    "next",
    "after",
    "before",
    "again",
    "see",
    "shown",
]
COMMON_SV = [
    "öppna",
    "klicka",
    "meny",
    "fält",
    "knapp",
    "spara",
    "välj",
    "sedan",
    "när",
    "du",
    "kan",
    "din",
    "den",
    "det",
    "med",
    "från",
    "till",
    "skärm",
    "lista",
    "formulär",
    "vy",
    "post",
    "rad",
    "ställ",
    "in",
    "ange",
    "ändra",
    "ny",
    "redigera",
    "inställningar",
    "använd",
    "kontrollera",
    "först",
    "nästa",
    "efter",
    "innan",
    "igen",
    "visas",
]
EN = [
    "invoice",
    "post",
    "lock",
    "date",
    "journal",
    "bank",
    "reconciliation",
    "payment",
    "vendor",
    "customer",
    "tax",
    "report",
    "stock",
    "warehouse",
    "delivery",
    "picking",
    "manufacturing",
    "order",
    "bill",
    "of",
    "materials",
    "sales",
    "quotation",
    "purchase",
    "product",
    "variant",
    "pricelist",
    "fiscal",
    "position",
    "currency",
    "partner",
    "analytic",
    "account",
    "timesheet",
    "project",
    "task",
    "employee",
    "payroll",
    "website",
    "shop",
    "cart",
]
SV = [
    "faktura",
    "bokföra",
    "låsdatum",
    "verifikation",
    "bankavstämning",
    "betalning",
    "leverantör",
    "kund",
    "moms",
    "rapport",
    "lager",
    "lagersaldo",
    "leverans",
    "plockning",
    "tillverkningsorder",
    "stycklista",
    "offert",
    "inköp",
    "produkt",
    "prislista",
    "valuta",
    "kontoplan",
    "tidrapport",
    "projekt",
    "anställd",
    "lön",
    "webbshop",
    "kundvagn",
]


def setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_help")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SUPPORTDESK_VAR", "/tmp/supportdesk-bench-help")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        name = params.pop("dbname")
        for key in ("cursor_factory", "context"):
            params.pop(key, None)
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            hits = search_articles(visible, query, limit=10, language="en")
            times.append((time.perf_counter() - start) * 1000)
        medians[query] = (statistics.median(times), len(hits))
    reference = []
    with connection.cursor() as cursor:
        for _ in range(REPEATS):
            start = time.perf_counter()
            cursor.execute(
                "SELECT count(*) FROM help_article WHERE body_text ILIKE %s", ["%lagersaldo%"]
            )
            cursor.fetchone()
            reference.append((time.perf_counter() - start) * 1000)
    for query, (ms, count) in medians.items():
        print(f"  {query!r}: {ms:.1f} ms, {count} hits")
    worst = max(ms for ms, _ in medians.values())
    print(
        f"help search, {n:,} articles on {connection.vendor}: slowest query median {worst:.1f} ms "
        f"(target ≤ 50 ms); reference ILIKE scan of the texts: {statistics.median(reference):.1f} ms "
        f"(load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
