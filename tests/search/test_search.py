"""Search by number, reference, Odoo URL, organisation, contact and text.

Runs on whichever database the test run uses: FTS5 on SQLite, full-text search on
PostgreSQL (``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

import pytest
from django.db import connection

from supportdesk.accounts.models import Organisation
from supportdesk.search.selectors import search
from supportdesk.tickets import actions
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


def numbers(hits):
    return [hit.ticket.number for hit in hits]


@pytest.fixture
def tickets(alice, bob):
    Organisation.objects.filter(pk=alice.organisation_id).update(odoo_url="https://alpha.odoo.com")
    return {
        "invoice": make_ticket(
            alice,
            subject="Invoice cannot be posted",
            description="Posting INV/2026/00012 fails with a lock date error.",
        ),
        "stock": make_ticket(
            alice,
            subject="Stock moves are duplicated",
            description="Every delivery WH/OUT/00042 creates two stock moves. "
            "Screen: https://alpha.odoo.com/odoo/action-245/17",
        ),
        "bob": make_ticket(
            bob,
            subject="Invoices print without logo",
            description="Our invoices lost the logo after the upgrade.",
        ),
    }


def test_the_database_under_test(db):
    # Both backends are exercised: this suite runs on SQLite and on PostgreSQL.
    assert connection.vendor in {"sqlite", "postgresql"}


def test_by_ticket_number(tickets, consultant):
    number = tickets["stock"].number
    hits = search(consultant, number.lower())
    assert numbers(hits)[0] == number
    assert hits[0].matched == "number"


def test_by_transaction_reference(tickets, consultant):
    hits = search(consultant, "inv/2026/00012")
    assert numbers(hits)[0] == tickets["invoice"].number
    assert hits[0].matched == "reference"


def test_by_odoo_url(tickets, consultant):
    hits = search(consultant, "https://alpha.odoo.com/odoo/action-245/17")
    assert numbers(hits)[0] == tickets["stock"].number
    assert hits[0].matched == "odoo_url"


def test_by_odoo_instance_finds_the_organisations_tickets(tickets, consultant):
    hits = search(consultant, "alpha.odoo.com")
    assert set(numbers(hits)) >= {tickets["invoice"].number, tickets["stock"].number}
    assert tickets["bob"].number not in numbers(hits)


def test_by_organisation(tickets, consultant):
    hits = search(consultant, "Beta")
    assert numbers(hits) == [tickets["bob"].number]
    assert hits[0].matched == "organisation"


def test_by_contact_name_email_and_phone(tickets, consultant, alice):
    alice.name = "Alice Lindgren"
    alice.phone = "070-123 45 67"
    alice.save()
    for query in ["Lindgren", "alice@alpha", "+46 70 123 45 67"]:
        hits = search(consultant, query)
        assert set(numbers(hits)) == {tickets["invoice"].number, tickets["stock"].number}, query


def test_text_is_ranked_with_highlighted_snippets(tickets, consultant):
    hits = search(consultant, "invoice")
    found = numbers(hits)
    assert tickets["invoice"].number in found and tickets["bob"].number in found
    assert tickets["stock"].number not in found
    hit = next(h for h in hits if h.ticket.number == tickets["bob"].number)
    assert "<mark>" in hit.snippet and "nvoice" in hit.snippet.lower()


def test_every_word_must_match_and_a_prefix_matches(tickets, consultant):
    assert numbers(search(consultant, "dupl stock")) == [tickets["stock"].number]
    assert numbers(search(consultant, "stock logo")) == []


def test_subject_matches_rank_above_body_matches(alice, consultant):
    in_body = make_ticket(alice, subject="Question", description="The payroll run is slow")
    in_subject = make_ticket(alice, subject="Payroll run is slow", description="Since Monday")
    found = numbers(search(consultant, "payroll"))
    assert found.index(in_subject.number) < found.index(in_body.number)


def test_messages_are_searched_and_point_at_the_message(tickets, consultant):
    message = actions.ticket_reply(
        ticket=tickets["stock"],
        actor=consultant,
        body="The duplicate moves come from the reordering rule.",
        channel="console",
    )
    hits = search(consultant, "reordering")
    assert numbers(hits) == [tickets["stock"].number]
    assert hits[0].message_id == message.pk
    assert "<mark>reordering</mark>" in hits[0].snippet.lower()


def test_snippets_escape_the_text(alice, consultant):
    make_ticket(alice, subject="Report", description="The <script>alert(1)</script> R&D quarterly")
    hits = search(consultant, "quarterly")
    assert "<script>" not in hits[0].snippet
    assert "R&amp;D <mark>quarterly</mark>" in hits[0].snippet


def test_changed_subjects_are_found_by_their_new_words(tickets, consultant):
    actions.ticket_update(ticket=tickets["invoice"], actor=consultant, subject="Lock date problem")
    assert numbers(search(consultant, "lock date problem")) == [tickets["invoice"].number]


def test_customers_see_only_their_tickets_and_never_internal_notes(tickets, alice, consultant):
    actions.ticket_add_note(
        ticket=tickets["stock"], actor=consultant, body="Customer's admin broke the zebrafish"
    )
    assert numbers(search(consultant, "zebrafish")) == [tickets["stock"].number]
    assert search(alice, "zebrafish") == []
    # "invoice" matches Beta's ticket too: Alpha's user sees only their own.
    assert numbers(search(alice, "invoice")) == [tickets["invoice"].number]
    assert search(alice, tickets["bob"].number) == []
    assert search(alice, "Beta") == []


def test_a_colleague_not_allowed_to_see_all_finds_nothing_of_others(tickets, alice_colleague):
    assert search(alice_colleague, "invoice") == []


def test_queries_with_search_syntax_are_plain_words(tickets, consultant):
    for query in ['"', "AND OR NOT", "inv* -x", "NEAR(a b)", "a:b", "(((", "'; DROP TABLE"]:
        search(consultant, query)  # no error


def test_empty_query_finds_nothing(tickets, consultant):
    assert search(consultant, "   ") == []


def test_swedish_words(alice, consultant):
    ticket = make_ticket(alice, subject="Momsrapporten stämmer inte", description="Räkenskapsår")
    assert numbers(search(consultant, "momsrapporten stämmer")) == [ticket.number]


def test_search_api_for_staff_and_customers(tickets, client, alice, bob, consultant):
    actions.ticket_add_note(ticket=tickets["invoice"], actor=consultant, body="invoice note kiwi")
    client.force_login(consultant)
    body = client.get("/api/v1/search", {"q": "kiwi"}).json()
    assert [h["number"] for h in body] == [tickets["invoice"].number]
    assert "<mark>" in body[0]["snippet"]
    client.force_login(bob)
    assert client.get("/api/v1/search", {"q": "kiwi"}).json() == []
    assert client.get("/api/v1/search", {"q": tickets["invoice"].number}).json() == []
    assert client.get("/api/v1/search", {"q": ""}).status_code == 422


def test_search_page(tickets, client, consultant, bob):
    client.force_login(consultant)
    page = client.get("/console/search/", {"q": "INV/2026/00012"}).content.decode()
    assert tickets["invoice"].number in page and "transaction reference" in page
    client.force_login(bob)
    assert client.get("/console/search/", {"q": "invoice"}).status_code == 404


def test_many_tickets_rank_the_exact_number_first(alice, consultant):
    made = [make_ticket(alice, subject=f"Ticket {i}") for i in range(5)]
    UserFactory(email="x@alpha.example", organisation=alice.organisation)
    target = made[2]
    assert numbers(search(consultant, target.number))[0] == target.number


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the candidate window is PostgreSQL's"
)
def test_a_rare_word_goes_to_the_index_after_a_small_probe_and_a_common_one_stays_recent(
    alice, consultant, monkeypatch
):
    from django.test.utils import CaptureQueriesContext

    from supportdesk.search import backends

    monkeypatch.setattr(backends, "CANDIDATES", 3)
    monkeypatch.setattr(backends, "PROBE", 4)
    monkeypatch.setattr(backends, "RECENT", 27)
    oldest = make_ticket(alice, subject="Quarterly zircon report")
    made = [
        make_ticket(alice, subject=f"Ledger {'walrus ' if i % 3 == 0 else ''}closing {i}")
        for i in range(30)
    ]

    def windows(word):
        with CaptureQueriesContext(connection) as queries:
            hits = search(consultant, word)
        sizes = [
            size
            for q in queries.captured_queries
            if "FROM tickets_ticket WHERE TRUE" in q["sql"]
            for size in (4, 27)
            if f"LIMIT {size}\n" in q["sql"]
        ]
        indexed = sum(
            "FROM tickets_ticket\n    WHERE search_vector" in q["sql"]
            for q in queries.captured_queries
        )
        return numbers(hits), sizes, indexed

    # Common: every ticket of the probe says "ledger"; the newest three are ranked.
    found, sizes, indexed = windows("ledger")
    assert sizes == [4] and indexed == 0
    assert set(found) == {t.number for t in made[-3:]}
    # One in three: the probe finds it often enough to rank its matches in the newest 27 rows.
    found, sizes, indexed = windows("walrus")
    assert sizes == [4, 27] and indexed == 0
    assert set(found) == {t.number for t in [t for t in made if "walrus" in t.subject][-3:]}
    # Rare: not in the probe, found by the index at once, however old.
    found, sizes, indexed = windows("zircon")
    assert sizes == [4] and indexed == 1
    assert found == [oldest.number]


def test_a_record_name_and_a_reference_among_words_are_found_as_references(alice, consultant):
    named = make_ticket(alice, subject="Routing", description="x", references=["Work Center 3"])
    invoice = make_ticket(alice, subject="Posting", description="INV/2026/00077 is stuck")
    hits = search(consultant, "work center 3")
    assert numbers(hits)[:1] == [named.number] and hits[0].matched == "reference"
    assert hits[0].snippet == "<mark>Work Center 3</mark>"
    hits = search(consultant, "stuck INV/2026/00077")
    assert numbers(hits)[:1] == [invoice.number] and hits[0].matched == "reference"


def test_names_are_matched_as_written_not_as_patterns(alice, bob, consultant):
    # "%" and "_" are letters of the query, not wildcards.
    Organisation.objects.filter(pk=alice.organisation_id).update(name="100% Bygg <AB>")
    ticket = make_ticket(alice, subject="Lager")
    hits = search(consultant, "0% byg")
    assert numbers(hits) == [ticket.number] and hits[0].matched == "organisation"
    assert hits[0].snippet == "<mark>100% Bygg &lt;AB&gt;</mark>"
    assert hits[0].ticket.organisation == "100% Bygg <AB>"
    assert search(consultant, "10_% Bygg") == []
    assert [h.matched for h in search(consultant, "bo_@")] == []  # bob@… is no "bo_@"


def test_a_number_the_user_may_not_see_leaves_its_place_to_the_next_hit(alice, bob, consultant):
    others = make_ticket(bob, subject="Bob's ticket")
    pk = others.pk + 10_000  # digits that are that ticket's number, and words of alice's
    mine = [make_ticket(alice, subject=f"Order {pk} part {k}") for k in range(3)]
    as_alice = search(alice, str(pk), limit=2)
    assert others.number not in numbers(as_alice)
    assert len(as_alice) == 2 and {h.matched for h in as_alice} == {"text"}
    assert set(numbers(as_alice)) <= {t.number for t in mine}
    as_staff = search(consultant, str(pk), limit=2)
    assert numbers(as_staff)[0] == others.number and as_staff[0].matched == "number"
    assert len(as_staff) == 2
    assert search(consultant, "SD-99999999", limit=2) == []


def test_a_number_costs_no_query_of_its_own(alice, consultant):
    from django.test.utils import CaptureQueriesContext

    ticket = make_ticket(alice, subject="Quiet")

    def queries(query):
        with CaptureQueriesContext(connection) as captured:
            hits = search(consultant, query)
        return len(captured), hits

    # A ticket's number is known by the one read of the hits' tickets: references,
    # organisations, contacts, the text (SQLite: one FTS5 query; PostgreSQL: tickets and
    # messages, the newest rows then the index) and the tickets found.
    expected = 8 if connection.vendor == "postgresql" else 5
    counted, hits = queries(ticket.number)
    assert counted == expected and numbers(hits) == [ticket.number]
    # No such ticket: the same read says so.
    counted, hits = queries("SD-99999")
    assert counted == expected and hits == []


def test_the_search_page_shows_each_query_escaped_in_the_users_language(
    tickets, client, consultant, settings
):
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(consultant)
    hostile = "\"><script>alert('x')</script>"
    page = client.get("/console/search/", {"q": hostile}).content.decode()
    assert "<script>alert" not in page
    assert 'id="q" name="q" type="search" value="&quot;&gt;&lt;script&gt;' in page
    assert "Ticket number, transaction reference" in page and "0 tickets found." in page
    # The kept parts of the page never keep a query: the next one is its own.
    page = client.get("/console/search/", {"q": "Beta"}).content.decode()
    assert 'id="q" name="q" type="search" value="Beta" autofocus>' in page
    assert tickets["bob"].number in page and "alert" not in page
    consultant.language = "sv"
    consultant.save()
    page = client.get("/console/search/", {"q": "invoice"}).content.decode()
    assert "Ärendenummer, transaktionsreferens" in page and "2 ärenden hittades." in page
    assert '<span class="tag">text</span>' in page
