"""Queries compiled once (core.prepared): the same instances as the queryset they stand for."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from supportdesk.commitments.models import Absence
from supportdesk.core.prepared import Prepared
from supportdesk.tickets.access import related_exists
from supportdesk.tickets.models import Ticket
from tests.core.test_rows import _columns
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_rows_are_the_querysets_instances_with_joined_rows_and_annotations(alice, bob):
    built = []

    def tickets_of(organisation: int, requester: int):
        built.append((organisation, requester))
        return (
            Ticket.objects.filter(organisation_id=organisation, requester_id=requester)
            .select_related("organisation", "requester")
            .annotate(has_attachments=related_exists("attachments"))
        )

    alices = [make_ticket(alice, subject=f"Alice {n}") for n in range(2)]
    bobs = make_ticket(bob, subject="Bob's")
    prepared = Prepared(tickets_of)
    expected = list(tickets_of(alice.organisation_id, alice.pk))
    with CaptureQueriesContext(connection) as queries:
        got = prepared.rows(organisation=alice.organisation_id, requester=alice.pk)
        assert [t.subject for t in got] == [t.subject for t in expected]
        assert [t.requester.email for t in got] == [alice.email] * 2  # no query: joined
        assert [t.organisation.name for t in got] == [alice.organisation.name] * 2
        assert [t.has_attachments for t in got] == [False, False]
        assert {t.pk for t in got} == {t.pk for t in alices}
    assert len(queries) == 1
    assert prepared.first(organisation=bob.organisation_id, requester=bob.pk) == bobs
    assert prepared.rows(organisation=bob.organisation_id, requester=alice.pk) == []
    # Built once (then), compiled once: the later calls only bind their ids.
    assert len(built) == 2
    assert got[0].status == expected[0].status
    assert got[0].registered_at == expected[0].registered_at  # converted as Django does


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_needs_a_transaction(alice):
    ticket = make_ticket(alice)
    prepared = Prepared(lambda ticket: Ticket.objects.filter(pk=ticket).select_for_update())
    with pytest.raises(TransactionManagementError):
        prepared.rows(ticket=ticket.pk)
    with transaction.atomic():
        assert prepared.rows(ticket=ticket.pk) == [ticket]
        assert prepared.rows(ticket=ticket.pk) == [ticket]


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_its_own(alice):
    ticket = make_ticket(alice)
    built = []

    def by_id(ticket: int):
        built.append(ticket)
        return Ticket.objects.filter(pk=ticket)

    prepared = Prepared(by_id)
    assert prepared.rows(ticket=ticket.pk) == prepared.rows(ticket=ticket.pk) == [ticket]
    assert len(built) == 1
    seen = []

    def elsewhere() -> None:
        seen.extend(prepared.rows(ticket=ticket.pk))
        connection.close()

    other = threading.Thread(target=elsewhere)
    other.start()
    other.join()
    assert seen == [ticket]
    assert len(built) == 2  # the other thread's own statement, on its own connection


def test_a_query_with_prefetched_rows_is_refused():
    prepared = Prepared(
        lambda ticket: Ticket.objects.filter(pk=ticket).prefetch_related("watchers")
    )
    with pytest.raises(ValueError, match="select_related"):
        prepared.rows(ticket=1)


LOCK = Prepared(
    lambda ticket: (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("organisation", "requester")
        .filter(pk=ticket)
    )
)


def test_a_locked_read_is_the_models_the_queryset_would_read(alice, bob):
    tickets = [make_ticket(alice), make_ticket(bob)]
    with transaction.atomic():
        for ticket in tickets * 2:  # built once, run for each value
            ours = LOCK.get(ticket=ticket.pk)
            orms = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("organisation", "requester")
                .get(pk=ticket.pk)
            )
            assert ours == orms and ours._loaded == orms._loaded
            assert _columns(ours) == _columns(orms)
            with CaptureQueriesContext(connection) as captured:
                assert ours.organisation.name == orms.organisation.name
                assert ours.requester == orms.requester
            assert len(captured) == 0, "the related rows came with it"
        with pytest.raises(Ticket.DoesNotExist):
            LOCK.get(ticket=max(t.pk for t in tickets) + 1000)


def test_a_day_is_an_argument_like_an_id(consultant):
    Absence.objects.create(user=consultant, starts=dt.date(2026, 3, 2), ends=dt.date(2026, 3, 6))
    Absence.objects.create(user=consultant, starts=dt.date(2026, 3, 9), ends=dt.date(2026, 3, 9))

    def away(user: int, day: dt.date):
        return Absence.objects.filter(user_id=user, starts__lte=day, ends__gte=day)

    prepared = Prepared(away, dates=("day",))
    for day in (dt.date(2026, 3, 1), dt.date(2026, 3, 4), dt.date(2026, 3, 9)):
        expected = list(away(consultant.pk, day))
        assert prepared.rows(user=consultant.pk, day=day) == expected
    assert len(prepared.rows(user=consultant.pk, day=dt.date(2026, 3, 4))) == 1
    assert prepared.rows(user=consultant.pk + 1, day=dt.date(2026, 3, 4)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_parses_and_plans_the_statement_once_per_connection(alice, bob):
    prepared = Prepared(
        lambda organisation: Ticket.objects.filter(organisation_id=organisation).order_by("pk")
    )
    alices = make_ticket(alice, subject="Alice's")
    bobs = make_ticket(bob, subject="Bob's")

    def statements() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if '"tickets_ticket"' in row[0]]

    before = statements()
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(organisation=alice.organisation_id) == [alices]
        assert prepared.rows(organisation=bob.organisation_id) == [bobs]
        assert prepared.rows(organisation=alice.organisation_id) == [alices]
    made = [s for s in statements() if s not in before]
    # One statement on the server, its values sent apart ($1), whichever organisation.
    assert len(made) == 1 and '"organisation_id" = $1' in made[0]
    # Logged with its values written in, as Django's own statements are.
    assert f'"organisation_id" = {bob.organisation_id}' in queries[1]["sql"]


def test_values_rows_and_counts_are_the_querysets(alice, bob):
    def open_of(organisation: int):
        return (
            Ticket.objects.filter(organisation_id=organisation)
            .values("pk", "subject", "requester__email", "registered_at")
            .annotate(key=F("pk"))
            .order_by("-pk")[:2]
        )

    for k in range(3):
        make_ticket(alice, subject=f"Alice {k}")
    make_ticket(bob, subject="Bob's")
    prepared = Prepared(open_of)
    for organisation in (alice.organisation_id, bob.organisation_id, 0):
        expected = list(open_of(organisation))
        assert prepared.rows(organisation=organisation) == expected
        # A slice caps the count, as QuerySet.count() does.
        assert prepared.count(organisation=organisation) == open_of(organisation).count()
    assert [r["subject"] for r in prepared.rows(organisation=alice.organisation_id)] == [
        "Alice 2",
        "Alice 1",
    ]
    assert prepared.count(organisation=alice.organisation_id) == 2
    assert prepared.rows(organisation=alice.organisation_id)[0]["registered_at"].tzinfo


def test_other_kinds_of_rows_are_refused():
    prepared = Prepared(lambda ticket: Ticket.objects.filter(pk=ticket).values_list("pk"))
    with pytest.raises(ValueError, match="values"):
        prepared.rows(ticket=1)


def test_an_instant_and_a_small_integer_are_arguments(alice):
    from supportdesk.commitments.queue import after_keys, in_queue_order

    made = [make_ticket(alice, subject=f"Ticket {k}") for k in range(4)]

    def after(rank: int, at: dt.datetime, pk: int):
        return after_keys(in_queue_order(Ticket.objects.all()), rank=rank, at=at, pk=pk, size=9)

    prepared = Prepared(after, datetimes=("at",))
    seen = []
    for ticket in made:
        ticket.refresh_from_db()
        keys = (ticket.queue_rank, ticket.registered_at, ticket.pk)
        got = prepared.rows(rank=keys[0], at=keys[1], pk=keys[2])
        assert got == list(after(*keys))
        seen.append(len(got))
    assert seen == [3, 2, 1, 0]
    with pytest.raises(TypeError, match="instant"):
        prepared.rows(rank=0, at=dt.date(2026, 1, 1), pk=1)


def test_a_list_of_ids_is_one_argument_whatever_its_length(alice, bob):
    def of(tickets: list[int], organisation: int):
        return (
            Ticket.objects.filter(pk__in=tickets, organisation_id=organisation)
            .values("pk", "subject")
            .order_by("pk")
        )

    made = [make_ticket(alice, subject=f"Alice {k} 100%") for k in range(4)]
    bobs = make_ticket(bob, subject="Bob's")
    ids = [t.pk for t in made] + [bobs.pk]
    prepared = Prepared(of, lists=("tickets",))
    with CaptureQueriesContext(connection) as queries:
        for chosen in ([], ids[:1], ids[1:3], ids, [0, -1]):
            expected = list(of(chosen, alice.organisation_id)) if chosen else []
            assert prepared.rows(tickets=chosen, organisation=alice.organisation_id) == expected
    # One statement for every length: the list is one parameter.
    assert len({q["sql"].split(" WHERE ")[0] for q in queries.captured_queries}) == 1
    assert [r["pk"] for r in prepared.rows(tickets=ids, organisation=bob.organisation_id)] == [
        bobs.pk
    ]


def test_a_list_used_otherwise_than_field_in_list_is_refused():
    prepared = Prepared(
        lambda tickets: Ticket.objects.filter(pk=tickets[0]).values("pk"), lists=("tickets",)
    )
    with pytest.raises(ValueError, match="field__in=list"):
        prepared.rows(tickets=[1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_constants_are_written_in_so_postgresql_keeps_one_plan(alice, bob):
    from supportdesk.commitments.queue import OPEN_STATUSES

    def open_of(organisation: int):
        return Ticket.objects.filter(
            organisation_id=organisation, status__in=OPEN_STATUSES, subject__contains="50%"
        ).order_by("-pk")

    mine = make_ticket(alice, subject="Down by 50% since Monday")
    make_ticket(alice, subject="Down by 50 orders since Monday")  # no percent sign
    make_ticket(bob, subject="Also 50%")
    prepared = Prepared(open_of)
    for _ in range(8):
        assert prepared.rows(organisation=alice.organisation_id) == [mine]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        found = [row for row in cursor.fetchall() if "50" in row[0] and "tickets_ticket" in row[0]]
    ((statement, generic),) = found
    # Only the argument is sent apart; the statuses and the text are in the statement,
    # so its generic plan is as good as one made for the values and is kept.
    assert "$1" in statement and "$2" not in statement
    assert "'new'" in statement and "LIKE" in statement
    assert generic >= 1


def test_text_is_an_argument_compared_whole_or_in_a_pattern_escaped_as_django_does(alice):
    from supportdesk.accounts.models import Organisation

    names = ["100% Bygg", "100 Bygg", "Alpha_Beta", "AlphaXBeta", "Back\\slash AB", "Åkeri Öst"]
    for name in names:
        Organisation.objects.create(name=name)

    def named(name: str, part: str):
        return (
            Organisation.objects.filter(Q(name=name) | Q(name__icontains=part))
            .order_by("name")
            .values("name")
        )

    prepared = Prepared(named, texts=("name", "part"))
    for name, part in [
        ("", "0% b"),  # "%" and "_" are letters here, as in Django's pattern
        ("", "a_b"),
        ("", "k\\s"),
        ("", "%"),
        ("", "ÅKERI"),
        ("100 Bygg", "nothing"),  # compared whole
        ("100%", "zzz"),
    ]:
        expected = [row["name"] for row in named(name, part)]
        assert [row["name"] for row in prepared.rows(name=name, part=part)] == expected, part
    assert [row["name"] for row in prepared.rows(name="", part="0% b")] == ["100% Bygg"]
    assert [row["name"] for row in prepared.rows(name="", part="a_b")] == ["Alpha_Beta"]
    assert [row["name"] for row in prepared.rows(name="100 Bygg", part="qq")] == ["100 Bygg"]
    with pytest.raises(TypeError):
        prepared.rows(name=4, part="x")
