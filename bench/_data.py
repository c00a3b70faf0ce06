"""Bench data: a database holding N tickets, made fast and reused between runs.

On PostgreSQL the tickets are one ``INSERT … SELECT … FROM generate_series`` (a fixed
``setseed``, so every run builds the same data): registered over the last year, about 2 %
flagged business-critical, about 80 % resolved or closed (the older a ticket, the likelier),
clock columns set plausibly (assignment due 2 days after registration and so on: volume, not
calendar accuracy). Organisations of very different sizes, customer users and consultants are
created first. Nothing is done when the table already holds N tickets; missing ones are added.

On SQLite it falls back to ``supportdesk demo --tickets N``.

Used by bench/queue.py and bench/kpi.py; run with the same environment, for example

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_commit \\
    DJANGO_SETTINGS_MODULE=supportdesk.settings DEBUG=true .venv/bin/python bench/queue.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 0.2026
ORGANISATIONS = 300
CONSULTANTS = 25


def setup() -> None:
    """Django set up on the database of DATABASE_URL, created and migrated if need be."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    _create_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    import psycopg

    params = connection.get_connection_params()
    name = params.pop("dbname")
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``run`` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def fill(n: int) -> int:
    """Make sure the database holds at least ``n`` tickets; returns how many it holds."""
    from django.db import connection

    from supportdesk.tickets.models import Ticket

    have = Ticket.objects.count()
    if have >= n:
        print(f"{have:,} tickets already present")
        _figures(rebuild=False)
        return have
    began = time.perf_counter()
    if connection.vendor != "postgresql":
        from django.core.management import call_command

        call_command("demo", tickets=n - have)
    else:
        _fill_postgres(have, n)
    total = Ticket.objects.count()
    print(f"added {total - have:,} tickets in {time.perf_counter() - began:.1f} s")
    _figures(rebuild=True)
    return total


def _figures(*, rebuild: bool) -> None:
    """The dashboard's kept figures made from the tickets (``supportdesk report rebuild``):
    the rows above were inserted without events, so no subscriber counted them."""
    from supportdesk.reports import figures

    if rebuild or figures.built() is None:
        done = figures.rebuild()
        print(
            f"  figures rebuilt from {done['tickets']:,} tickets ({done['rows']:,} rows)"
            f" in {done['seconds']:.1f} s"
        )
    else:
        figures.sweep()  # deadlines passed since the last run


def _people() -> tuple[list[int], list[int], list[int]]:
    """Organisation ids (largest customers first), one requester each, consultant ids."""
    from django.contrib.auth.hashers import make_password

    from supportdesk.accounts.models import Agreement, Organisation, Role, Skill, User

    password = make_password(None)  # unusable: bench people never log in
    skills = [Skill.objects.get_or_create(name=f"Bench skill {k}")[0] for k in range(6)]
    orgs = []
    for k in range(ORGANISATIONS):
        org, created = Organisation.objects.get_or_create(name=f"Bench customer {k:03d} AB")
        if created and k % 3 == 0:  # a third have a Maintenance and Support Agreement
            Agreement.objects.create(organisation=org, valid_from="2024-01-01")
        orgs.append(org)
    requesters = [
        User.objects.get_or_create(
            email=f"user@bench{k:03d}.example",
            defaults={"organisation": org, "role": Role.CUSTOMER, "password": password},
        )[0]
        for k, org in enumerate(orgs)
    ]
    consultants = []
    for k in range(CONSULTANTS):
        user, created = User.objects.get_or_create(
            email=f"consultant{k:02d}@bench.example",
            defaults={"role": Role.CONSULTANT, "password": password, "organisation": None},
        )
        if created:
            user.skills.set([skills[k % 6], skills[(k + 1) % 6]])
        consultants.append(user)
    return [o.pk for o in orgs], [u.pk for u in requesters], [u.pk for u in consultants]


# Column -> SQL over the row ``s`` of random draws below. Every other column of the table
# gets its model default (a constant), so that a new NOT NULL field does not break the bench.
_EXPRESSIONS = {
    "organisation_id": "(%(orgs)s::bigint[])[s.org]",
    "requester_id": "(%(requesters)s::bigint[])[s.org]",
    "channel": "(ARRAY['portal','email','phone','api','console'])[1 + (s.i %% 5)]",
    "subject": "'Bench ticket ' || s.i",
    "description": "''",
    "contact_method": "'email'",
    "contact_phone": "''",
    "kind": "(ARRAY['how_to','configuration','bug','bug_fix','infrastructure'])[1 + (s.i %% 5)]",
    "impact": "CASE WHEN s.critical THEN 'production_down' ELSE '' END",
    "impact_review": "CASE WHEN s.critical THEN 'confirmed' ELSE '' END",
    "code_owner": "''",
    "required_skill_id": "NULL",
    "assignee_id": "CASE WHEN s.status <> 'new' "
    "THEN (%(consultants)s::bigint[])[1 + (s.i %% %(n_consultants)s)] END",
    "status": "s.status",
    "queue_rank": "CASE WHEN s.critical THEN 0 ELSE 1 END",
    "registered_at": "s.reg",
    "assigned_at": "CASE WHEN s.status <> 'new' THEN s.reg + s.to_assign END",
    "started_at": "CASE WHEN s.status NOT IN ('new','assigned') "
    "THEN s.reg + s.to_assign + interval '20 minutes' END",
    "resolved_at": "CASE WHEN s.status IN ('resolved','closed') "
    "THEN least(s.reg + s.to_resolve, now()) END",
    "closed_at": "CASE WHEN s.status = 'closed' "
    "THEN least(s.reg + s.to_resolve + interval '2 days', now()) END",
    "updated_at": "least(s.reg + s.to_resolve, now())",
    "assignment_due": "s.reg + interval '2 days'",
    "same_day_due": "date_trunc('day', s.reg) + interval '17 hours'",
    "resolution_due": "s.reg + interval '14 days'",
    "paused_minutes": "0",
    "assignment_warn_at": "s.reg + interval '46 hours'",
    # Working minutes: roughly 9 working hours in every 24.
    "assignment_minutes": "CASE WHEN s.status <> 'new' "
    "THEN (extract(epoch FROM s.to_assign) / 160)::int END",
    "resolution_minutes": "CASE WHEN s.status IN ('resolved','closed') "
    "THEN (extract(epoch FROM s.to_resolve) / 160)::int END",
    "assignment_warned_at": "NULL",
    "assignment_breached_at": "NULL",
    "reply_token": "'bench-' || s.i",  # never hex, so never one of the app's tokens
}

_DRAWS = """
    SELECT i, reg, critical, org, to_assign, to_resolve,
        CASE
            WHEN age < 60 AND state < 0.80 OR state < 0.06 THEN
                (ARRAY['new','assigned','in_progress','in_progress','waiting_customer',
                       'waiting_third_party'])[1 + (i %% 6)]
            WHEN state < 0.90 THEN 'resolved'
            ELSE 'closed'
        END AS status
    FROM (
        SELECT i,
            now() - age * interval '1 day' AS reg,
            age,
            random() < 0.02 AS critical,
            -- Customers of very different sizes: the first organisations get most tickets.
            1 + floor(%(n_orgs)s * power(random(), 3))::int AS org,
            random() * interval '3 days' AS to_assign,
            interval '1 hour' + random() * random() * interval '25 days' AS to_resolve,
            random() AS state
        FROM (SELECT i, random() * 365 AS age FROM generate_series(%(first)s, %(last)s) AS i) g
    ) d
"""


def _fill_postgres(have: int, n: int) -> None:
    from django.db import connection, transaction

    from supportdesk.tickets.models import OPEN_STATUSES, Ticket

    orgs, requesters, consultants = _people()
    columns, values, params = (
        [],
        [],
        {
            "orgs": orgs,
            "requesters": requesters,
            "consultants": consultants,
            "n_consultants": len(consultants),
            "n_orgs": len(orgs),
            "first": have + 1,
            "last": n,
        },
    )
    for field in Ticket._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in _EXPRESSIONS:
            values.append(_EXPRESSIONS[field.column])
            continue
        default = field.get_default()
        if not isinstance(default, bool | int | str):
            raise RuntimeError(f"bench/_data.py: say how to fill tickets_ticket.{field.column}")
        params[f"default_{field.column}"] = default
        values.append(f"%(default_{field.column})s")
    sql = (
        f"INSERT INTO tickets_ticket ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM ({_DRAWS}) s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # Building an index once is much faster than growing it a row at a time: drop the
        # secondary indexes and build them again afterwards, in the same transaction, so a
        # failure leaves the schema as it was.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
            " FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
            " WHERE i.indrelid = 'tickets_ticket'::regclass AND c.oid IS NULL"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        # The generated ids come from the rows made above: skip the per-row foreign-key
        # checks and the app's row triggers (needs a superuser), and count each user's
        # open load (tickets migration 0004's trigger) once afterwards. Without a
        # superuser they run, at once rather than deferred: a deferred check still
        # pending at the end of the INSERT forbids building the indexes again in the
        # same transaction.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT setseed(%s)", [SEED])
        began = time.perf_counter()
        cursor.execute(sql, params)
        print(f"  insert: {time.perf_counter() - began:.1f} s")
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute(
                "UPDATE accounts_user u SET open_load = (SELECT count(*) FROM tickets_ticket t"
                " WHERE t.assignee_id = u.id AND t.status = ANY(%s))",
                [[str(s) for s in OPEN_STATUSES]],
            )
        began = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        print(f"  {len(indexes)} indexes rebuilt: {time.perf_counter() - began:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) tickets_ticket")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket" if connection.vendor == "postgresql" else "ANALYZE")
