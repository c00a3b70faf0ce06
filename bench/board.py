"""The dispatch board's first page with 100,000 open tickets: server time per request.

Run on PostgreSQL (the database is created, migrated and filled if need be):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_console \\
    .venv/bin/python bench/board.py [N]

Fills the database up to N open tickets (default 100,000) with one
``INSERT … SELECT … FROM generate_series`` (fixed ``setseed``: every run builds the same
data), then requests ``/console/`` as a dispatcher through Django's test client — the whole
server side: middleware, session, queries, clocks, suggestions, template — 20 times and
prints the median, the query count, and the plan of the page's ticket query.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a queue.py that would shadow the standard library's queue module.
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    del sys.path[0]
REPEATS = 20
ORGANISATIONS = 200
CONSULTANTS = 20
SKILLS = ["Accounting", "Inventory", "Manufacturing", "Sales", "Technical", "Localisation"]


def setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_console")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SUPPORTDESK_VAR", "/tmp/supportdesk-bench-console")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        _create_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _create_database() -> None:
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    name = params.pop("dbname")
    for key in ("cursor_factory", "context"):
        params.pop(key, None)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def people() -> object:
    """Organisations, skills, consultants and the dispatcher (made once)."""
    from supportdesk.accounts.models import Organisation, Role, Skill, User

    skills = [Skill.objects.get_or_create(name=name)[0] for name in SKILLS]
    if Organisation.objects.count() < ORGANISATIONS:
        Organisation.objects.bulk_create(
            [Organisation(name=f"Bench organisation {i:03d} AB") for i in range(ORGANISATIONS)],
            ignore_conflicts=True,
        )
    for i in range(CONSULTANTS):
        user, made = User.objects.get_or_create(
            email=f"consultant{i:02d}@bench.example",
            defaults={"name": f"Consultant {i:02d}", "role": Role.CONSULTANT},
        )
        if made:
            user.skills.set([skills[i % len(skills)], skills[(i * 7 + 3) % len(skills)]])
    dispatcher, _ = User.objects.get_or_create(
        email="dispatcher@bench.example",
        defaults={"name": "Bench Dispatcher", "role": Role.DISPATCHER},
    )
    return dispatcher


def fill(n: int) -> int:
    """Add open tickets until there are ``n``; returns how many there are."""
    from django.db import connection

    from supportdesk.accounts.models import Organisation, Skill, User
    from supportdesk.tickets.models import OPEN_STATUSES, Ticket

    have = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    missing = n - have
    if missing <= 0:
        return have
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    skills = list(Skill.objects.values_list("pk", flat=True))
    consultants = list(
        User.objects.filter(email__endswith="@bench.example", role="consultant").values_list(
            "pk", flat=True
        )
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            """
            INSERT INTO tickets_ticket (
                organisation_id, requester_id, channel, subject, description, contact_method,
                contact_phone, kind, impact, impact_review, code_owner, required_skill_id,
                assignee_id, status, sender_verified, reply_token, queue_rank, registered_at,
                assigned_at, started_at, updated_at, assignment_due, same_day_due,
                resolution_due, paused_minutes, assignment_warn_at)
            SELECT
                (%(orgs)s::bigint[])[1 + (g * 7919) %% cardinality(%(orgs)s::bigint[])],
                NULL, 'portal', 'Bench ticket ' || g, 'Posting fails with a lock date error.',
                'email', '', 'how_to',
                CASE WHEN r.critical THEN 'production_down' ELSE '' END,
                CASE WHEN r.critical THEN 'claimed' ELSE '' END, '',
                CASE WHEN g %% 3 = 0
                     THEN (%(skills)s::bigint[])[1 + g %% cardinality(%(skills)s::bigint[])] END,
                CASE WHEN r.assigned
                     THEN (%(people)s::bigint[])[1 + g %% cardinality(%(people)s::bigint[])] END,
                CASE WHEN NOT r.assigned THEN 'new'
                     WHEN g %% 5 = 0 THEN 'waiting_customer'
                     WHEN g %% 2 = 0 THEN 'in_progress' ELSE 'assigned' END,
                true, md5('bench' || g || random()), CASE WHEN r.critical THEN 0 ELSE 1 END,
                r.at,
                CASE WHEN r.assigned THEN r.at + interval '3 hours' END,
                CASE WHEN r.assigned AND g %% 2 = 0 THEN r.at + interval '4 hours' END,
                r.at, r.at + interval '2 days', r.at + interval '8 hours',
                r.at + interval '14 days', 0, r.at + interval '2 days' - interval '2 hours'
            FROM generate_series(%(first)s, %(last)s) AS g,
            LATERAL (SELECT random() < 0.02 AS critical, random() < 0.6 AS assigned,
                            now() - random() * interval '60 days' AS at) AS r
            """,
            {
                "orgs": orgs,
                "skills": skills,
                "people": consultants,
                "first": have + 1,
                "last": n,
            },
        )
        cursor.execute("ANALYZE tickets_ticket")
    print(f"added {missing:,} open tickets in {time.perf_counter() - started:.1f} s")
    return n


def main(n: int) -> None:
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from supportdesk.console.selectors import board_tickets

    dispatcher = people()
    total = fill(n)
    client = Client()
    client.force_login(dispatcher)  # type: ignore[arg-type]
    assert client.get("/console/").status_code == 200  # warm: settles the session
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get("/console/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/console/")
    rows = response.content.count(b"data-number=")
    plan = (
        board_tickets(dispatcher)
        .select_related(  # type: ignore[arg-type]
            "organisation", "assignee", "required_skill", "requester"
        )[:51]
        .explain()
    )
    print(plan)
    print(
        f"board first page on {connection.vendor}: {statistics.median(times):.1f} ms median "
        f"server time ({min(times):.1f}–{max(times):.1f} ms over {REPEATS}), "
        f"{len(queries)} queries, {rows} rows, {total:,} open tickets"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
